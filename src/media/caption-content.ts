/**
 * Caption files: detects SRT or WebVTT, parses every cue strictly, and refuses content that could
 * carry markup into a page (anything tag-shaped but the cue tags the formats define, with plain
 * annotations). Pure: text in, a verdict out.
 */

/** A caption file's format. */
export type CaptionFormat = 'vtt' | 'srt';

/** Content types tracks are served with. */
export const CAPTION_CONTENT_TYPES: Readonly<Record<CaptionFormat, string>> = {
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
};

/** One cue: start and end in milliseconds, and its text. */
export interface Cue {
  startMs: number;
  endMs: number;
  text: string;
}

export type CaptionCheck = { ok: true; format: CaptionFormat; cues: Cue[] } | { ok: false; message: string };

/** The default `max_caption_bytes`: 1 MiB. */
export const DEFAULT_MAX_CAPTION_BYTES = 1024 * 1024;

const VTT_HEADER = /^WEBVTT(?:[ \t][^\n]*)?$/;
const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const SRT_TIME = /^(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{3})$/;
// cue tags of WebVTT (b, i, u, c, v, lang, ruby, rt, timestamps) and SRT (b, i, u); annotations plain text
const CUE_TAG = /^<(?:\/?(?:b|i|u|c|v|lang|ruby|rt)(?:\.[A-Za-z0-9_-]+)*(?:[ \t][A-Za-z0-9 .,'_-]{0,100})?|(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3})>$/;

function ms(m: RegExpExecArray): number {
  const [, h, mm, ss, frac] = m;
  return ((Number(h ?? 0) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 + Number(frac);
}

/** A message when `text` holds markup other than cue tags (HTML, script, comments, entities of tags). */
function markupProblem(text: string): string | null {
  if (/<!--|<!\[CDATA\[|<\?|<!/.test(text)) return 'Caption content must not contain HTML comments or declarations.';
  const tags = text.match(/<[^<>]*>/g) ?? [];
  for (const tag of tags) {
    if (!CUE_TAG.test(tag)) return 'Caption content must not contain HTML or script; only caption cue tags (b, i, u, c, v, lang, ruby, rt) are allowed.';
  }
  // a `<` that opens nothing closed is harmless text in a cue, but not when it could start a tag
  if (/<[A-Za-z/!?]/.test(text.replace(/<[^<>]*>/g, ''))) return 'Caption content must not contain HTML or script; an unclosed tag was found.';
  if (/&(?:lt|#0*60|#x0*3c);\s*\/?\s*(?:script|iframe|img|svg|object|embed|style|a)\b/i.test(text)) return 'Caption content must not contain HTML or script (escaped tags were found).';
  if (/javascript:|vbscript:|data:text\/html/i.test(text)) return 'Caption content must not contain script URLs.';
  return null;
}

function timing(line: string, re: RegExp, format: string): { startMs: number; endMs: number } | string {
  const parts = line.split(/[ \t]+-->[ \t]+/);
  if (parts.length !== 2) return `A ${format} cue timing line is malformed: "${line.slice(0, 80)}".`;
  const start = re.exec(parts[0]!.trim());
  const endText = parts[1]!.trim().split(/[ \t]+/)[0]!; // WebVTT cue settings follow the end time
  const end = re.exec(endText);
  if (!start || !end) return `A ${format} cue timing line is malformed: "${line.slice(0, 80)}".`;
  const startMs = ms(start);
  const endMs = ms(end);
  if (endMs < startMs) return `A ${format} cue ends before it starts: "${line.slice(0, 80)}".`;
  return { startMs, endMs };
}

function parseVtt(blocks: string[][]): CaptionCheck {
  const cues: Cue[] = [];
  for (const block of blocks.slice(1)) {
    const first = block[0]!;
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) {
      if (block.some((l) => l.includes('-->'))) return { ok: false, message: 'A WebVTT NOTE, STYLE or REGION block must not contain "-->".' };
      continue;
    }
    const timingIndex = first.includes('-->') ? 0 : 1;
    const line = block[timingIndex];
    if (line === undefined || !line.includes('-->')) return { ok: false, message: `A WebVTT cue has no timing line: "${first.slice(0, 80)}".` };
    const t = timing(line, VTT_TIME, 'WebVTT');
    if (typeof t === 'string') return { ok: false, message: t };
    cues.push({ ...t, text: block.slice(timingIndex + 1).join('\n') });
  }
  return { ok: true, format: 'vtt', cues };
}

function parseSrt(blocks: string[][]): CaptionCheck {
  const cues: Cue[] = [];
  for (const block of blocks) {
    if (!/^\d{1,9}$/.test(block[0]!.trim())) return { ok: false, message: `An SRT cue must start with its number: "${block[0]!.slice(0, 80)}".` };
    const line = block[1];
    if (line === undefined) return { ok: false, message: 'An SRT cue has no timing line.' };
    const t = timing(line, SRT_TIME, 'SRT');
    if (typeof t === 'string') return { ok: false, message: t };
    cues.push({ ...t, text: block.slice(2).join('\n') });
  }
  if (cues.length === 0) return { ok: false, message: 'The SRT content has no cues.' };
  return { ok: true, format: 'srt', cues };
}

/**
 * Checks caption content: within `maxBytes`, WebVTT or SRT with well-formed cues, no control
 * characters, no markup beyond cue tags.
 * @example checkCaptionContent('WEBVTT\n\n00:00.000 --> 00:01.000\nHi', 1024) // → { ok: true, format: 'vtt', cues: [ … ] }
 */
export function checkCaptionContent(content: string, maxBytes: number): CaptionCheck {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > maxBytes) return { ok: false, message: `Caption content is ${bytes} bytes, larger than the limit of ${maxBytes} bytes (max_caption_bytes).` };
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (text.trim() === '') return { ok: false, message: 'Caption content is empty.' };
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return { ok: false, message: 'Caption content must not contain control characters.' };
  const markup = markupProblem(text);
  if (markup) return { ok: false, message: markup };
  const blocks = text
    .split(/\n[ \t]*\n/)
    .map((b) => b.split('\n').filter((l, i, all) => !(l.trim() === '' && (i === 0 || i === all.length - 1))))
    .filter((b) => b.length > 0 && b.some((l) => l.trim() !== ''));
  if (blocks.length === 0) return { ok: false, message: 'Caption content is empty.' };
  const firstLine = blocks[0]![0]!;
  if (firstLine.startsWith('WEBVTT')) {
    if (!VTT_HEADER.test(firstLine)) return { ok: false, message: 'The WebVTT header line is malformed.' };
    return parseVtt(blocks);
  }
  if (/^\d{1,9}$/.test(firstLine.trim())) return parseSrt(blocks);
  return { ok: false, message: 'Caption content must be WebVTT (starting with "WEBVTT") or SRT (numbered cues with "00:00:01,000 --> 00:00:02,000" timings).' };
}
