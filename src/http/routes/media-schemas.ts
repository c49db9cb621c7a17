/** JSON schemas of the media routes (validation, serialization, OpenAPI). */
import { commonQuery } from './services.js';

export const nullableString = { type: ['string', 'null'] } as const;

/** Canvas's error shapes. */
export const errorBody = {
  type: 'object',
  description: "Canvas's error shape: {\"errors\":[{\"message\":…}]} (a blank title: {\"message\":…})",
  properties: { status: { type: 'string' }, errors: {}, message: { type: 'string' } },
  additionalProperties: true,
} as const;

export const errorResponses = { '4xx': errorBody, '5xx': errorBody } as const;

/** Any parameter value: the handlers check it and answer a Canvas 400. */
const anyValue = (description: string) => ({ description }) as const;

/** `:media_object_id` (the Kaltura entry id). */
export const mediaIdParams = {
  type: 'object',
  properties: { media_object_id: { type: 'string', description: "the media object's id: the Kaltura entry id" } },
  required: ['media_object_id'],
} as const;

export const trackParams = {
  type: 'object',
  properties: { media_object_id: mediaIdParams.properties.media_object_id, id: { type: 'string', description: 'the track id' } },
  required: ['media_object_id', 'id'],
} as const;

/** The parameters of `POST /api/v1/media_objects` (form or JSON, or the query string). */
export const createFields = {
  id: anyValue('the Kaltura entry id (`<digit>_<8 letters or digits>`)'),
  type: anyValue('`video` (default) or `audio` (`image` accepted too)'),
  context_code: anyValue('the context, kept as given: `user_<id>` (default: the caller), `course_<id>`, `group_<id>`, …'),
  title: anyValue('the title (cut at 255 characters)'),
  user_entered_title: anyValue("the user's title (cut at 255 characters)"),
} as const;

export const createBody = { type: 'object', properties: createFields } as const;
export const createQuery = { type: 'object', properties: { ...commonQuery, ...createFields } } as const;

const mediaObjectRecord = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    media_id: { type: 'string' },
    media_type: { type: 'string' },
    title: nullableString,
    user_entered_title: nullableString,
    context_code: nullableString,
    user_id: { type: 'integer' },
    root_account_id: { type: 'integer' },
    workflow_state: { type: 'string' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'media_id', 'media_type', 'title', 'user_entered_title', 'context_code', 'user_id', 'root_account_id', 'workflow_state', 'created_at', 'updated_at'],
} as const;

export const createResponse = {
  type: 'object',
  properties: { media_object: mediaObjectRecord, embedded_iframe_url: { type: 'string' } },
  required: ['media_object', 'embedded_iframe_url'],
} as const;

const text = { type: 'string' } as const;

export const mediaSourceSchema = {
  type: 'object',
  properties: {
    height: text,
    width: text,
    content_type: text,
    containerFormat: text,
    url: text,
    bitrate: text,
    size: text,
    isOriginal: text,
    fileExt: text,
    src: text,
    label: text,
  },
} as const;

export const trackApiSchema = {
  type: 'object',
  properties: { kind: text, created_at: text, updated_at: text, id: { type: 'integer' }, locale: text, url: text },
} as const;

/** `media_object_api_json`. */
export const mediaObjectApiSchema = {
  type: 'object',
  properties: {
    media_id: text,
    created_at: text,
    media_type: text,
    title: text,
    can_add_captions: { type: 'boolean' },
    media_sources: { type: 'array', items: mediaSourceSchema },
    embedded_iframe_url: text,
    media_tracks: { type: 'array', items: trackApiSchema },
  },
  // no `required`: the serializer writes required keys first, which would break Canvas's key order
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    ...commonQuery,
    page: { type: 'string', description: 'page number, from 1' },
    per_page: { type: 'string', description: 'items per page (default 10, at most 100)' },
    sort: { type: 'string', description: '`title` (default) or `created_at`' },
    order: { type: 'string', description: '`asc` (default) or `desc`' },
    'exclude[]': { description: '`sources` (no Kaltura call) and/or `tracks`; repeat for both' },
    exclude: { description: 'as `exclude[]`' },
    search_term: { type: 'string', description: 'only objects whose title contains this' },
  },
} as const;

export const trackListItem = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    locale: text,
    kind: text,
    media_object_id: text,
    user_id: { type: ['integer', 'null'] },
    content: text,
    webvtt_content: text,
    updated_at: text,
    created_at: text,
  },
} as const;

export const trackListQuery = {
  type: 'object',
  properties: {
    ...commonQuery,
    'include[]': { description: 'add `content`, `webvtt_content`, `updated_at`, `created_at`; repeat for more' },
    include: { description: 'as `include[]`' },
  },
} as const;

export const trackItemFields = {
  locale: anyValue('a caption language Canvas offers (BCP 47: `en`, `fr-CA`, `zh-Hant`, …)'),
  content: anyValue('the captions, SRT or WebVTT (at most `max_caption_bytes`, default 1 MiB); absent in a PUT: keep this locale'),
  kind: anyValue('`subtitles`, `captions` (default), `descriptions`, `chapters` or `metadata`'),
} as const;

export { commonQuery };
