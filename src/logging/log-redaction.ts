/**
 * What a log line may carry: no authorization header, access token, secret or app token, and
 * of a KS at most its last 6 characters. Pure helpers, used by the logger's options.
 */
import { decodeKsUnverified, ksTail } from '../ks/index.js';
import { TOKEN_ALPHABET, TOKEN_LENGTH } from '../canvas/access-token-format.js';

/** What a censored value becomes. */
export const REDACTED = '[REDACTED]';

/** Keys whose values are credentials wherever they appear (one level deep, and in headers). */
const SECRET_KEYS = ['access_token', 'token', 'secret', 'secret_key', 'user_secret_key', 'admin_secret', 'app_token', 'tokenHash', 'password', 'metrics_token'];
/** Keys whose values are a KS: kept as their tail. */
const KS_KEYS = ['ks'];

/** pino `redact.paths`: headers that carry credentials, and credential keys at the top level or one below. */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  'res.headers["set-cookie"]',
  ...[...SECRET_KEYS, ...KS_KEYS].flatMap((k) => [k, `*.${k}`]),
];

/**
 * A KS as it may be logged: `…` and its last 6 characters.
 * @example redactKs('djJ8MTIzNHzABCDEF') // '…ABCDEF'
 */
export function redactKs(ks: string): string {
  return `…${ksTail(String(ks))}`;
}

/** pino `redact.censor`: a KS keeps its tail, everything else becomes `[REDACTED]`. */
export function censorLogValue(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (value === undefined || value === null) return value;
  if (key !== undefined && KS_KEYS.includes(key) && typeof value === 'string') return redactKs(value);
  return REDACTED;
}

const TOKEN_RUN = new RegExp(`(?<![A-Za-z0-9])[${TOKEN_ALPHABET}]{${TOKEN_LENGTH}}(?![A-Za-z0-9])`, 'g');
const BASE64_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
const HEX_SIG_PREFIX = /^[0-9a-f]{40}\|/;

function isKs(candidate: string): boolean {
  const decoded = decodeKsUnverified(candidate);
  if (decoded.version === 2) return true;
  if (decoded.version === 1) return HEX_SIG_PREFIX.test(Buffer.from(candidate.slice(0, 60).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
  return false;
}

/**
 * Free text made safe to log: every KS inside it cut to `…<last 6>`, every Canvas access token
 * replaced by `[REDACTED]`. Text without either comes back unchanged.
 */
export function scrubLogText(text: string): string {
  if (text.length < 40) return text;
  let out = text.replace(BASE64_RUN, (run) => {
    // a KS glued to path text (`/p/1234/<ks>`): try the run, then from each `/` and from a `v2|` prefix
    const starts = [0];
    for (let i = run.indexOf('/'); i >= 0 && starts.length < 12; i = run.indexOf('/', i + 1)) starts.push(i + 1);
    const v2 = run.indexOf('djJ8');
    if (v2 > 0) starts.push(v2);
    for (const start of starts) {
      const candidate = run.slice(start);
      if (candidate.length >= 40 && isKs(candidate)) return `${run.slice(0, start)}${redactKs(candidate)}`;
    }
    return run;
  });
  out = out.replace(TOKEN_RUN, REDACTED);
  return out;
}

/** An error as it may be logged: type, code, message and stack with KSs and tokens scrubbed. */
export function serializeErrorForLog(err: unknown): { type: string; message: string; stack: string; [key: string]: unknown } {
  if (!(err instanceof Error)) return { type: typeof err, message: scrubLogText(String(err)), stack: '' };
  const out: { type: string; message: string; stack: string; [key: string]: unknown } = {
    type: err.name,
    message: scrubLogText(err.message),
    stack: scrubLogText(err.stack ?? ''),
  };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  const statusCode = (err as { statusCode?: unknown }).statusCode;
  if (statusCode !== undefined) out.statusCode = statusCode;
  return out;
}

/** pino `hooks.logMethod`: scrubs the string arguments (the message and its format values). */
export function scrubLogArguments(this: unknown, args: unknown[], method: (...a: unknown[]) => void): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'string') args[i] = scrubLogText(a);
  }
  method.apply(this, args);
}
