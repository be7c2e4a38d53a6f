import { load, type CheerioAPI } from 'cheerio/slim';
import type { EpisodeListing, Language, SeasonInfo } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { languageFromFlag } from './languages.ts';
import { absoluteUrl, cleanText, defaultEpisodeType, splitEpisodeTitle } from './text.ts';

/**
 * Reads `/anime/stream/<key>/staffel-N` or `/filme` (season 0). The episode table is the source;
 * when a page has only the navigation's episode links, those give numbers without titles.
 */
export function parseSeasonPage(html: string, key: string, season: number, pageUrl: string): SeasonInfo {
  const $ = load(html);
  const rows = $('table.seasonEpisodesList tr[itemprop="episode"]');
  const episodes = rows.length > 0 ? episodesFromTable($, rows, season, pageUrl) : episodesFromNav($, season, pageUrl);
  if (episodes === undefined) {
    throw new ParseError(`the ${season === 0 ? 'films' : `season ${season}`} page of "${key}" has no episode list (table.seasonEpisodesList or episode links)`);
  }
  const byNumber = new Map<number, EpisodeListing>();
  for (const episode of episodes) if (!byNumber.has(episode.number)) byNumber.set(episode.number, episode);
  return { key, season, episodes: [...byNumber.values()].sort((a, b) => a.number - b.number) };
}

function episodesFromTable($: CheerioAPI, rows: ReturnType<CheerioAPI>, season: number, pageUrl: string): EpisodeListing[] {
  const episodes: EpisodeListing[] = [];
  rows.each((_, element) => {
    const row = $(element);
    const href = row
      .find('a[href]')
      .toArray()
      .map((anchor) => $(anchor).attr('href') ?? '')
      .find((link) => episodeNumberFromLink(link, season) !== undefined);
    const number =
      numberFrom(row.find('meta[itemprop="episodeNumber"]').attr('content')) ??
      (href ? episodeNumberFromLink(href, season) : undefined) ??
      numberFrom(row.attr('data-episode-season-id'));
    if (number === undefined) return;
    const titleCell = row.find('td.seasonEpisodeTitle');
    const languages: Language[] = [];
    row.find('img.flag').each((_, flag) => {
      const language = languageFromFlag($(flag).attr('src') ?? $(flag).attr('data-src'));
      if (language && !languages.includes(language)) languages.push(language);
    });
    const hosters: string[] = [];
    row.find('i.icon').each((_, icon) => {
      const name = cleanText($(icon).attr('title'))?.replace(/^Hoster\s+/i, '') ?? hosterFromClass($(icon).attr('class'));
      if (name && !hosters.includes(name)) hosters.push(name);
    });
    const german = splitEpisodeTitle(cleanText(titleCell.find('strong').first().text()));
    const english = splitEpisodeTitle(cleanText(titleCell.find('span').first().text()));
    episodes.push({
      season,
      number,
      titleDe: german.title,
      titleEn: english.title,
      type: english.type ?? german.type ?? defaultEpisodeType(season),
      languages,
      hosters,
      link: absoluteUrl(href, pageUrl) ?? episodeUrl(pageUrl, season, number),
    });
  });
  return episodes;
}

function episodesFromNav($: CheerioAPI, season: number, pageUrl: string): EpisodeListing[] | undefined {
  const links = $('div.hosterSiteDirectNav ul').eq(1).find('a[href]');
  if (links.length === 0) return undefined;
  const episodes: EpisodeListing[] = [];
  links.each((_, element) => {
    const href = $(element).attr('href') ?? '';
    const number = episodeNumberFromLink(href, season);
    if (number === undefined) return;
    episodes.push({
      season,
      number,
      titleDe: null,
      titleEn: null,
      type: defaultEpisodeType(season),
      languages: [],
      hosters: [],
      link: absoluteUrl(href, pageUrl) ?? episodeUrl(pageUrl, season, number),
    });
  });
  return episodes;
}

function episodeNumberFromLink(href: string, season: number): number | undefined {
  const pattern = season === 0 ? /\/filme\/film-(\d+)\/?$/ : new RegExp(`/staffel-${season}/episode-(\\d+)/?$`);
  return numberFrom(pattern.exec(href)?.[1]);
}

function episodeUrl(pageUrl: string, season: number, number: number): string {
  return `${pageUrl.replace(/\/$/, '')}/${season === 0 ? 'film' : 'episode'}-${number}`;
}

function hosterFromClass(className: string | undefined): string | null {
  return (className ?? '').split(/\s+/).find((name) => name !== '' && name !== 'icon') ?? null;
}

function numberFrom(value: string | undefined): number | undefined {
  return value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}
