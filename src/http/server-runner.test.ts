import { describe, expect, it } from 'vitest';
import { announceFirstStart, consoleUrl, consoleUrlFor } from './server-runner.js';

describe('first-start message', () => {
  it("names the console's address and says the token signs in there", () => {
    let text = '';
    announceFirstStart({ accountId: 1, userId: 1, login: 'admin', token: 'T0KEN' }, (t) => (text += t), consoleUrl('http://127.0.0.1:3000'));
    expect(text).toContain('  access token (shown once, keep it safe): T0KEN\n  admin console: http://127.0.0.1:3000/admin/ (sign in there with this access token)\n');
  });

  it('names no address before the port is known (PORT=0)', () => {
    let text = '';
    announceFirstStart({ accountId: 1, userId: 1, login: 'admin', token: 'T0KEN' }, (t) => (text += t), null);
    expect(text).toContain('  admin console: /admin/ on this service, at the address printed once it listens (sign in there with this access token)\n');
  });

  it('reaches a wildcard HOST on loopback, and brackets IPv6', () => {
    expect(consoleUrlFor('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080/admin/');
    expect(consoleUrlFor('::', 8080)).toBe('http://[::1]:8080/admin/');
    expect(consoleUrlFor('10.0.0.5', 3000)).toBe('http://10.0.0.5:3000/admin/');
  });
});
