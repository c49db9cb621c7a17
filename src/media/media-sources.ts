/**
 * Canvas's `media_sources` from an entry's flavor assets, and the Kaltura URLs Canvas builds
 * (flavor download, thumbnail). Pure: flavors and settings in, JSON and URLs out.
 */
import type { PlainSettings } from '../settings/kaltura-settings.js';
import type { FlavorAsset } from '../kaltura/media-api.js';

/** One entry of `media_sources`, as Canvas renders it (Kaltura's values as text). */
export interface MediaSource {
  height?: string;
  width?: string;
  content_type: string;
  containerFormat?: string;
  url: string;
  bitrate?: string;
  size?: string;
  isOriginal?: string;
  fileExt?: string;
  src: string;
  label: string;
}

/** Canvas's content types by file extension (kaltura_client_v3 CONTENT_TYPES), plus WebM recordings. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  mp4: 'video/mp4',
  mp3: 'audio/mp3',
  flv: 'video/x-flv',
  webm: 'video/webm',
};

/** Canvas's preferred extensions, best first. */
const PREFERENCE = ['mp4', 'mp3', 'flv', ''];

/** KalturaFlavorAssetStatus READY. */
export const FLAVOR_READY = '2';
/** Statuses that will never become ready (DELETED, NOT_APPLICABLE): they do not hold a listing back. */
const FINAL_NOT_READY = new Set(['3', '4']);

/** Where flavor and thumbnail URLs point: `<protocol>://<resource_domain or domain>`, partner ids. */
export interface KalturaUrlBase {
  protocol: 'http' | 'https';
  host: string;
  partnerId: string;
  subpartnerId: string;
}

/** The URL base the settings give (resource_domain before domain), or null without a host. */
export function urlBaseOf(plain: PlainSettings): KalturaUrlBase | null {
  const resource = typeof plain.resource_domain === 'string' ? plain.resource_domain.trim() : '';
  const domain = typeof plain.domain === 'string' ? plain.domain.trim() : '';
  const host = resource || domain;
  if (host === '') return null;
  return {
    protocol: plain.protocol === 'http' ? 'http' : 'https',
    host,
    partnerId: String(plain.partner_id ?? ''),
    subpartnerId: String(plain.subpartner_id ?? ''),
  };
}

const SAFE_SEGMENT = /[^A-Za-z0-9_]/g;

/** Canvas's flavor download URL, with a download KS in it. */
export function flavorDownloadUrl(base: KalturaUrlBase, entryId: string, flavorId: string, ks: string, fileExt: string): string {
  const ext = fileExt.replace(SAFE_SEGMENT, '');
  return (
    `${base.protocol}://${base.host}/p/${encodeURIComponent(base.partnerId)}/sp/${encodeURIComponent(base.subpartnerId)}` +
    `/download/entry_id/${entryId.replace(SAFE_SEGMENT, '')}/flavor/${flavorId.replace(SAFE_SEGMENT, '')}/ks/${encodeURIComponent(ks)}/relocate/download.${ext}`
  );
}

/** Canvas's `label` of a source: the bitrate divided by 1024, floored, in kbps. */
export function sourceLabel(bitrate: string | undefined): string {
  const n = Number.parseInt(bitrate ?? '0', 10);
  return `${Math.floor((Number.isFinite(n) ? n : 0) / 1024)} kbps`;
}

/** The result of reading an entry's flavors. */
export interface SourceListing {
  sources: MediaSource[];
  /** every flavor is done (ready, deleted or not applicable): the listing may be cached */
  complete: boolean;
}

const KEYS = ['height', 'width', 'containerFormat', 'bitrate', 'size', 'isOriginal', 'fileExt'] as const;

/** Canvas's ordering: converted before original, preferred types first, sane bitrates first, higher first. */
export function sortSources(sources: MediaSource[]): MediaSource[] {
  const original = sources.find((s) => Number.parseInt(s.isOriginal ?? '0', 10) !== 0);
  const threshold = original ? Number.parseInt(original.bitrate ?? '0', 10) * 5 : 0;
  const key = (s: MediaSource): number[] => {
    const isOriginal = s.isOriginal !== undefined && s.isOriginal !== '0';
    const pref = PREFERENCE.indexOf(s.fileExt ?? '');
    const bitrate = Number.parseInt(s.bitrate ?? '0', 10) || 0;
    return [isOriginal ? 1 : 0, isOriginal ? 1 : 0, pref < 0 ? PREFERENCE.length + 1 : pref, bitrate < threshold ? 0 : 1, -bitrate];
  };
  return sources
    .map((s, i) => ({ s, k: key(s), i }))
    .sort((a, b) => {
      for (let j = 0; j < a.k.length; j++) if (a.k[j] !== b.k[j]) return a.k[j]! - b.k[j]!;
      return a.i - b.i;
    })
    .map((x) => x.s);
}

/**
 * Builds `media_sources` from the flavors: ready ones with a known content type, each with its
 * download URL (carrying `ks`), `src` = `url` and Canvas's label, in Canvas's order.
 */
export function buildMediaSources(flavors: readonly FlavorAsset[], entryId: string, base: KalturaUrlBase, ks: string): SourceListing {
  const sources: MediaSource[] = [];
  let complete = true;
  for (const f of flavors) {
    if (f.status !== FLAVOR_READY) {
      if (!FINAL_NOT_READY.has(f.status ?? '')) complete = false;
      continue;
    }
    const ext = (f.fileExt ?? '').toLowerCase();
    const contentType = CONTENT_TYPES[ext];
    if (!contentType || !f.id || !/^[A-Za-z0-9_]{1,64}$/.test(f.id)) continue;
    const url = flavorDownloadUrl(base, entryId, f.id, ks, ext);
    const source: Partial<MediaSource> = {};
    for (const k of KEYS) {
      const v = f[k];
      if (v !== undefined) (source as Record<string, string>)[k] = k === 'isOriginal' ? (v === 'true' || v === '1' ? '1' : '0') : v;
    }
    sources.push({ ...source, content_type: contentType, url, src: url, label: sourceLabel(f.bitrate) } as MediaSource);
  }
  return { sources: sortSources(sources), complete };
}

/** Options of a thumbnail (Canvas's defaults: 140×100, type 2, 5 s in, white background). */
export interface ThumbnailOptions {
  width?: number;
  height?: number;
  type?: number;
  vidSec?: number;
  bgcolor?: string;
}

/** Canvas's thumbnail URL of an entry. */
export function thumbnailUrl(base: KalturaUrlBase, entryId: string, opts: ThumbnailOptions = {}): string {
  const int = (v: number | undefined, d: number) => (v !== undefined && Number.isFinite(v) ? Math.trunc(v) : d);
  return (
    `${base.protocol}://${base.host}/p/${encodeURIComponent(base.partnerId)}/thumbnail` +
    `/entry_id/${entryId.replace(SAFE_SEGMENT, '')}` +
    `/width/${int(opts.width, 140)}` +
    `/height/${int(opts.height, 100)}` +
    `/bgcolor/${(opts.bgcolor ?? 'ffffff').replace(/[^a-fA-F0-9]/g, '')}` +
    `/type/${int(opts.type, 2)}` +
    `/vid_sec/${int(opts.vidSec, 5)}`
  );
}
