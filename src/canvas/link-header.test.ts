import { describe, expect, it } from 'vitest';
import { lastPage, linkHeader, toQuery } from './link-header.js';

const base = 'https://canvas.example.edu/api/v1/accounts/1/users';

describe("linkHeader (Canvas's pagination Link header)", () => {
  it('writes current, next, prev, first, last in Canvas order, joined by commas', () => {
    expect(linkHeader({ baseUrl: base, query: {}, page: 2, perPage: 10, total: 35 })).toBe(
      [
        `<${base}?page=2&per_page=10>; rel="current"`,
        `<${base}?page=3&per_page=10>; rel="next"`,
        `<${base}?page=1&per_page=10>; rel="prev"`,
        `<${base}?page=1&per_page=10>; rel="first"`,
        `<${base}?page=4&per_page=10>; rel="last"`,
      ].join(','),
    );
  });

  it('leaves out next on the last page and prev on the first; one page when empty', () => {
    expect(linkHeader({ baseUrl: base, query: {}, page: 1, perPage: 10, total: 0 })).toBe(
      `<${base}?page=1&per_page=10>; rel="current",<${base}?page=1&per_page=10>; rel="first",<${base}?page=1&per_page=10>; rel="last"`,
    );
    expect(lastPage(0, 10)).toBe(1);
    expect(lastPage(20, 10)).toBe(2);
    expect(lastPage(21, 10)).toBe(3);
  });

  it("keeps other parameters (sorted, Rails-escaped) and drops page, per_page and access_token", () => {
    const header = linkHeader({ baseUrl: base, query: { user_id: '5', mode: 'local', access_token: 'SECRET', page: '1', per_page: '5', since: '2030-01-01T00:00:00Z' }, page: 1, perPage: 5, total: 6 });
    expect(header).not.toContain('SECRET');
    expect(header.split(',')[1]).toBe(`<${base}?mode=local&since=2030-01-01T00%3A00%3A00Z&user_id=5&page=2&per_page=5>; rel="next"`);
    expect(toQuery({ q: "a b!'()*", 'x': ['1', '2'] })).toBe('q=a+b%21%27%28%29%2A&x%5B%5D=1&x%5B%5D=2');
  });
});
