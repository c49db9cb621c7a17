/** Applies Canvas's pagination to a listing: reads page/per_page and writes the Link header. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parsePagination, type PageRequest } from '../../../canvas/pagination.js';
import { linkHeader } from '../../../canvas/link-header.js';
import { requestPath } from '../../request-params.js';
import { fieldError } from './admin-input.js';

/** The page the request asks for (400 for a bad page/per_page). */
export function pageOf(request: FastifyRequest): PageRequest {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const parsed = parsePagination({ page: q.page, per_page: q.per_page });
  if (!parsed.ok) throw fieldError(parsed.field, parsed.message);
  return parsed.value;
}

/** Sets `Link` for a page of a listing holding `total` items. */
export function setLinkHeader(request: FastifyRequest, reply: FastifyReply, page: PageRequest, total: number): void {
  const baseUrl = `${request.protocol}://${request.host}${requestPath(request)}`;
  reply.header('link', linkHeader({ baseUrl, query: (request.query ?? {}) as Record<string, unknown>, page: page.page, perPage: page.perPage, total }));
}
