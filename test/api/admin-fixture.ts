/**
 * A small world for the admin API tests: root accounts A and B (each chosen by its Host), an
 * admin and a plain user in each, and a site admin in A; plus request shortcuts.
 */
import { expect } from 'vitest';
import { bearer, createTestApp, seedUser, type TestApp, type TestAppOptions, type TestDatabase } from '../helper.js';

export const HOST_A = 'a.example.edu';
export const HOST_B = 'b.example.edu';

type Seeded = Awaited<ReturnType<typeof seedUser>>;

export interface AdminWorld {
  t: TestApp;
  adminA: Seeded;
  userA: Seeded;
  siteAdmin: Seeded;
  adminB: Seeded;
  userB: Seeded;
  /** one request: JSON when `body` is an object, a form when it is a string */
  call(who: Seeded | null, method: string, url: string, body?: unknown, host?: string): Promise<Awaited<ReturnType<TestApp['app']['inject']>>>;
  close(): Promise<void>;
}

/** Builds the world on a fresh database. */
export async function adminWorld(database: TestDatabase, options: Omit<TestAppOptions, 'database'> = {}): Promise<AdminWorld> {
  const t = await createTestApp({ ...options, database });
  const adminA = await seedUser(t.ctx, { accountName: 'A', domains: [HOST_A], userName: 'Ada Admin', login: 'ada', admin: true });
  const userA = await seedUser(t.ctx, { accountId: adminA.account.id, userName: 'Pat Plain', login: 'pat', sisUserId: 'sis-pat' });
  const siteAdmin = await seedUser(t.ctx, { accountId: adminA.account.id, userName: 'Sam Site', login: 'sam', siteAdmin: true });
  const adminB = await seedUser(t.ctx, { accountName: 'B', domains: [HOST_B], userName: 'Bea Admin', login: 'bea', admin: true });
  const userB = await seedUser(t.ctx, { accountId: adminB.account.id, userName: 'Bob Plain', login: 'bob' });
  const hostOf = (who: Seeded | null) => (who && who.account.id === adminB.account.id ? HOST_B : HOST_A);
  return {
    t,
    adminA,
    userA,
    siteAdmin,
    adminB,
    userB,
    call: (who, method, url, body, host) => {
      const headers: Record<string, string> = { host: host ?? hostOf(who), ...(who ? bearer(who.token) : {}) };
      if (typeof body === 'string') headers['content-type'] = 'application/x-www-form-urlencoded';
      return t.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
      });
    },
    close: () => t.close(),
  };
}

/** Canvas's 401 for a signed-in caller who may not do this. */
export const UNAUTHORIZED_BODY = '{"status":"unauthorized","errors":[{"message":"user not authorized to perform that action"}]}';
/** Canvas's 401 for a caller without a token. */
export const UNAUTHENTICATED_BODY = '{"status":"unauthenticated","errors":[{"message":"user authorization required"}]}';

/** Asserts Canvas's unauthorized 401. */
export function expectUnauthorized(res: { statusCode: number; body: string }): void {
  expect(res.statusCode).toBe(401);
  expect(res.body).toBe(UNAUTHORIZED_BODY);
}

/** Asserts Canvas's unauthenticated 401 (with WWW-Authenticate). */
export function expectUnauthenticated(res: { statusCode: number; body: string; headers: Record<string, unknown> }): void {
  expect(res.statusCode).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="canvas-lms"');
  expect(res.body).toBe(UNAUTHENTICATED_BODY);
}

/** Asserts a 400 naming `field` with `message`. */
export function expectFieldError(res: { statusCode: number; json(): unknown }, field: string, message: string | RegExp): void {
  expect(res.statusCode).toBe(400);
  const body = res.json() as { errors: Array<{ field: string; message: string }> };
  const entry = body.errors.find((e) => e.field === field);
  expect(entry, JSON.stringify(body)).toBeDefined();
  if (typeof message === 'string') expect(entry!.message).toBe(message);
  else expect(entry!.message).toMatch(message);
}

/** The rel → URL map of a Link header. */
export function parseLinks(header: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(header ?? '').split(',')) {
    const m = /^<([^>]+)>; rel="([a-z]+)"$/.exec(part);
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}
