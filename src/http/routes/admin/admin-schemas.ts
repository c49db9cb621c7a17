/** JSON-schema pieces shared by the admin routes (validation, serialization, OpenAPI). */
import { commonQuery } from '../services.js';

export const nullableString = { type: ['string', 'null'] } as const;
export const nullableInteger = { type: ['integer', 'null'] } as const;

/** Canvas's error shape; admin validation errors add `field` to each entry. */
export const errorBody = {
  type: 'object',
  description: "Canvas's error shape: {\"errors\":[{\"message\":…}]} (validation errors add \"field\")",
  properties: { status: { type: 'string' }, errors: {} },
  additionalProperties: true,
} as const;

/** The error responses every admin route may give. */
export const errorResponses = { '4xx': errorBody, '5xx': errorBody } as const;

/** Query parameters of a paginated listing. */
export const pageQuery = {
  ...commonQuery,
  page: { type: 'string', description: 'page number, from 1' },
  per_page: { type: 'string', description: 'items per page (default 10, at most 100)' },
} as const;

/** A query string with just the common parameters. */
export const plainQuery = { type: 'object', properties: commonQuery } as const;

/** `:name` path parameters, each a whole number (or `self` where allowed). */
export function idParams(...names: string[]) {
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string', description: `${n}: a whole number${n === 'account_id' || n === 'user_id' || n === 'id' ? ' (or "self" where Canvas allows it)' : ''}` }])),
    required: names,
  } as const;
}

/** A text field in a request body. */
export const textField = (description: string) => ({ type: 'string', description }) as const;
/** A flag in a request body (true/false, or Canvas's words). */
export const flagField = (description: string) => ({ description: `${description}: true/false, or 1/0, yes/no, on/off` }) as const;
/** A list of strings in a request body. */
export const listField = (description: string) => ({ type: 'array', items: { type: 'string' }, description }) as const;
