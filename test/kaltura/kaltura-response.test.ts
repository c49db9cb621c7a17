/** The api_v3 answer reader on its own: JSON and XML, errors in any element order, garbage. */
import { describe, expect, it } from 'vitest';
import { BadAnswer, asKs, parseApiAnswer, xmlChildren } from '../../src/kaltura/kaltura-response.js';
import { sanitizeKalturaText } from '../../src/kaltura/kaltura-errors.js';

describe('parseApiAnswer', () => {
  it('reads JSON results and errors', () => {
    expect(parseApiAnswer('"djJ8MTIzNHyExampleOnlyNotARealKs="')).toEqual({ ok: true, value: 'djJ8MTIzNHyExampleOnlyNotARealKs=' });
    expect(parseApiAnswer('{"code":"START_SESSION_ERROR","message":"m","objectType":"KalturaAPIException","args":[]}')).toEqual({ ok: false, code: 'START_SESSION_ERROR', message: 'm' });
    expect(parseApiAnswer('{"partnerId":1234,"ks":"abc","userId":0,"objectType":"KalturaStartWidgetSessionResponse"}')).toMatchObject({ ok: true, value: { ks: 'abc' } });
  });

  it('reads XML results, objects and errors whatever the element order', () => {
    expect(parseApiAnswer('<?xml version="1.0" encoding="utf-8"?><xml><result>a&amp;b</result><executionTime>0</executionTime></xml>')).toEqual({ ok: true, value: 'a&b' });
    expect(
      parseApiAnswer('<xml><executionTime>0</executionTime><result><objectType>KalturaSessionInfo</objectType><relatedObjects></relatedObjects><ks>K</ks><expiry>5</expiry><userId/></result></xml>'),
    ).toEqual({ ok: true, value: { objectType: 'KalturaSessionInfo', relatedObjects: '', ks: 'K', expiry: '5', userId: '' } });
    expect(parseApiAnswer('<xml><result><error><args><item><name>code</name></item></args><message>x &#34;y&#x22;</message><code>C</code></error></result></xml>')).toEqual({
      ok: false,
      code: 'C',
      message: 'x "y"',
    });
  });

  it.each([
    ['', 'empty'],
    ['<html><body>Maintenance</body></html>', 'html'],
    ['<?xml version="1.0"?><xml><result>abc', 'truncated'],
    ['{"code":', 'truncated json'],
    ['[]', 'array'],
    ['<xml><result><error><message>no code</message></error></result></xml>', 'error without code'],
    ['{"objectType":"KalturaAPIException","message":"no code"}', 'json error without code'],
  ])('throws BadAnswer for %j (%s)', (body) => {
    expect(() => parseApiAnswer(body)).toThrow(BadAnswer);
  });

  it('stays linear on pathological XML', () => {
    const started = Date.now();
    expect(parseApiAnswer(`<xml><result>${'<a '.repeat(200_000)}</result></xml>`)).toEqual({ ok: true, value: {} }); // not a KS: the issuer says so
    expect(() => xmlChildren('<a>'.repeat(20_000))).toThrow(BadAnswer);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('asKs and sanitizeKalturaText', () => {
  it('accepts only KS-shaped strings', () => {
    expect(asKs('djJ8MTIzNHyExampleOnlyNotARealKs=')).not.toBeNull();
    expect(asKs('short')).toBeNull();
    expect(asKs('<html>not a ks at all, really</html>')).toBeNull();
    expect(asKs(42)).toBeNull();
  });

  it('redacts secrets and KSs, drops control characters, caps the length', () => {
    const ks = `djJ8MTIzNHw${'x'.repeat(80)}ABCDEF`;
    expect(sanitizeKalturaText(`bad KS "${ks}" with secret S3CRET\n`, ['S3CRET'])).toBe('bad KS "…ABCDEF" with secret [redacted]');
    expect(sanitizeKalturaText('y '.repeat(1000)).length).toBeLessThanOrEqual(501);
  });
});
