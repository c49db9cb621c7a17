/**
 * fast-check arbitraries for raw HTTP/1.x requests that are malformed or hostile in every
 * dimension a client controls: method, request target (path and query string), version, Host,
 * credentials, content type, content and transfer encodings, framing, and JSON or form bodies.
 * Most requests are close enough to valid to reach the routes; the rest probe the parser.
 */
import fc from 'fast-check';

/** What the generated requests may use to get past authentication. */
export interface FuzzIdentity {
  /** a working access token */
  token: string;
  /** the server's port (for plausible Host headers) */
  port: number;
  /** user ids worth naming in as_user_id */
  userIds: number[];
}

/** A generated request: its bytes, and a printable description with the token masked. */
export interface FuzzRequest {
  bytes: Buffer;
  describe(): string;
  /** how fast-check prints a counterexample: the description, never the token */
  [fc.toStringMethod](): string;
}

const TOKEN_ALPHABET = '2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ';

const KNOWN_PATHS = [
  '/api/v1/services/kaltura',
  '/api/v1/services/kaltura_session',
  '/api/v1/services/kaltura.json',
  '/api/v1/services/kaltura_session.json',
  '/api/v1/kaltura_settings',
  '/api/v1/accounts/1/kaltura_settings',
  '/api/v1/accounts/1/kaltura_sessions',
  '/api/v1/accounts/1/users',
  '/api/v1/users/1/tokens',
  '/api/v1/users/1',
  '/api/v1/error_reports/1',
  '/api/v1/openapi.json',
  '/metrics',
  '/health',
  '/',
];

const HOSTILE_PATHS = [
  '*',
  '',
  'api/v1/services/kaltura',
  'http://evil.example/api/v1/services/kaltura_session',
  'https://127.0.0.1/api/v1/services/kaltura',
  '//evil.example/api/v1/services/kaltura',
  '/%',
  '/%zz',
  '/api/v1/services/kaltura%00',
  '/api/v1/services/%6baltura',
  '/api/v1/services/kaltura%2f..%2f..%2fetc%2fpasswd',
  '/api/v1/../v1/services/./kaltura',
  '/api/v1/services/kaltura/',
  '/api/v1/services/kaltura.json.json',
  '/api/v1/services/KALTURA',
  '/api/v1/services/kaltura;jsessionid=1',
  '/api\\v1\\services\\kaltura',
  '/api/v1/users/99999999999999999999999999/tokens',
  '/api/v1/users/-1/tokens',
  '/api/v1/users/1e309',
  '/api/v1/users/%F0%9F%92%A9',
  '/api/v1/accounts/0x10/kaltura_settings',
  '/api/v1/error_reports/NaN',
  `/api/v1/users/${'9'.repeat(300)}`,
  `/${'a/'.repeat(2000)}`,
  `/api/v1/services/kaltura?${'x'.repeat(9000)}`,
  '/api/v1/services/kaltura_session#fragment',
  // a query after `#` is a fragment: once the router read it as a query the Link header echoed a token
  '/api/v1/accounts/1/users#',
  '/\u00e9t\u00e9/\u4e2d\u6587',
];

const QUERY_KEYS = [
  'access_token',
  'include_upload_config',
  'as_user_id',
  'ks',
  'per_page',
  'page',
  'include_upload_config[]',
  'access_token[]',
  'as_user_id[x]',
  '__proto__',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  'a[b][c][d][e][f][g]',
  '',
  '%',
  '%zz',
];

/** Token strings: the real one, near misses, and junk. */
function tokenArb(id: FuzzIdentity): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(id.token) },
    { weight: 1, arbitrary: fc.nat({ max: id.token.length - 1 }).map((n) => id.token.slice(0, n)) },
    { weight: 1, arbitrary: fc.constant(id.token.toLowerCase()) },
    { weight: 1, arbitrary: fc.constant(`${id.token}x`) },
    { weight: 1, arbitrary: fc.constant(`${id.token.slice(0, 5)}~${id.token}`) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...TOKEN_ALPHABET), minLength: 64, maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'undefined', '0', '1~abc', 'x'.repeat(10_000), '\u0000', '%00', '\u00ff\u00fe') },
  );
}

/** Query-string values, raw (possibly badly percent-encoded); never the token (see credentialArb). */
function queryValueArb(id: FuzzIdentity): fc.Arbitrary<string | null> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', 't', 'f', '2', 'abc', '', '-1', '1e309', 'NaN', '99999999999999999999') },
    { weight: 2, arbitrary: fc.oneof(...id.userIds.map((u) => fc.constant(String(u))), fc.constant('sis_user_id:sis-1'), fc.constant('sis_user_id:'), fc.constant('sis_login_id:x'), fc.constant('self')) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AE', '%00', '+', '%2B', 'a=b=c', '&&&') },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

/**
 * A query parameter. The token goes only where a credential belongs (`access_token`): a token
 * a client puts in any other parameter is not a credential, and the service may log it.
 */
function queryPairArb(id: FuzzIdentity): fc.Arbitrary<[string, string | null]> {
  return fc.oneof(
    { weight: 1, arbitrary: tokenArb(id).map((t): [string, string | null] => ['access_token', encodeURIComponent(t)]) },
    {
      weight: 4,
      arbitrary: fc.tuple(
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent) }),
        queryValueArb(id),
      ),
    },
  );
}

function queryArb(id: FuzzIdentity): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 5, arbitrary: fc.array(queryPairArb(id), { maxLength: 6 }).map((pairs) => `?${pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '??', '?&', '?=', '?a[=1', `?${'a=1&'.repeat(2000)}`) },
  );
}

function pathArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...KNOWN_PATHS) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PATHS) },
    { weight: 1, arbitrary: fc.webPath() },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.string({ maxLength: 20 })).map(([p, s]) => `${p}${s}`) },
  );
}

function methodArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 24, arbitrary: fc.constantFrom('GET', 'POST') },
    { weight: 6, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'SEARCH', 'QUERY', 'get', 'Post') },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Z_-]{1,24}$/) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }) },
  );
}

function versionArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 40, arbitrary: fc.constant('HTTP/1.1') },
    { weight: 3, arbitrary: fc.constant('HTTP/1.0') },
    { weight: 1, arbitrary: fc.constantFrom('HTTP/2.0', 'HTTP/0.9', 'HTTP/1.2', 'http/1.1', 'HTTP/1', 'HTTP/1.1 extra', '') },
  );
}

function hostArb(id: FuzzIdentity): fc.Arbitrary<string[]> {
  return fc.oneof(
    { weight: 16, arbitrary: fc.constantFrom<string[]>([`127.0.0.1:${id.port}`], ['localhost'], ['school.example.edu']) },
    { weight: 1, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.domain().map((d) => [d]) },
    { weight: 1, arbitrary: fc.ipV6().map((ip) => [`[${ip}]:${id.port}`]) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<string[]>(
        [''],
        ['a', 'b'],
        ['evil.example:99999'],
        ['EXAMPLE.COM.'],
        ['user@evil.example'],
        ['[::1'],
        ['\u00e9xample.com'],
        ['xn--e1afmkfd.xn--p1ai'],
        [`${'a'.repeat(255)}.example`],
        ['h'.repeat(9000)],
        ['127.0.0.1:0'],
        ['example.com/path?x=1'],
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((h) => [h]) },
  );
}

function authorizationArb(id: FuzzIdentity): fc.Arbitrary<string[]> {
  return fc.oneof(
    { weight: 6, arbitrary: tokenArb(id).map((t) => [`Bearer ${t}`]) },
    { weight: 2, arbitrary: fc.constant<string[]>([]) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        tokenArb(id).map((t) => [`bearer ${t}`]),
        tokenArb(id).map((t) => [`Bearer  ${t}`]),
        tokenArb(id).map((t) => [`Token ${t}`]),
        tokenArb(id).map((t) => [`Basic ${Buffer.from(`admin:${t}`).toString('base64')}`]),
        tokenArb(id).map((t) => [`Bearer ${t}`, `Bearer ${t}`]),
        fc.constantFrom<string[]>(['Bearer'], ['Bearer '], [''], ['Bearer \t'], ['Digest username="x"']),
        fc.string({ unit: 'binary', maxLength: 40 }).map((s) => [`Bearer ${s}`]),
      ),
    },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-16',
  'application/json; charset=latin1',
  'application/json;',
  'APPLICATION/JSON',
  'application/json, text/html',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'text/plain',
  'text/xml',
  'application/octet-stream',
  ';',
  '',
  '*/*',
  'application/json; charset="utf-8"; boundary=',
];

function contentTypeArb(): fc.Arbitrary<string | null> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

/** JSON and form bodies, well-formed or not. */
function bodyArb(id: FuzzIdentity): fc.Arbitrary<Buffer> {
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const params = fc
    .tuple(
      fc.dictionary(fc.constantFrom('include_upload_config', 'as_user_id', 'foo', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
      fc.option(fc.oneof(tokenArb(id), fc.jsonValue({ maxDepth: 2 }))),
    )
    .map(([o, credential]) => (credential === null ? o : { ...o, access_token: credential }));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 4, arbitrary: params.map((o) => utf8(JSON.stringify(o))) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(JSON.stringify(v) ?? 'null')) },
    { weight: 2, arbitrary: params.map((o) => utf8(Object.entries(o).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(JSON.stringify(v) ?? '')}`).join('&'))) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '{',
        '{"a":',
        '{"include_upload_config":1,}',
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        '{"include_upload_config":"\\ud800"}',
        '[1,2,3',
        'null',
        '"\\u0000"',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
        `{"n":${'9'.repeat(400)}}`,
        'include_upload_config=1&include_upload_config=0&include_upload_config[]=1',
        'a[b][c][d][e][f][g][h][i][j][k]=1',
        `${'a[]=1&'.repeat(3000)}`,
        'access_token=%zz&%=%',
        '=&=&=',
        `pad=${'x'.repeat(70 * 1024)}`,
      ).map(utf8),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
  );
}

/** How the body is framed: honest Content-Length, chunked, or lies. */
type Framing = 'length' | 'chunked' | 'none' | 'short-length' | 'bad-length' | 'double-length' | 'length-and-chunked' | 'bad-chunked';

function framingArb(): fc.Arbitrary<Framing> {
  return fc.oneof(
    { weight: 20, arbitrary: fc.constant<Framing>('length') },
    { weight: 4, arbitrary: fc.constant<Framing>('chunked') },
    { weight: 1, arbitrary: fc.constantFrom<Framing>('none', 'short-length', 'bad-length', 'double-length', 'length-and-chunked', 'bad-chunked') },
  );
}

function extraHeadersArb(): fc.Arbitrary<Array<[string, string]>> {
  const one = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<[string, string]>(
      ['Content-Encoding', 'gzip'],
      ['Content-Encoding', 'deflate'],
      ['Content-Encoding', 'br'],
      ['Content-Encoding', 'identity'],
      ['Content-Encoding', 'x-unknown'],
      ['Accept-Encoding', 'gzip, deflate, br'],
      ['Accept', 'application/xml'],
      ['Expect', '100-continue'],
      ['Expect', 'something-else'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Proto', 'gopher'],
      ['X-Forwarded-For', '1.2.3.4, 5.6.7.8'],
      ['X-Forwarded-Host', 'evil.example'],
      ['X-Request-Id', 'abc-123'],
      ['X-Request-Id', 'a'.repeat(500)],
      ['X-Request-Id', '<script>alert(1)</script>'],
      ['Origin', 'https://evil.example'],
      ['Cookie', '_normandy_session=abc; access_token=xyz'],
      ['X-HTTP-Method-Override', 'DELETE'],
      ['Range', 'bytes=0-1'],
      ['If-None-Match', '*'],
      ['Connection', 'keep-alive'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['Proxy-Authorization', 'Bearer x'],
      ['X-Big', 'v'.repeat(20_000)],
    ) },
    { weight: 2, arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string({ maxLength: 40 })) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 20 })) },
  );
  return fc.oneof({ weight: 4, arbitrary: fc.array(one, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant(Array.from({ length: 120 }, (_, i): [string, string] => [`X-H${i}`, String(i)])) });
}

function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += 97) {
    const piece = body.subarray(i, i + 97);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** Raw requests against the service, hostile in every dimension. */
export function fuzzRequestArb(id: FuzzIdentity): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: methodArb(),
      path: pathArb(),
      query: queryArb(id),
      version: versionArb(),
      host: hostArb(id),
      authorization: authorizationArb(id),
      contentType: contentTypeArb(),
      body: bodyArb(id),
      framing: framingArb(),
      extra: extraHeadersArb(),
      close: fc.boolean(),
    })
    .map((r) => {
      const headers: Array<[string, string]> = [];
      for (const h of r.host) headers.push(['Host', h]);
      for (const a of r.authorization) headers.push(['Authorization', a]);
      if (r.contentType !== null) headers.push(['Content-Type', r.contentType]);
      headers.push(...r.extra);
      if (r.close) headers.push(['Connection', 'close']);
      let body = r.body;
      switch (r.framing) {
        case 'length':
          if (body.length > 0 || r.method === 'POST') headers.push(['Content-Length', String(body.length)]);
          break;
        case 'chunked':
          headers.push(['Transfer-Encoding', 'chunked']);
          body = chunked(body);
          break;
        case 'none':
          break;
        case 'short-length':
          headers.push(['Content-Length', String(Math.floor(body.length / 2))]);
          break;
        case 'bad-length':
          headers.push(['Content-Length', body.length % 2 ? '-1' : '1e3']);
          break;
        case 'double-length':
          headers.push(['Content-Length', String(body.length)], ['Content-Length', String(body.length + 1)]);
          break;
        case 'length-and-chunked':
          headers.push(['Content-Length', String(body.length)], ['Transfer-Encoding', 'chunked']);
          break;
        case 'bad-chunked':
          headers.push(['Transfer-Encoding', 'chunked']);
          body = Buffer.concat([Buffer.from('zz\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]);
          break;
      }
      // a path that already has a query string continues it (the token stays an access_token value)
      const target = r.path.includes('?') && r.query.startsWith('?') ? `${r.path}&${r.query.slice(1)}` : `${r.path}${r.query}`;
      const head = `${r.method} ${target} ${r.version}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
      const bytes = Buffer.concat([Buffer.from(head, 'utf8'), body]);
      const describe = () => {
        const text = JSON.stringify(bytes.subarray(0, 600).toString('latin1')).split(id.token).join('<token>');
        return bytes.length > 600 ? `${text}… (${bytes.length} bytes)` : text;
      };
      return { bytes, describe, [fc.toStringMethod]: describe };
    });
}
