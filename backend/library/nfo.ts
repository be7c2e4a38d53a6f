/** What tvshow.nfo says about a series (Kodi / Jellyfin / Emby read this format). */
export interface NfoSeries {
  readonly key: string;
  readonly name: string;
  readonly originalTitle: string | null;
  readonly year: number | null;
  readonly endYear: number | null;
  readonly description: string | null;
  readonly genres: readonly string[];
  readonly imdbId: string | null;
  readonly ageRating: number | null;
  readonly link: string;
  /** File name of the poster next to the NFO, if there is one. */
  readonly poster: string | null;
}

export function renderTvshowNfo(series: NfoSeries): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', '<tvshow>'];
  const add = (tag: string, value: string | number | null, attributes = '') => {
    if (value === null || value === '') return;
    lines.push(`  <${tag}${attributes}>${escapeXml(String(value))}</${tag}>`);
  };
  add('title', series.name);
  add('originaltitle', series.originalTitle ?? series.name);
  add('sorttitle', series.name);
  add('year', series.year);
  add('premiered', series.year === null ? null : `${series.year}-01-01`);
  add('plot', series.description);
  add('outline', series.description);
  for (const genre of series.genres) add('genre', genre);
  add('mpaa', series.ageRating === null ? null : `FSK ${series.ageRating}`);
  add('status', series.endYear === null ? 'Continuing' : 'Ended');
  if (series.imdbId) add('uniqueid', series.imdbId, ' type="imdb" default="true"');
  add('uniqueid', series.key, series.imdbId ? ' type="aniworld"' : ' type="aniworld" default="true"');
  if (series.imdbId) add('imdb_id', series.imdbId);
  if (series.poster) add('thumb', series.poster, ' aspect="poster"');
  lines.push('</tvshow>', '');
  return lines.join('\n');
}

/** XML 1.0 text: the five entities, and characters XML forbids (control characters) dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
