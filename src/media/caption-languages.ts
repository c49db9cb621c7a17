/**
 * The caption languages Canvas offers (`closedCaptionLanguages` of `@instructure/canvas-media`,
 * with the expanded list): the only locales a track may have. Pure.
 */

/** BCP 47 tags Canvas lists, in its order. */
export const CAPTION_LOCALES: readonly string[] = [
  'af', 'sq', 'ar', 'be', 'bg', 'ca', 'zh', 'hr', 'cs', 'da', 'nl', 'en', 'et', 'fl', 'fi', 'fr', 'gl', 'de', 'el',
  'ht', 'hi', 'hu', 'is', 'id', 'ga', 'it', 'ja', 'ko', 'lv', 'lt', 'mk', 'ms', 'mt', 'no', 'fa', 'pl', 'pt', 'ro',
  'ru', 'sr', 'sk', 'sl', 'es', 'sw', 'sv', 'tl', 'th', 'tr', 'uk', 'vi', 'cy', 'yi', 'en-CA', 'en-AU', 'en-GB',
  'fr-CA', 'he', 'hy', 'mi', 'nb', 'nn', 'zh-Hans', 'zh-Hant',
];

const BY_LOWER = new Map(CAPTION_LOCALES.map((l) => [l.toLowerCase(), l] as const));

/** Canvas's spelling of a locale (case and `_` forgiven: `en_gb` → `en-GB`), or null when not listed. */
export function canonicalLocale(value: string): string | null {
  return BY_LOWER.get(value.trim().replace(/_/g, '-').toLowerCase()) ?? null;
}

/** Kinds of `<track>` (HTML's list); Canvas's default is `subtitles` on the element, `captions` in the API. */
export const TRACK_KINDS = ['subtitles', 'captions', 'descriptions', 'chapters', 'metadata'] as const;
export type TrackKind = (typeof TRACK_KINDS)[number];
export const DEFAULT_TRACK_KIND: TrackKind = 'captions';

/** The language's English name (Intl's display names), else the tag itself. */
export function captionLanguageName(locale: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}
