/**
 * Tiny but genuine media files the double serves for flavors and thumbnails, made in code so a browser
 * can load them: MP3 silence, the same frames in an MP4 container (an audio track only; the double has
 * no video encoder) and solid-colour PNG images.
 */
import { deflateSync } from 'node:zlib';

/** MPEG-1 Layer III, 32 kbit/s, 44.1 kHz, mono, no CRC: 104-byte frames of 1152 samples. */
const MP3_HEADER = Buffer.from([0xff, 0xfb, 0x10, 0xc0]);
const MP3_FRAME_BYTES = 104; // floor(144 * 32000 / 44100)
const MP3_SAMPLES_PER_FRAME = 1152;
const MP3_SAMPLE_RATE = 44100;
const MAX_MEDIA_MS = 30_000;

function mp3FrameCount(durationMs: number): number {
  const ms = Math.min(Math.max(durationMs, 100), MAX_MEDIA_MS);
  return Math.max(1, Math.ceil((ms / 1000) * (MP3_SAMPLE_RATE / MP3_SAMPLES_PER_FRAME)));
}

/** One silent frame: the header, then zero side information and zero main data (decodes to silence). */
function mp3Frame(): Buffer {
  const frame = Buffer.alloc(MP3_FRAME_BYTES, 0);
  MP3_HEADER.copy(frame, 0);
  return frame;
}

/** An MP3 file of silence lasting about `durationMs` (capped at 30 s). */
export function mp3Silence(durationMs: number): Buffer {
  const frame = mp3Frame();
  return Buffer.concat(Array.from({ length: mp3FrameCount(durationMs) }, () => frame));
}

// ---------------------------------------------------------------------------------------------
// MP4 (ISO BMFF) with the MP3 frames as one audio track (object type 0x6B), moov before mdat

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...payload);
}

function u8(...values: number[]): Buffer {
  return Buffer.from(values);
}

function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v, i * 2));
  return b;
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

const UNITY_MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

/** An MPEG-4 descriptor: tag, one-byte length (our descriptors are small), payload. */
function descriptor(tag: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  if (body.length > 127) throw new Error('descriptor too long for a one-byte length');
  return Buffer.concat([u8(tag, body.length), body]);
}

function moovFor(frames: number, frameBytes: number, mdatDataOffset: number): Buffer {
  const samples = frames * MP3_SAMPLES_PER_FRAME;
  const durationMs = Math.round((samples / MP3_SAMPLE_RATE) * 1000);
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0, 0, 1000, durationMs),
    u32(0x00010000), // rate 1.0
    u16(0x0100, 0), // volume 1.0, reserved
    u32(0, 0), // reserved
    UNITY_MATRIX,
    u32(0, 0, 0, 0, 0, 0), // pre_defined
    u32(2), // next_track_ID
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    0x000003, // enabled, in movie
    u32(0, 0, 1, 0, durationMs), // creation, modification, track_ID, reserved, duration
    u32(0, 0), // reserved
    u16(0, 0, 0x0100, 0), // layer, alternate_group, volume, reserved
    UNITY_MATRIX,
    u32(0, 0), // width, height (no picture)
  );
  const mdhd = fullBox('mdhd', 0, 0, u32(0, 0, MP3_SAMPLE_RATE, samples), u16(0x55c4, 0)); // language 'und'
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from('soun', 'latin1'), u32(0, 0, 0), Buffer.from('SoundHandler\0', 'latin1'));
  const esds = fullBox(
    'esds',
    0,
    0,
    descriptor(
      0x03, // ES_Descriptor
      u16(1), // ES_ID
      u8(0), // flags
      descriptor(0x04, u8(0x6b, 0x15), u8(0, 0x10, 0), u32(32000, 32000)), // MPEG-1 audio, audio stream
      descriptor(0x06, u8(0x02)), // SLConfig: MP4
    ),
  );
  const mp4a = box(
    'mp4a',
    u8(0, 0, 0, 0, 0, 0), // reserved
    u16(1), // data_reference_index
    u32(0, 0), // reserved
    u16(1, 16, 0, 0), // channelcount, samplesize, pre_defined, reserved
    u32(MP3_SAMPLE_RATE * 65536),
    esds,
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), mp4a),
    fullBox('stts', 0, 0, u32(1, frames, MP3_SAMPLES_PER_FRAME)),
    fullBox('stsc', 0, 0, u32(1, 1, frames, 1)),
    fullBox('stsz', 0, 0, u32(frameBytes, frames)),
    fullBox('stco', 0, 0, u32(1, mdatDataOffset)),
  );
  const minf = box(
    'minf',
    fullBox('smhd', 0, 0, u16(0, 0)),
    box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
    stbl,
  );
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
  return box('moov', mvhd, trak);
}

/** An MP4 file whose one track is about `durationMs` of MP3 silence (capped at 30 s). */
export function mp4Silence(durationMs: number): Buffer {
  const frames = mp3FrameCount(durationMs);
  const frame = mp3Frame();
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2mp41', 'latin1'));
  // the moov's size does not depend on the offset value, so measure it once with a placeholder
  const moovSize = moovFor(frames, frame.length, 0).length;
  const moov = moovFor(frames, frame.length, ftyp.length + moovSize + 8);
  const mdat = box('mdat', ...Array.from({ length: frames }, () => frame));
  return Buffer.concat([ftyp, moov, mdat]);
}

// ---------------------------------------------------------------------------------------------
// PNG

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(...parts: Buffer[]): number {
  let c = 0xffffffff;
  for (const part of parts) for (const byte of part) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const t = Buffer.from(type, 'latin1');
  return Buffer.concat([u32(data.length), t, data, u32(crc32(t, data))]);
}

/** A `width`×`height` PNG (8-bit RGB) filled with `rgb`, with a darker band across the middle. */
export function solidPng(width: number, height: number, rgb: readonly [number, number, number]): Buffer {
  const row = (shade: number): Buffer => {
    const r = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      r[1 + x * 3] = Math.floor(rgb[0] * shade);
      r[2 + x * 3] = Math.floor(rgb[1] * shade);
      r[3 + x * 3] = Math.floor(rgb[2] * shade);
    }
    return r;
  };
  const plain = row(1);
  const band = row(0.6);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) rows.push(y >= height / 3 && y < (2 * height) / 3 ? band : plain);
  const ihdr = Buffer.concat([u32(width, height), u8(8, 2, 0, 0, 0)]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Milliseconds of audio in a RIFF/WAVE file, or null when it is not one. */
export function wavDurationMs(data: Buffer): number | null {
  if (data.length < 44 || data.toString('latin1', 0, 4) !== 'RIFF' || data.toString('latin1', 8, 12) !== 'WAVE') return null;
  let byteRate = 0;
  for (let off = 12; off + 8 <= data.length; ) {
    const id = data.toString('latin1', off, off + 4);
    const size = data.readUInt32LE(off + 4);
    if (id === 'fmt ' && off + 20 <= data.length) byteRate = data.readUInt32LE(off + 16);
    if (id === 'data') return byteRate > 0 ? Math.round((Math.min(size, data.length - off - 8) / byteRate) * 1000) : null;
    off += 8 + size + (size % 2);
  }
  return null;
}
