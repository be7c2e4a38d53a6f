import type { Catalogue, FixtureSeries } from './catalogue.ts';
import { escapeHtml } from './pages.ts';

/** PHP's json_encode escapes slashes; the real answers carry `\/`. */
function phpJson(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

function matches(catalogue: Catalogue, keyword: string): FixtureSeries[] {
  const needle = keyword.trim().toLowerCase();
  if (needle === '') return [];
  return catalogue.series.filter((series) => [series.name, series.key, ...series.alternativeTitles].some((text) => text.toLowerCase().includes(needle)));
}

function highlight(text: string, keyword: string): string {
  const escaped = escapeHtml(text);
  const index = escaped.toLowerCase().indexOf(escapeHtml(keyword.trim()).toLowerCase());
  if (index < 0 || keyword.trim() === '') return escaped;
  const length = escapeHtml(keyword.trim()).length;
  return `${escaped.slice(0, index)}<em>${escaped.slice(index, index + length)}</em>${escaped.slice(index + length)}`;
}

/**
 * `POST /ajax/search`: series roots, then an episode link of the first hit (duplicate key) and an
 * unrelated support page, as the real answer mixes them.
 */
export function currentSearchAnswer(catalogue: Catalogue, keyword: string): string {
  const hits = matches(catalogue, keyword);
  const entries: { title: string; description: string; link: string }[] = hits.map((series) => ({
    title: highlight(series.name, keyword),
    description: escapeHtml(series.description),
    link: `/anime/stream/${series.key}`,
  }));
  if (hits.length > 0) {
    entries.push({ title: `${highlight(hits[0].name, keyword)} Staffel 1 Folge 1`, description: '', link: `/anime/stream/${hits[0].key}/staffel-1/episode-1` });
    entries.push({ title: `Frage zu <em>${escapeHtml(keyword)}</em>`, description: 'Support', link: '/support/frage/123' });
    entries.push({ title: highlight(hits[0].name, keyword), description: 'again', link: `/anime/stream/${hits[0].key}` });
  }
  return phpJson(entries);
}

/** `GET /ajax/seriesSearch?keyword=`: the older answer with bare slugs and years. */
export function legacySearchAnswer(catalogue: Catalogue, keyword: string): string {
  return phpJson(
    matches(catalogue, keyword).map((series) => ({
      name: escapeHtml(series.name),
      link: series.key,
      description: escapeHtml(series.description),
      cover: `/public/img/cover/${series.key}-stream-cover-${series.startYear}_150x225.jpg`,
      productionYear: series.endYear === null ? `(${series.startYear})` : `(${series.startYear} - ${series.endYear})`,
    })),
  );
}
