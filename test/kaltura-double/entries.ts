/**
 * Entries and their flavors. An entry made by partnerservices2/addEntry (or by a test through
 * `addEntry`) gets Kaltura-like flavors at once: the original, one ready conversion and one still
 * converting, each ready one with bytes a browser can play.
 */
import { mp3Silence, mp4Silence, solidPng, wavDurationMs } from './media-files.js';
import { FLAVOR_STATUS, kalturaId, type CreatedEntry, type DoubleState, type FlavorAsset, type StoredUpload } from './state.js';

/** Kaltura media types: 1 video, 2 image, 5 audio. */
export type MediaType = 1 | 2 | 5;

/** What a test gives to create an entry without an upload. */
export interface EntryConfig {
  /** default: a random `0_xxxxxxxx` */
  id?: string;
  /** default: the double's first partner */
  partnerId?: number | string;
  /** default `<partnerId>00` */
  subpId?: string;
  /** default 'Untitled entry' */
  name?: string;
  /** 1 video (default), 2 image, 5 audio */
  mediaType?: number;
  /** the entry's owner (puser id); default '' */
  userId?: string;
  partnerData?: string;
  /** default 3000 */
  durationMs?: number;
  /** KalturaEntryStatus (default 2, READY) */
  status?: number;
  /** false: no flavors at all (an entry whose conversion has not started) */
  flavors?: boolean;
}

const DEFAULT_DURATION_MS = 3000;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  flv: 'video/x-flv',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
};

const CONTAINER_FORMATS: Readonly<Record<string, string>> = {
  mp4: 'isom',
  m4a: 'isom',
  mov: 'qt',
  webm: 'webm',
  mkv: 'matroska',
  flv: 'flash video',
  mp3: 'mpeg audio',
  wav: 'wave',
  ogg: 'ogg',
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
};

/** The content type the double serves a file extension with. */
export function contentTypeForExt(ext: string): string {
  return CONTENT_TYPES[ext.toLowerCase()] ?? 'application/octet-stream';
}

function extOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

/** Bytes a browser can play for a flavor of this extension (generated; the double has no encoder). */
function generatedBytes(ext: string, durationMs: number): Buffer {
  if (ext === 'mp3') return mp3Silence(durationMs);
  if (['png', 'jpg', 'jpeg', 'gif'].includes(ext)) return solidPng(64, 48, [70, 110, 160]);
  return mp4Silence(durationMs);
}

function kb(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

interface FlavorSpec {
  fileExt: string;
  flavorParamsId: number;
  width: number;
  height: number;
  bitrate: number;
  frameRate: number;
  isOriginal: boolean;
  tags: string;
  videoCodecId: string;
  status: number;
  /** the upload's bytes for an original */
  data?: Buffer | null;
  contentType?: string | null;
}

function specsFor(mediaType: number, originalExt: string, upload: StoredUpload | null): FlavorSpec[] {
  const original: FlavorSpec = {
    fileExt: originalExt,
    flavorParamsId: 0,
    width: mediaType === 5 ? 0 : 1280,
    height: mediaType === 5 ? 0 : 720,
    bitrate: mediaType === 5 ? 128 : 1900,
    frameRate: mediaType === 1 ? 30 : 0,
    isOriginal: true,
    tags: 'source',
    videoCodecId: mediaType === 1 ? 'avc1' : '',
    status: FLAVOR_STATUS.READY,
    data: upload ? upload.data : null,
    contentType: upload?.contentType ?? null,
  };
  if (mediaType === 2) return [original];
  if (mediaType === 5) {
    return [
      original,
      { fileExt: 'mp3', flavorParamsId: 359, width: 0, height: 0, bitrate: 96, frameRate: 0, isOriginal: false, tags: 'audio_only,web,mbr', videoCodecId: '', status: FLAVOR_STATUS.READY },
      { fileExt: 'mp4', flavorParamsId: 360, width: 0, height: 0, bitrate: 192, frameRate: 0, isOriginal: false, tags: 'audio_only,mobile', videoCodecId: '', status: FLAVOR_STATUS.CONVERTING },
    ];
  }
  return [
    original,
    { fileExt: 'mp4', flavorParamsId: 301951, width: 640, height: 360, bitrate: 900, frameRate: 30, isOriginal: false, tags: 'mobile,web,mbr,iphone,iphonenew', videoCodecId: 'avc1', status: FLAVOR_STATUS.READY },
    { fileExt: 'mp4', flavorParamsId: 301971, width: 1280, height: 720, bitrate: 2500, frameRate: 30, isOriginal: false, tags: 'web,mbr,ipad,ipadnew', videoCodecId: 'avc1', status: FLAVOR_STATUS.CONVERTING },
  ];
}

/** Create the default flavors of a new entry (original + one ready + one converting; images: the original). */
export function createFlavors(state: DoubleState, entry: CreatedEntry): FlavorAsset[] {
  const originalExt = extOf(entry.realFilename || entry.name) || (entry.mediaType === 5 ? 'mp3' : entry.mediaType === 2 ? 'png' : 'mp4');
  const created: FlavorAsset[] = [];
  for (const spec of specsFor(entry.mediaType, originalExt, entry.upload)) {
    const ready = spec.status === FLAVOR_STATUS.READY;
    const data = ready ? (spec.data ?? generatedBytes(spec.fileExt, entry.durationMs)) : null;
    const byExt = entry.mediaType === 5 && spec.fileExt === 'mp4' ? 'audio/mp4' : contentTypeForExt(spec.fileExt);
    const contentType = spec.contentType && spec.contentType !== 'application/octet-stream' ? spec.contentType : byExt;
    const flavor: FlavorAsset = {
      id: kalturaId(),
      entryId: entry.id,
      partnerId: entry.partnerId,
      version: 1,
      size: data ? kb(data.length) : 0,
      tags: spec.tags,
      fileExt: spec.fileExt,
      createdAt: entry.createdAt,
      updatedAt: entry.createdAt,
      description: '',
      flavorParamsId: spec.flavorParamsId,
      width: spec.width,
      height: spec.height,
      bitrate: spec.bitrate,
      frameRate: spec.frameRate,
      isOriginal: spec.isOriginal,
      isWeb: !spec.isOriginal,
      containerFormat: CONTAINER_FORMATS[spec.fileExt] ?? '',
      videoCodecId: spec.videoCodecId,
      status: spec.status,
      data,
      contentType,
    };
    state.flavors.push(flavor);
    created.push(flavor);
  }
  return created;
}

/** The media length of an upload: a WAV's real length, else the default. */
export function durationOfUpload(upload: StoredUpload | null): number {
  return (upload && wavDurationMs(upload.data)) ?? DEFAULT_DURATION_MS;
}

/** Add an entry as a test describes it (no upload), with its default flavors unless `flavors: false`. */
export function addEntry(state: DoubleState, config: EntryConfig = {}): CreatedEntry {
  const partnerId = String(config.partnerId ?? state.defaultPartnerId());
  if (!state.partners.has(partnerId)) throw new TypeError(`unknown partner ${partnerId}`);
  const id = config.id ?? kalturaId();
  if (!/^\d_[a-z0-9]{8}$/i.test(id)) throw new TypeError(`entry id must look like 0_abcd1234: ${id}`);
  if (state.findEntry(id)) throw new TypeError(`entry ${id} exists`);
  const mediaType = config.mediaType ?? 1;
  if (![1, 2, 5].includes(mediaType)) throw new TypeError(`mediaType must be 1, 2 or 5: ${mediaType}`);
  const name = config.name ?? 'Untitled entry';
  const entry: CreatedEntry = {
    id,
    partnerId,
    subpId: config.subpId ?? `${partnerId}00`,
    puserId: config.userId ?? '',
    name,
    partnerData: config.partnerData ?? '',
    type: 1,
    mediaType,
    source: 1,
    status: config.status ?? 2,
    filename: '',
    realFilename: '',
    conversionProfile: null,
    params: {},
    upload: null,
    ksUserId: null,
    createdAt: state.now(),
    durationMs: config.durationMs ?? DEFAULT_DURATION_MS,
  };
  state.entries.push(entry);
  if (config.flavors !== false) createFlavors(state, entry);
  return entry;
}
