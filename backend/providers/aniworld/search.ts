import type { SearchResult } from '../provider.ts';
import { absoluteUrl, cleanText, fragmentText } from './text.ts';
import { seriesUrl } from './series-url.ts';

const SERIES_PATH = /^\/anime\/stream\/([a-z0-9-]+)\/?$/;

/** `POST /ajax/search`: `[{title, description, link}]`; links may be episodes or unrelated pages. */
export function parseSearchAnswer(entries: unknown, baseUrl: string): SearchResult[] {
  const results: SearchResult[] = [];
  for (const entry of asObjects(entries)) {
    const link = typeof entry.link === 'string' ? entry.link.replace(/\\\//g, '/') : '';
    const key = SERIES_PATH.exec(pathOf(link, baseUrl) ?? '')?.[1];
    if (!key) continue;
    results.push({
      key,
      name: fragmentText(String(entry.title ?? '')) || key,
      link: seriesUrl(baseUrl, key),
      description: cleanText(fragmentText(String(entry.description ?? ''))),
      cover: null,
      year: null,
      endYear: null,
    });
  }
  return unique(results);
}

/** `GET /ajax/seriesSearch`: `[{name, link (bare slug), description, cover, productionYear}]`. */
export function parseLegacySearchAnswer(entries: unknown, baseUrl: string): SearchResult[] {
  const results: SearchResult[] = [];
  for (const entry of asObjects(entries)) {
    const slug = String(entry.link ?? '')
      .replace(/\\\//g, '/')
      .replace(/^\/?(anime\/stream\/)?/, '')
      .replace(/\/$/, '');
    if (!/^[a-z0-9-]+$/.test(slug)) continue;
    const years = /(\d{4})(?:\s*-\s*(\d{4}))?/.exec(String(entry.productionYear ?? ''));
    results.push({
      key: slug,
      name: fragmentText(String(entry.name ?? '')) || slug,
      link: seriesUrl(baseUrl, slug),
      description: cleanText(fragmentText(String(entry.description ?? ''))),
      cover: absoluteUrl(typeof entry.cover === 'string' ? entry.cover : null, baseUrl),
      year: years ? Number(years[1]) : null,
      endYear: years?.[2] ? Number(years[2]) : null,
    });
  }
  return unique(results);
}

/** Mirrors may answer with links to the canonical host; the path is what identifies the series. */
function pathOf(link: string, baseUrl: string): string | undefined {
  try {
    return new URL(link, baseUrl).pathname;
  } catch {
    return undefined;
  }
}

function asObjects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null) : [];
}

function unique(results: SearchResult[]): SearchResult[] {
  const seen = new Set<string>();
  return results.filter((result) => !seen.has(result.key) && seen.add(result.key));
}
