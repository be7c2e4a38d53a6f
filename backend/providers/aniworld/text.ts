import { load } from 'cheerio/slim';

/** Collapses runs of whitespace; empty text becomes null. */
export function cleanText(text: string | undefined | null): string | null {
  const cleaned = (text ?? '').replace(/\s+/g, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

/** Text of an HTML fragment: tags (e.g. search highlights) dropped, entities decoded, `\/` unescaped. */
export function fragmentText(html: string): string {
  const $ = load(`<body>${html.replace(/\\\//g, '/')}</body>`);
  return cleanText($('body').text()) ?? '';
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
