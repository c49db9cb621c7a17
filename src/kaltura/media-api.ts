/**
 * The api_v3 calls of the media layer, as Canvas's kaltura_client_v3 makes them: `media.get`
 * (an entry's name, duration and media type) and `flavorAsset.list` filtered by entry (the
 * entry's renditions), plus the ADMIN session Canvas starts before them. Answers in JSON or
 * XML; any failure is a KalturaError (kaltura-errors.ts), "no such entry" a result.
 */
import { Deadline } from './deadline.js';
import { KalturaApiClient, kalturaApiError, unexpectedResult, type KalturaEndpoint } from './kaltura-api-client.js';
import { asKs, xmlChildren, xmlText } from './kaltura-response.js';

/** What media.get tells about an entry. */
export interface MediaEntryDetails {
  name: string | null;
  /** seconds */
  duration: number | null;
  /** KalturaMediaType: 1 video, 2 image, 5 audio, … */
  mediaType: number | null;
}

/** One flavor asset with its properties as text (Canvas reads them from XML). */
export type FlavorAsset = Record<string, string>;

/** Kaltura's codes for an entry that does not exist (or was deleted). */
const ENTRY_MISSING = new Set(['ENTRY_ID_NOT_FOUND', 'INVALID_ENTRY_ID', 'ENTRY_NOT_FOUND']);

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return null;
}

function intOrNull(value: unknown): number | null {
  const t = text(value);
  if (t === null || !/^-?\d+(\.\d+)?$/.test(t.trim())) return null;
  return Math.round(Number(t));
}

/** Flattens one flavor object (JSON object or XML item) to text values. */
function flavorOf(item: unknown): FlavorAsset | null {
  if (typeof item === 'string') {
    const out: FlavorAsset = {};
    for (const [k, v] of xmlChildren(item)) if (!v.includes('<')) out[k] = xmlText(v).trim();
    return out;
  }
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return null;
  const out: FlavorAsset = {};
  for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
    const t = text(v);
    if (t !== null) out[k] = t;
  }
  return out;
}

/** Splits the raw XML of `<objects>` into its `<item>` elements. */
function xmlItems(raw: string): string[] {
  const items: string[] = [];
  const re = /<item(?:\s[^>]*)?>([\s\S]*?)<\/item>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw)) !== null) items.push(m[1]!);
  return items;
}

/** The media API of one Kaltura endpoint, over the shared client (retries, breaker, byte cap). */
export class KalturaMediaApi {
  constructor(private readonly client: KalturaApiClient) {}

  /** session.start for an ADMIN session (type 2) with the administrator secret, as Canvas does. */
  async startAdminSession(endpoint: KalturaEndpoint, partnerId: string, secret: string, expirySeconds: number, timeoutMs: number): Promise<string> {
    const answer = await this.client.call({
      endpoint,
      service: 'session',
      action: 'start',
      params: { secret, partnerId, type: '2', userId: '', expiry: String(expirySeconds), privileges: '' },
      deadline: new Deadline(timeoutMs),
      sensitive: [secret],
    });
    if (!answer.ok) throw kalturaApiError(answer, [secret]);
    const ks = asKs(answer.value);
    if (!ks) throw unexpectedResult('something that is not a KS');
    return ks;
  }

  /** media.get: the entry's details, or null when Kaltura does not know the entry. */
  async getEntry(endpoint: KalturaEndpoint, ks: string, entryId: string, timeoutMs: number): Promise<MediaEntryDetails | null> {
    const answer = await this.client.call({
      endpoint,
      service: 'media',
      action: 'get',
      params: { ks, entryId },
      deadline: new Deadline(timeoutMs),
      sensitive: [ks],
    });
    if (!answer.ok) {
      if (ENTRY_MISSING.has(answer.code)) return null;
      throw kalturaApiError(answer, [ks]);
    }
    const v = answer.value;
    if (v === null || typeof v !== 'object') throw unexpectedResult('a media entry that is not an object');
    const o = v as Record<string, unknown>;
    if (o.id !== undefined && text(o.id) !== entryId) throw unexpectedResult('a different entry than asked for');
    const name = text(o.name);
    return { name: name === null || name.trim() === '' ? null : name, duration: intOrNull(o.duration), mediaType: intOrNull(o.mediaType) };
  }

  /** flavorAsset.list filtered by the entry: every flavor, ready or not. */
  async listFlavors(endpoint: KalturaEndpoint, ks: string, entryId: string, timeoutMs: number): Promise<FlavorAsset[]> {
    const answer = await this.client.call({
      endpoint,
      service: 'flavorAsset',
      action: 'list',
      params: {
        ks,
        'filter:objectType': 'KalturaFlavorAssetFilter',
        'filter:entryIdEqual': entryId,
        'pager:objectType': 'KalturaFilterPager',
        'pager:pageSize': '500',
      },
      deadline: new Deadline(timeoutMs),
      sensitive: [ks],
    });
    if (!answer.ok) {
      if (ENTRY_MISSING.has(answer.code)) return [];
      throw kalturaApiError(answer, [ks]);
    }
    const v = answer.value;
    if (v === null || typeof v !== 'object') throw unexpectedResult('a flavor list that is not an object');
    const objects = (v as Record<string, unknown>).objects;
    const raw: unknown[] = Array.isArray(objects) ? objects : typeof objects === 'string' ? xmlItems(objects) : objects === undefined || objects === null ? [] : [];
    if (objects !== undefined && objects !== null && !Array.isArray(objects) && typeof objects !== 'string') throw unexpectedResult('a flavor list without objects');
    const flavors: FlavorAsset[] = [];
    for (const item of raw) {
      const f = flavorOf(item);
      if (f && (f.entryId === undefined || f.entryId === entryId)) flavors.push(f);
    }
    return flavors;
  }
}
