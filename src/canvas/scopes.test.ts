import { describe, expect, it } from 'vitest';
import { isScopeString, scopeFor, scopesAllow } from './scopes.js';

describe('scope strings and matching', () => {
  it('builds url:<VERB>|<path>', () => {
    expect(scopeFor('get', '/api/v1/services/kaltura')).toBe('url:GET|/api/v1/services/kaltura');
    expect(isScopeString('url:POST|/api/v1/services/kaltura_session')).toBe(true);
    expect(isScopeString('GET /api')).toBe(false);
  });

  it('matches method, :param segments and a format suffix', () => {
    const scopes = ['url:GET|/api/v1/users/:id', 'url:POST|/api/v1/services/kaltura_session'];
    expect(scopesAllow(scopes, 'GET', '/api/v1/users/5')).toBe(true);
    expect(scopesAllow(scopes, 'HEAD', '/api/v1/users/5')).toBe(true);
    expect(scopesAllow(scopes, 'GET', '/api/v1/users/5.json')).toBe(true);
    expect(scopesAllow(scopes, 'GET', '/api/v1/users/5/tokens')).toBe(false);
    expect(scopesAllow(scopes, 'GET', '/api/v1/users/')).toBe(false);
    expect(scopesAllow(scopes, 'PUT', '/api/v1/users/5')).toBe(false);
    expect(scopesAllow(scopes, 'POST', '/api/v1/services/kaltura_session')).toBe(true);
    expect(scopesAllow(scopes, 'GET', '/api/v1/services/kaltura_session')).toBe(false);
    expect(scopesAllow(scopes, 'POST', '/api/v1/services/kaltura_sessionX')).toBe(false);
    expect(scopesAllow(['url:GET|/api/v1/a.b'], 'GET', '/api/v1/aXb')).toBe(false);
    expect(scopesAllow([], 'GET', '/api/v1/users/5')).toBe(false);
  });
});
