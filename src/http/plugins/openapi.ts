/**
 * The API described from the route schemas (@fastify/swagger, OpenAPI 3) and served at
 * `GET /api/v1/openapi.json` (also without `.json`). Register before any route: the document
 * is built from the routes registered after it. Routes with `schema.hide` (HTML pages, static
 * files) are left out.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';

/** The package version (the same relative place from src/ and from dist/). */
function packageVersion(): string {
  try {
    return String((JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** The path of the document (the `.json` suffix is accepted as on every API route). */
export const OPENAPI_PATH = '/api/v1/openapi';

/** Installs the generator and the document route. */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'canvas-kaltura-services',
        description: "Canvas LMS's Services API for Kaltura (configuration and Kaltura sessions), its admin API, and operations endpoints.",
        version: packageVersion(),
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A Canvas-style access token (or the `access_token` parameter).' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
        },
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'services', description: "Canvas's Services API" },
        { name: 'operations', description: 'health, metrics and this document' },
      ],
    },
  });

  app.get(
    OPENAPI_PATH,
    {
      // A public description of the API: no account or token needed to read it.
      config: { public: true },
      schema: {
        summary: 'This API as an OpenAPI 3 document',
        tags: ['operations'],
        security: [],
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => app.swagger(),
  );
}
