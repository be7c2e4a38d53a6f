import { load } from 'cheerio/slim';
import { decodeHTML } from 'entities';
import type { EpisodeType } from '../provider.ts';

/** Collapses runs of whitespace and decodes entities the site escaped more than once; empty text becomes null. */
export function cleanText(text: string | undefined | null): string | null {
  const cleaned = decodeEntities(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned === '' ? null : cleaned;
}

/**
 * The site escapes some titles twice (`Naruto&amp;#039;s`): the parser's one decoding leaves
 * `&#039;`. Decoding again until nothing changes gives the text (bounded: a title is short).
 */
export function decodeEntities(text: string): string {
  let current = text;
  for (let round = 0; round < 5 && /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(current); round++) {
    const decoded = decodeHTML(current);
    if (decoded === current) break;
    current = decoded;
  }
  return current;
}

/** Text of an HTML fragment: tags (e.g. search highlights) dropped, entities decoded, `\/` unescaped. */
export function fragmentText(html: string): string {
  const $ = load(`<body>${html.replace(/\\\//g, '/')}</body>`);
  return cleanText($('body').text()) ?? '';
}

const TYPE_SUFFIX = /\s*\[(episode\s*\d+|ova|oad|movie|film|special|specials)\]\s*$/i;

/**
 * English titles end in `[Episode 001]`, `[OVA]` or `[Movie]`: the suffix is the episode's type,
 * not part of its name (it would end up in file names). Without a suffix, films (season 0) are
 * movies and everything else an episode.
 */
export function splitEpisodeTitle(title: string | null): { title: string | null; type: EpisodeType | null } {
  const suffix = title === null ? undefined : TYPE_SUFFIX.exec(title);
  if (!suffix || title === null) return { title, type: null };
  const word = suffix[1].toLowerCase();
  const type: EpisodeType = word.startsWith('episode')
    ? 'episode'
    : word === 'ova' || word === 'oad'
      ? 'ova'
      : word.startsWith('special')
        ? 'special'
        : 'movie';
  return { title: cleanText(title.slice(0, suffix.index)), type };
}

/** The type a listing gets when neither title says one. */
export function defaultEpisodeType(season: number): EpisodeType {
  return season === 0 ? 'movie' : 'episode';
}

/** Resolves a possibly relative link against the provider's base URL; null for nothing usable. */
export function absoluteUrl(href: string | undefined | null, base: string): string | null {
  if (!href || href.startsWith('data:')) return null;
  try {
    return new URL(href.replace(/\\\//g, '/'), base).href;
  } catch {
    return null;
  }
}
