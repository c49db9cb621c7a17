/**
 * The player page of a media object: an HTML5 `<video>` or `<audio>` element with the entry's
 * flavors as sources and its captions as tracks. No script and no style: it works under a CSP
 * that allows neither. Pure: data in, HTML out; every value is escaped.
 */
import type { MediaSource } from './media-sources.js';

/** A caption track as the page lists it. */
export interface PlayerTrack {
  kind: string;
  locale: string;
  label: string;
  src: string;
}

export interface PlayerPageInput {
  title: string;
  mediaType: string;
  sources: readonly MediaSource[];
  tracks: readonly PlayerTrack[];
  /** the poster image (the thumbnail redirect), for video */
  poster: string | null;
}

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page's HTML. */
export function renderPlayerPage(input: PlayerPageInput): string {
  const element = input.mediaType === 'audio' ? 'audio' : 'video';
  const sources = input.sources.map((s) => `      <source src="${escapeHtml(s.src)}" type="${escapeHtml(s.content_type)}" data-label="${escapeHtml(s.label)}">`).join('\n');
  const tracks = input.tracks
    .map((t, i) => `      <track kind="${escapeHtml(t.kind)}" srclang="${escapeHtml(t.locale)}" label="${escapeHtml(t.label)}" src="${escapeHtml(t.src)}"${i === 0 ? ' default' : ''}>`)
    .join('\n');
  const poster = element === 'video' && input.poster ? ` poster="${escapeHtml(input.poster)}"` : '';
  const empty = input.sources.length === 0 ? `\n    <p class="no-sources">This media is not ready to play yet.</p>` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>${escapeHtml(input.title)}</title>
  </head>
  <body>
    <${element} id="player" controls preload="metadata" width="100%"${poster} aria-label="${escapeHtml(input.title)}">
${sources}
${tracks}
    </${element}>${empty}
  </body>
</html>
`;
}
