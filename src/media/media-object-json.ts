/** Canvas's JSON for media objects and tracks (`as_json` root and `media_object_api_json`). Pure. */
import type { MediaObject } from './media-object-repository.js';
import type { MediaTrack } from './media-track-repository.js';
import type { MediaSource } from './media-sources.js';
import { guaranteedTitle } from './media-ids.js';

/** The player page of an object (`embedded_iframe_url`). */
export function iframeUrl(baseUrl: string, mediaId: string): string {
  return `${baseUrl}/media_objects_iframe/${encodeURIComponent(mediaId)}`;
}

/** Where a track's content is served. */
export function trackUrl(baseUrl: string, mediaId: string, trackId: number): string {
  return `${baseUrl}/media_objects/${encodeURIComponent(mediaId)}/media_tracks/${trackId}`;
}

/** The answer of `POST /api/v1/media_objects`: Canvas's `{"media_object": …}` plus `embedded_iframe_url`. */
export function createdMediaObjectJson(o: MediaObject, baseUrl: string) {
  return {
    media_object: {
      id: o.id,
      media_id: o.mediaId,
      media_type: o.mediaType,
      title: o.title,
      user_entered_title: o.userEnteredTitle,
      context_code: o.contextCode,
      user_id: o.userId,
      root_account_id: o.rootAccountId,
      workflow_state: o.workflowState,
      created_at: o.createdAt,
      updated_at: o.updatedAt,
    },
    embedded_iframe_url: iframeUrl(baseUrl, o.mediaId),
  };
}

/** A track in `media_tracks` of the API JSON. */
export function trackApiJson(t: MediaTrack, mediaId: string, baseUrl: string) {
  return { kind: t.kind, created_at: t.createdAt, updated_at: t.updatedAt, id: t.id, locale: t.locale, url: trackUrl(baseUrl, mediaId, t.id) };
}

/** Fields `include[]` may add to a track listing (Canvas's media_tracks#index). */
export const TRACK_INCLUDES = ['content', 'webvtt_content', 'updated_at', 'created_at'] as const;

/** A track in the media_tracks listing: id, locale, kind, media_object_id, user_id, plus what `include[]` asks. */
export function trackListJson(t: MediaTrack, mediaId: string, include: ReadonlySet<string>) {
  const out: Record<string, unknown> = { id: t.id, locale: t.locale, kind: t.kind, media_object_id: mediaId, user_id: t.userId };
  if (include.has('content')) out.content = t.content;
  if (include.has('webvtt_content')) out.webvtt_content = t.format === 'vtt' ? t.content : srtToVtt(t.content);
  if (include.has('updated_at')) out.updated_at = t.updatedAt;
  if (include.has('created_at')) out.created_at = t.createdAt;
  return out;
}

/** SRT as WebVTT: a header, and `.` for the millisecond separator of timings. */
export function srtToVtt(srt: string): string {
  const body = srt.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/(\d{2}:\d{2}:\d{2}),(\d{3})/g, '$1.$2');
  return `WEBVTT\n\n${body}`;
}

export interface ApiJsonOptions {
  baseUrl: string;
  canAddCaptions: boolean;
  /** absent: `exclude[]=sources` */
  sources?: MediaSource[];
  /** absent: `exclude[]=tracks` */
  tracks?: MediaTrack[];
}

/** `media_object_api_json`, keys in Canvas's order. */
export function mediaObjectApiJson(o: MediaObject, opts: ApiJsonOptions) {
  const out: Record<string, unknown> = {
    media_id: o.mediaId,
    created_at: o.createdAt,
    media_type: o.mediaType,
    title: guaranteedTitle(o.userEnteredTitle, o.title),
    can_add_captions: opts.canAddCaptions,
  };
  if (opts.sources) out.media_sources = opts.sources;
  out.embedded_iframe_url = iframeUrl(opts.baseUrl, o.mediaId);
  if (opts.tracks) out.media_tracks = opts.tracks.map((t) => trackApiJson(t, o.mediaId, opts.baseUrl));
  return out;
}
