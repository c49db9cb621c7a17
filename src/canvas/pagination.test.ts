import { describe, expect, it } from 'vitest';
import { parsePagination } from './pagination.js';

describe("parsePagination (Canvas's page/per_page)", () => {
  it('defaults to page 1 of 10, caps per_page at 100 and computes the offset', () => {
    expect(parsePagination({})).toEqual({ ok: true, value: { page: 1, perPage: 10, offset: 0 } });
    expect(parsePagination({ page: '', per_page: '' })).toEqual({ ok: true, value: { page: 1, perPage: 10, offset: 0 } });
    expect(parsePagination({ page: '3', per_page: '25' })).toEqual({ ok: true, value: { page: 3, perPage: 25, offset: 50 } });
    expect(parsePagination({ page: 2, per_page: '500' })).toEqual({ ok: true, value: { page: 2, perPage: 100, offset: 100 } });
  });

  it('refuses what is not a positive whole number, with a message naming the parameter', () => {
    for (const bad of ['0', '-1', 'abc', '1.5', '1e3', ['1', '2']]) {
      const r = parsePagination({ per_page: bad });
      expect(r).toMatchObject({ ok: false, field: 'per_page' });
      if (!r.ok) expect(r.message).toBe('per_page must be a whole number from 1 to 100');
    }
    expect(parsePagination({ page: '0' })).toMatchObject({ ok: false, field: 'page' });
    expect(parsePagination({ page: '99999999' })).toMatchObject({ ok: false, field: 'page' });
  });
});
