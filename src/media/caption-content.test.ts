import { describe, expect, it } from 'vitest';
import { checkCaptionContent } from './caption-content.js';

const LIMIT = 1024 * 1024;

describe('checkCaptionContent', () => {
  it('detects and parses WebVTT (header text, identifiers, hours, settings, NOTE blocks, BOM, CRLF)', () => {
    const vtt = '\uFEFFWEBVTT - lecture\r\n\r\nNOTE a comment\r\n\r\ncue-1\r\n01:00:00.250 --> 01:00:02.000 line:0 align:start\r\n<c.yellow>Hi</c> <00:00:01.000>there\r\n';
    const r = checkCaptionContent(vtt, LIMIT);
    expect(r).toEqual({ ok: true, format: 'vtt', cues: [{ startMs: 3_600_250, endMs: 3_602_000, text: '<c.yellow>Hi</c> <00:00:01.000>there' }] });
  });

  it('detects and parses SRT', () => {
    const r = checkCaptionContent('1\n00:00:01,000 --> 00:00:02,500\nOne\ntwo lines\n\n2\n00:00:03,000 --> 00:00:04,000\n<i>Three</i>\n', LIMIT);
    expect(r.ok && r.format).toBe('srt');
    expect(r.ok && r.cues.map((c) => [c.startMs, c.endMs, c.text])).toEqual([
      [1000, 2500, 'One\ntwo lines'],
      [3000, 4000, '<i>Three</i>'],
    ]);
  });

  it.each([
    ['', /empty/],
    ['WEBVTTX\n\n00:00.000 --> 00:01.000\nx', /header line is malformed|must be WebVTT/],
    ['WEBVTT\n\n00:00.000 --> 00:61.000\nx', /malformed/],
    ['WEBVTT\n\nhello\nworld', /no timing line/],
    ['1\n00:00:01,000 --> 00:00:00,500\nx', /ends before it starts/],
    ['1\nx\ny', /malformed/],
    ['hello world', /must be WebVTT/],
    ['WEBVTT\n\n00:00.000 --> 00:01.000\n<span>x</span>', /HTML or script/],
    ['WEBVTT\n\n00:00.000 --> 00:01.000\n<v Bob onmouseover=alert(1)>x', /HTML or script/],
    ['WEBVTT\n\n00:00.000 --> 00:01.000\n<svg/onload=alert(1)>', /HTML or script/],
    ['WEBVTT\n\n00:00.000 --> 00:01.000\n<scr<b>ipt>', /unclosed tag|HTML or script/],
    ['WEBVTT\n\n00:00.000 --> 00:01.000\n&#60;iframe src=x&#62;', /escaped tags/],
    ['WEBVTT\n\nNOTE -->\n\n00:00.000 --> 00:01.000\nx', /must not contain "-->"/],
  ])('refuses %j', (content, message) => {
    const r = checkCaptionContent(content, LIMIT);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('counts the limit in UTF-8 bytes and names it', () => {
    const content = `WEBVTT\n\n00:00.000 --> 00:01.000\n${'é'.repeat(600)}`;
    expect(checkCaptionContent(content, 2048).ok).toBe(true);
    const r = checkCaptionContent(content, 1024);
    expect(r).toEqual({ ok: false, message: `Caption content is ${Buffer.byteLength(content)} bytes, larger than the limit of 1024 bytes (max_caption_bytes).` });
  });

  it('a lone "<" that starts no tag is text', () => {
    expect(checkCaptionContent('WEBVTT\n\n00:00.000 --> 00:01.000\n3 < 5 and 1 <= 2', LIMIT).ok).toBe(true);
  });
});
