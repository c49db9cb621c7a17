/**
 * The endpoints `npm run bench` compares with the floor servers, and the targets each must meet.
 * A new endpoint is one more entry: its method and path (query string included), the CPU ratio
 * targets at `LOG_LEVEL=info` and `warn` (bare CPU µs per request ÷ the service's; null = only
 * reported), and whether its p99 must stay within twice the bare server's. The bench reads one
 * answer of each entry from the seeded service (it must answer 200 to every bench caller) and the
 * floor servers serve those bytes.
 */

/** One endpoint under load. */
export interface Scenario {
  /** short name for `--only` */
  id: string;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  /** CPU ratio targets (bare ÷ service) at LOG_LEVEL=info and warn; null when only reported */
  cpuTarget: { info: number | null; warn: number | null };
  /** p99 must be ≤ this many times the bare server's p99 in the same round; null = no target */
  p99Factor: number | null;
}

const SESSION = '/api/v1/services/kaltura_session';

/** Every scenario of the default run, in order. */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'get', label: 'GET /api/v1/services/kaltura', method: 'GET', path: '/api/v1/services/kaltura', cpuTarget: { info: 0.6, warn: 0.65 }, p99Factor: 2 },
  { id: 'post', label: 'POST …/kaltura_session (local)', method: 'POST', path: SESSION, cpuTarget: { info: 0.45, warn: 0.5 }, p99Factor: 2 },
  { id: 'upload', label: 'POST …/kaltura_session?include_upload_config=1', method: 'POST', path: `${SESSION}?include_upload_config=1`, cpuTarget: { info: 0.4, warn: null }, p99Factor: null },
  // the caller's own media objects (bench/seed.ts gives each user one page), no call to Kaltura
  { id: 'media', label: 'GET /api/v1/media_objects?exclude[]=sources', method: 'GET', path: '/api/v1/media_objects?exclude[]=sources', cpuTarget: { info: 0.5, warn: null }, p99Factor: null },
];
