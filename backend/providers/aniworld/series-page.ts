import { load, type CheerioAPI } from 'cheerio/slim';
import type { SeriesInfo } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { absoluteUrl, cleanText } from './text.ts';

/**
 * Reads `/anime/stream/<key>`. Title and season list are required; everything else is optional
 * metadata that older or trimmed pages may lack.
 */
export function parseSeriesPage(html: string, key: string, pageUrl: string): SeriesInfo {
  const $ = load(html);
  const heading = $('div.series-title h1[itemprop="name"]').first();
  const name = cleanText(heading.find('span').first().text()) ?? cleanText(heading.text());
  if (!name) throw new ParseError(`the series page of "${key}" has no title (div.series-title h1[itemprop=name])`);

  const alternativeTitles = (heading.attr('data-alternativetitles') ?? '')
    .split(',')
    .map((title) => cleanText(title))
    .filter((title): title is string => title !== null);

  const titleBox = $('div.series-title');
  const cover = $('div.seriesCoverBox img').first();
  return {
    key,
    name,
    link: pageUrl,
    alternativeTitles,
    year: yearOf($, titleBox.find('[itemprop="startDate"]').first()),
    endYear: yearOf($, titleBox.find('[itemprop="endDate"]').first()),
    description: cleanText($('p.seri_des').first().attr('data-full-description')) ?? cleanText($('p.seri_des').first().text()),
    cover: absoluteUrl(cover.attr('data-src') ?? cover.attr('src'), pageUrl),
    genres: genresOf($),
    imdbId: /^tt\d+$/.exec($('[data-imdb]').first().attr('data-imdb')?.trim() ?? '')?.[0] ?? null,
    ageRating: numberOrNull($('[data-fsk]').first().attr('data-fsk')),
    seasons: seasonsOf($, key),
  };
}

function yearOf($: CheerioAPI, element: ReturnType<CheerioAPI>): number | null {
  if (element.length === 0) return null;
  const href = element.find('a').attr('href') ?? '';
  const fromLink = /\/jahr\/(\d{4})\/?$/.exec(href)?.[1];
  const fromText = /\b(\d{4})\b/.exec(element.text())?.[1];
  return numberOrNull(fromLink ?? fromText);
}

/** The site files its audio and subtitle languages under the genres (`/genre/ger`); they are not genres. */
const LANGUAGE_TAGS = new Set(['ger', 'gersub', 'eng', 'engsub', 'jap', 'japsub']);

function genresOf($: CheerioAPI): string[] {
  const genres: string[] = [];
  $('div.genres [itemprop="genre"]').each((_, element) => {
    const genre = cleanText($(element).text());
    // The list ends in a "+ 3" button that expands it.
    if (!genre || /^\+\s*\d+$/.test(genre) || LANGUAGE_TAGS.has(genre.toLowerCase()) || genres.includes(genre)) return;
    genres.push(genre);
  });
  return genres;
}

function seasonsOf($: CheerioAPI, key: string): number[] {
  const seasons = new Set<number>();
  const navLinks = $('div.hosterSiteDirectNav#stream ul').first().find('a[href]');
  navLinks.each((_, element) => {
    const href = $(element).attr('href') ?? '';
    const season = /\/staffel-(\d+)\/?$/.exec(href)?.[1];
    if (season !== undefined) seasons.add(Number(season));
    else if (/\/filme\/?$/.test(href)) seasons.add(0);
  });
  if (seasons.size > 0) return [...seasons].sort((a, b) => a - b);

  // Older pages only say how many seasons there are, counting the films as one of them.
  const count = numberOrNull($('meta[itemprop="numberOfSeasons"]').attr('content'));
  if (count === null) throw new ParseError(`the series page of "${key}" has no season list (div.hosterSiteDirectNav#stream or meta[itemprop=numberOfSeasons])`);
  const hasFilms = $(`a[href$="/anime/stream/${key}/filme"]`).length > 0;
  const numbered = hasFilms ? count - 1 : count;
  return [...(hasFilms ? [0] : []), ...Array.from({ length: Math.max(0, numbered) }, (_, index) => index + 1)];
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}
