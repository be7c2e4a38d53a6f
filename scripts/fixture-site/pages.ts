import type { Catalogue, FixtureEpisode, FixtureSeries, LangKey } from './catalogue.ts';

/**
 * HTML shaped like the provider's pages. Extra markup the parsers must ignore
 * (scripts, comments, wrapper divs, odd attribute order) is there on purpose.
 */

const FLAG: Record<LangKey, { src: string; title: string }> = {
  1: { src: '/public/img/german.svg', title: 'Deutsch/German' },
  2: { src: '/public/img/japanese-english.svg', title: 'Mit englischen Untertiteln' },
  3: { src: '/public/img/japanese-german.svg', title: 'Mit deutschen Untertiteln' },
  4: { src: '/public/img/english.svg', title: 'Englisch/English' },
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#039;');
}

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(title)} | AniWorld.to - Animes gratis online ansehen</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/public/css/style.css">
</head>
<body>
<div class="wrapper"><header class="main-header"><a href="/" class="logo">AniWorld</a><!-- navigation --></header>
<div class="container">
${body}
</div>
<script src="/public/js/main.js"></script>
</div>
</body>
</html>`;
}

function meta(series: FixtureSeries, attributes: string): string {
  return series.selfClosingMeta ? `<meta ${attributes} />` : `<meta ${attributes}>`;
}

function seriesPath(series: FixtureSeries): string {
  return `/anime/stream/${series.key}`;
}

function seasonPath(series: FixtureSeries, season: number): string {
  return `${seriesPath(series)}/${season === 0 ? 'filme' : `staffel-${season}`}`;
}

function episodePath(series: FixtureSeries, season: number, number: number): string {
  return season === 0 ? `${seriesPath(series)}/filme/film-${number}` : `${seriesPath(series)}/staffel-${season}/episode-${number}`;
}

function seasonNav(series: FixtureSeries, activeSeason: number | null, episodes: readonly FixtureEpisode[] | null, activeEpisode: number | null): string {
  if (series.legacyLayout) return '';
  const seasonNumbers = [...series.seasons.keys()].sort((a, b) => a - b);
  const seasonItems = seasonNumbers
    .map((season) =>
      season === 0
        ? `<li><a ${activeSeason === 0 ? 'class="active" ' : ''}href="${seasonPath(series, 0)}" title="Alle Filme">Filme</a></li>`
        : `<li><a title="Staffel ${season}" href="${seasonPath(series, season)}"${activeSeason === season ? ' class="active"' : ''}>${season}</a></li>`,
    )
    .join('\n');
  const episodeItems = (episodes ?? [])
    .map(
      (episode) =>
        `<li><a href="${episodePath(series, episode.season, episode.number)}" data-episode-id="${episodeId(series, episode)}" title="${escapeHtml(episode.titleEn)}"${activeEpisode === episode.number ? ' class="active"' : ''}>${episode.number}</a></li>`,
    )
    .join('\n');
  return `<div class="hosterSiteDirectNav" id="stream">
<ul>
<li><span><strong>Staffeln:</strong></span></li>
${seasonItems}
</ul>
<ul>
<li><span><strong>${activeSeason === 0 ? 'Filme' : 'Episoden'}:</strong></span></li>
${episodeItems}
</ul>
</div>`;
}

function episodeId(series: FixtureSeries, episode: FixtureEpisode): number {
  let hash = 0;
  for (const char of `${series.key}/${episode.season}/${episode.number}`) hash = (hash * 31 + char.charCodeAt(0)) % 900000;
  return 100000 + hash;
}

/** The site's English title: ours plus `[Episode 001]` (numbered across seasons), `[OVA]` or `[Movie]`. */
function englishTitle(series: FixtureSeries, episode: FixtureEpisode): string {
  const type = episode.type ?? (episode.season === 0 ? 'movie' : 'episode');
  if (type !== 'episode') return `${episode.titleEn} [${type === 'ova' ? 'OVA' : type === 'movie' ? 'Movie' : 'Special'}]`;
  let before = 0;
  for (const [season, list] of series.seasons) if (season > 0 && season < episode.season) before += list.length;
  return `${episode.titleEn} [Episode ${String(before + episode.number).padStart(3, '0')}]`;
}

/** The language tags the site files among the genres (`/genre/ger`). */
function languageTags(series: FixtureSeries): string[] {
  const offered = new Set([...series.seasons.values()].flat().flatMap((episode) => episode.languages));
  return (
    [
      [1, 'Ger'],
      [3, 'GerSub'],
      [2, 'EngSub'],
      [4, 'Eng'],
    ] as const
  )
    .filter(([lang]) => offered.has(lang))
    .map(([, tag]) => tag);
}

/** What the site shows instead of a page for a series, season or episode it does not have (with HTTP 200). */
export function renderNotFoundPage(): string {
  return layout('Nicht gefunden', `<div class="messageAlert danger"><p>Diese Seite gibt es hier nicht (mehr). Vielleicht hilft die Suche weiter.</p></div>`);
}

function episodeTable(series: FixtureSeries, season: number, episodes: readonly FixtureEpisode[]): string {
  // Film rows and some series escape their titles a second time on the real site.
  const title = (text: string) => (season === 0 || series.doubleEscapedTitles ? escapeHtml(escapeHtml(text)) : escapeHtml(text));
  const rows = episodes
    .map((episode, index) => {
      const path = episodePath(series, season, episode.number);
      const icons = episode.hosters.map((hoster) => `<i class="icon ${hoster}" title="${hoster}"></i>`).join('');
      const flags = episode.languages.map((lang) => `<img class="flag" src="${FLAG[lang].src}" alt="" title="${FLAG[lang].title}">`).join('\n');
      // Alternate the attribute order: the parser must not depend on it.
      const rowAttributes =
        index % 2 === 0
          ? `data-episode-id="${episodeId(series, episode)}" data-episode-season-id="${episode.number}" itemscope itemprop="episode" itemtype="http://schema.org/Episode"`
          : `itemtype="http://schema.org/Episode" itemprop="episode" itemscope data-episode-season-id="${episode.number}" data-episode-id="${episodeId(series, episode)}" class=""`;
      return `<tr ${rowAttributes}>
<td class="season${season}EpisodeID">${season === 0 ? '' : meta(series, `itemprop="episodeNumber" content="${episode.number}"`)}<a itemprop="url" href="${path}">${season === 0 ? 'Film' : 'Folge'} ${episode.number}</a></td>
<td class="seasonEpisodeTitle"><a href="${path}"><strong>${title(episode.titleDe)}</strong>${episode.titleDe === '' ? '' : ' -'} <span>${title(englishTitle(series, episode))}</span></a></td>
<td><a href="${path}">${icons}</a></td>
<td class="editFunctions"><a href="${path}">${flags}</a></td>
</tr>`;
    })
    .join('\n');
  return `<table class="seasonEpisodesList" data-season-id="${season}">
<thead><tr><th>Episode</th><th>Titel</th><th>Stream</th><th>Sprache</th></tr></thead>
<tbody id="season${season}" itemprop="containsSeason" itemscope itemtype="http://schema.org/CreativeWorkSeason">
${meta(series, `itemprop="seasonNumber" content="${season}"`)}
${rows}
</tbody>
</table>`;
}

function seriesHeader(series: FixtureSeries): string {
  const years =
    `<small><span itemprop="startDate"><a href="https://aniworld.to/animes/jahr/${series.startYear}">${series.startYear}</a></span>` +
    (series.endYear === null ? '' : ` - <span itemprop="endDate"><a href="https://aniworld.to/animes/jahr/${series.endYear}">${series.endYear}</a></span>`) +
    '</small>';
  // The language tags sit among the genres, after the main one, as on the real site.
  const shown = [...series.genres.slice(0, 1), ...languageTags(series), ...series.genres.slice(1)];
  const visibleGenres = shown.slice(0, 3);
  const hiddenCount = shown.length - visibleGenres.length;
  const genres =
    visibleGenres
      .map(
        (genre) =>
          `<li><a href="/genre/${encodeURIComponent(genre.toLowerCase())}" class="genreButton clearbutton" itemprop="genre">${escapeHtml(genre)}</a></li>`,
      )
      .join('') +
    shown
      .slice(3)
      .map(
        (genre) =>
          `<li style="display:none"><a itemprop="genre" class="genreButton clearbutton" href="/genre/${encodeURIComponent(genre.toLowerCase())}">${escapeHtml(genre)}</a></li>`,
      )
      .join('') +
    (hiddenCount > 0 ? `<li><a class="genreButton clearbutton showMoreGenres" itemprop="genre" href="#">+ ${hiddenCount}</a></li>` : '');
  const truncated = series.description.length > 40 ? `${series.description.slice(0, 40)}...` : series.description;
  return `<section class="seriesContentBox" itemscope itemtype="http://schema.org/TVSeries">
<div class="seriesCoverBox"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/public/img/cover/${series.key}-stream-cover-${series.startYear}_220x330.png" alt="${escapeHtml(series.name)}" itemprop="image" title="Cover"></div>
<div class="series-title">
<h1 itemprop="name" data-alternativetitles="${escapeHtml(series.alternativeTitles.join(', '))}"><span>${escapeHtml(series.name)}</span></h1>
${years}
${series.fsk === null ? '' : `<div class="fsk fsk${series.fsk}" data-fsk="${series.fsk}"></div>`}
${series.imdbId === null ? '' : `<a class="imdb-link" data-imdb="${series.imdbId}" href="https://www.imdb.com/title/${series.imdbId}" target="_blank">IMDB</a>`}
</div>
<p class="seri_des" itemprop="accountablePerson" data-description-type="review" data-full-description="${escapeHtml(series.description)}">${escapeHtml(truncated)}</p>
<div class="genres" data-more-genres-label="mehr"><ul>${genres}</ul></div>
${series.legacyLayout ? meta(series, `itemprop="numberOfSeasons" content="${series.seasons.size}"`) : ''}
${series.legacyLayout && series.seasons.has(0) ? `<div class="legacyMovies"><a href="${seasonPath(series, 0)}">Alle Filme</a></div>` : ''}
</section>`;
}

export function renderSeriesPage(series: FixtureSeries): string {
  const firstSeason = [...series.seasons.keys()].filter((season) => season > 0).sort((a, b) => a - b)[0] ?? 0;
  const episodes = series.seasons.get(firstSeason) ?? [];
  return layout(
    series.name,
    `${seriesHeader(series)}
${seasonNav(series, firstSeason, episodes, null)}
${episodeTable(series, firstSeason, episodes)}`,
  );
}

export function renderSeasonPage(series: FixtureSeries, season: number): string | undefined {
  const episodes = series.seasons.get(season);
  if (!episodes) return undefined;
  return layout(
    `${series.name} Staffel ${season}`,
    `${seriesHeader(series)}
${seasonNav(series, season, episodes, null)}
<!-- ad slot -->
${episodeTable(series, season, episodes)}`,
  );
}

export function renderEpisodePage(catalogue: Catalogue, series: FixtureSeries, season: number, number: number): string | undefined {
  const episode = series.seasons.get(season)?.find((candidate) => candidate.number === number);
  if (!episode) return undefined;
  const selected = episode.languages[0];
  const languageBox = episode.languages
    .map(
      (lang) =>
        `<img${lang === selected ? ' class="selectedLanguage"' : ''} src="${FLAG[lang].src}" data-lang-key="${lang}" title="${FLAG[lang].title}" alt="">`,
    )
    .join('\n');
  const items = catalogue
    .linksFor(series.key, season, number)
    .map(
      (
        link,
      ) => `<li class="col-md-3 col-xs-12 col-sm-6 episodeLink${link.id}" data-lang-key="${link.lang}" data-link-id="${link.id}" data-link-target="/redirect/${link.id}" data-external-embed="false"${link.lang === selected ? '' : ' style="display: none;"'}>
<div><a class="watchEpisode" itemprop="url" href="/redirect/${link.id}" target="_blank"><i class="icon ${link.hoster}" title="Hoster ${link.hoster}"></i><h4>${link.hoster}</h4><div class="hosterVideoButton">Video ansehen</div></a></div>
</li>`,
    )
    .join('\n');
  return layout(
    `${series.name} ${season === 0 ? `Film ${number}` : `Staffel ${season} Episode ${number}`}`,
    `${seriesHeader(series)}
${seasonNav(series, season, series.seasons.get(season) ?? [], number)}
<div class="hosterSiteTitle" data-episode-id="${episodeId(series, episode)}" data-season="${season}" data-episode="${number}">
<h2><span class="episodeGermanTitle">${escapeHtml(episode.titleDe)}</span> <small class="episodeEnglishTitle">${escapeHtml(englishTitle(series, episode))}</small></h2>
</div>
<div class="changeLanguageBox">${languageBox}</div>
<div class="hosterSiteVideo">
<ul class="row">
${items}
</ul>
</div>`,
  );
}

/** What the redirect endpoint sends when it distrusts the client. */
export function renderCaptchaPage(): string {
  return `<!DOCTYPE html><html><head><title>Verifizierung</title></head><body><div class="captcha-box"><h1>Bitte bestätige, dass du kein Roboter bist</h1><div class="g-recaptcha" data-sitekey="fixture"></div></div></body></html>`;
}
