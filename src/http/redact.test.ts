import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact.js';

describe('redactUrl', () => {
  it('blanks credential parameters, also under bracket and encoded names', () => {
    expect(redactUrl('/api/v1/x?access_token=abc&b=1')).toBe('/api/v1/x?access_token=[REDACTED]&b=1');
    expect(redactUrl('/x?access_token[]=abc&access_token[x]=def')).toBe('/x?access_token[]=[REDACTED]&access_token[x]=[REDACTED]');
    expect(redactUrl('/x?access%5Ftoken=abc')).toBe('/x?access%5Ftoken=[REDACTED]');
    expect(redactUrl('/x?access_token%5B%5D=abc')).toBe('/x?access_token%5B%5D=[REDACTED]');
    expect(redactUrl('/x?settings[secret_key]=s&settings[domain]=d')).toBe('/x?settings[secret_key]=[REDACTED]&settings[domain]=d');
    expect(redactUrl('/x?KS=djJ8&ks=1')).toBe('/x?KS=[REDACTED]&ks=[REDACTED]');
    expect(redactUrl('/x?tokenish=1&%E0%A4%A=2')).toBe('/x?tokenish=1&%E0%A4%A=2');
    expect(redactUrl('/x')).toBe('/x');
    // the player page's signed caption links: a capability, not for logs
    expect(redactUrl('/media_objects/0_abcd1234/media_tracks/3?verifier=c2lnbmVk&expires=99')).toBe('/media_objects/0_abcd1234/media_tracks/3?verifier=[REDACTED]&expires=99');
  });
});
