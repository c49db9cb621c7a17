/** What may reach a log line: KS tails only, no access tokens; ordinary text untouched. */
import { describe, expect, it } from 'vitest';
import { generateKs } from '../ks/index.js';
import { generateAccessToken } from '../canvas/access-token-format.js';
import { REDACTED, censorLogValue, redactKs, scrubLogText, serializeErrorForLog } from './log-redaction.js';

const v2 = generateKs({ version: 2, partnerId: 1234, secret: 'secret-for-redaction-tests', userId: '5_1', now: 1_700_000_000 });
const v1 = generateKs({ version: 1, partnerId: 1234, secret: 'secret-for-redaction-tests', userId: '5_1', now: 1_700_000_000 });

describe('log redaction', () => {
  it('keeps at most the last 6 characters of a KS', () => {
    expect(redactKs(v2)).toBe(`…${v2.slice(-6)}`);
    expect(censorLogValue(v2, ['kaltura', 'ks'])).toBe(`…${v2.slice(-6)}`);
    expect(censorLogValue('anything', ['secret_key'])).toBe(REDACTED);
  });

  it('cuts every KS (v1 and v2) inside free text, wherever it sits', () => {
    for (const ks of [v1, v2]) {
      const text = `session ${ks} issued; url /p/1234/${ks}?x=1 and again (${ks})`;
      const out = scrubLogText(text);
      expect(out).not.toContain(ks);
      expect(out).not.toContain(ks.slice(0, 20));
      expect(out).toContain(`…${ks.slice(-6)}`);
    }
  });

  it('replaces Canvas access tokens in free text', () => {
    const token = generateAccessToken();
    const out = scrubLogText(`token=${token} used`);
    expect(out).toBe(`token=${REDACTED} used`);
  });

  it('leaves ordinary text alone: file paths, UUIDs, long words', () => {
    const text =
      'at /work/main/node_modules/fastify/lib/route.js:123:45 request 2d0cd689-ac06-4950-af55-0dae964b4763 ' +
      'aVeryLongIdentifierThatIsNotAKsAtAllButIsLongEnoughToBeACandidate';
    expect(scrubLogText(text)).toBe(text);
  });

  it('scrubs error messages and stacks', () => {
    const err = new Error(`Kaltura refused ${v2}`);
    const out = serializeErrorForLog(err);
    expect(JSON.stringify(out)).not.toContain(v2);
    expect(out.message).toContain(`…${v2.slice(-6)}`);
    expect(out.type).toBe('Error');
  });
});
