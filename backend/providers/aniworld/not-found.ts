import { load } from 'cheerio/slim';
import { cleanText } from './text.ts';

/**
 * The site answers a series or episode that does not exist with HTTP 200 and
 * `<div class="messageAlert danger">...</div>` instead of the page. The text of that box
 * (possibly empty) when the page is such an answer, else undefined. A page that still has its
 * series header is a real page with a notice on it, not this answer.
 */
export function notFoundMessage(html: string): string | undefined {
  // Cheap test first: pages are large and almost never this.
  if (!/class\s*=\s*["'][^"']*\bmessageAlert\b/.test(html)) return undefined;
  const $ = load(html);
  const alert = $('div.messageAlert.danger').first();
  if (alert.length === 0 || $('div.series-title').length > 0) return undefined;
  return cleanText(alert.text()) ?? '';
}
