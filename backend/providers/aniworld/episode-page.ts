import { load } from 'cheerio/slim';
import type { EpisodeLinks, HosterLink, Language } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { LANGUAGE_BY_KEY } from './languages.ts';
import { absoluteUrl, cleanText, defaultEpisodeType, splitEpisodeTitle } from './text.ts';

/**
 * Reads an episode (or film) page: titles, the offered languages and every hoster link, including
 * the ones hidden because their language is not the selected one.
 */
export function parseEpisodePage(html: string, key: string, season: number, episode: number, pageUrl: string): EpisodeLinks {
  const $ = load(html);
  const languages: Language[] = [];
  $('div.changeLanguageBox [data-lang-key]').each((_, element) => {
    const language = LANGUAGE_BY_KEY[$(element).attr('data-lang-key')?.trim() ?? ''];
    if (language && !languages.includes(language)) languages.push(language);
  });

  const items = $('div.hosterSiteVideo ul.row > li');
  const what = season === 0 ? `film ${episode}` : `S${season}E${episode}`;
  if (items.length === 0) throw new ParseError(`the episode page of "${key}" ${what} has no hoster list (div.hosterSiteVideo ul.row > li)`);

  const links: HosterLink[] = [];
  items.each((_, element) => {
    const item = $(element);
    const language = LANGUAGE_BY_KEY[item.attr('data-lang-key')?.trim() ?? ''];
    const hoster = cleanText(item.find('h4').first().text());
    const target = item.attr('data-link-target') ?? item.find('a.watchEpisode').attr('href');
    const redirectUrl = absoluteUrl(target, pageUrl);
    const linkId = item.attr('data-link-id')?.trim() ?? /\/redirect\/([^/?#]+)/.exec(target ?? '')?.[1];
    if (!language || !hoster || !redirectUrl || !linkId) return;
    links.push({ hoster, language, linkId, redirectUrl });
    if (!languages.includes(language)) languages.push(language);
  });
  if (links.length === 0) throw new ParseError(`the episode page of "${key}" ${what} lists hosters but none has a language, name and link`);

  const titleBox = $('div.hosterSiteTitle');
  const german = splitEpisodeTitle(cleanText(titleBox.find('.episodeGermanTitle').first().text()));
  const english = splitEpisodeTitle(cleanText(titleBox.find('.episodeEnglishTitle').first().text()));
  return {
    key,
    season,
    episode,
    titleDe: german.title,
    titleEn: english.title,
    type: english.type ?? german.type ?? defaultEpisodeType(season),
    languages,
    links,
  };
}
