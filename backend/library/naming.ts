import { sanitizeName, MAX_NAME_BYTES } from './safe-path.ts';

/**
 * Sonarr-style naming templates. Tokens (names case-insensitive):
 * `{Series Title}`, `{Year}`, `{season}` / `{season:00}`, `{episode}` / `{episode:00}` / `{episode:000}`,
 * `{Episode Title}`, `{Language}`. The number after the colon is the zero padding.
 * A template renders to ONE path component: separators in the result are sanitised away.
 * Separators left dangling by an empty token (" - " before nothing, "()" around nothing) are removed.
 */
export interface NamingValues {
  readonly seriesTitle: string;
  readonly year: number | null;
  readonly season: number;
  readonly episode: number;
  readonly episodeTitle: string | null;
  readonly language: string | null;
}

export interface NamingTemplates {
  readonly episode_template: string;
  readonly season_folder_template: string;
}

const TOKEN = /\{([^{}:]+)(?::(0+))?\}/g;
const KNOWN_TOKENS = new Set(['series title', 'year', 'season', 'episode', 'episode title', 'language']);

export class TemplateError extends Error {}

/** Names of tokens the template uses that we do not know; empty when the template is fine. */
export function unknownTokens(template: string): string[] {
  const unknown: string[] = [];
  for (const match of template.matchAll(TOKEN)) {
    if (!KNOWN_TOKENS.has(match[1].trim().toLowerCase())) unknown.push(match[0]);
  }
  return unknown;
}

export function renderTemplate(template: string, values: NamingValues): string {
  const rendered = template.replace(TOKEN, (whole, rawName: string, padding: string | undefined) => {
    const name = rawName.trim().toLowerCase();
    const pad = (value: number) => String(value).padStart(padding?.length ?? 1, '0');
    switch (name) {
      case 'series title':
        return values.seriesTitle;
      case 'year':
        return values.year === null ? '' : String(values.year);
      case 'season':
        return pad(values.season);
      case 'episode':
        return pad(values.episode);
      case 'episode title':
        return values.episodeTitle ?? '';
      case 'language':
        return values.language ?? '';
      default:
        throw new TemplateError(`Unknown token ${whole}`);
    }
  });
  return tidy(rendered);
}

function tidy(text: string): string {
  return text
    .replace(/\(\s*\)|\[\s*\]/g, '')
    .replace(/(\s*-\s*){2,}/g, ' - ')
    .replace(/^\s*-\s+|\s+-\s*$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The file name (sanitised, extension included and kept within the byte limit) for one episode. */
export function episodeFileName(template: string, values: NamingValues, extension: string): string {
  const ext = `.${extension.toLowerCase()}`;
  return `${sanitizeName(renderTemplate(template, values), MAX_NAME_BYTES - Buffer.byteLength(ext))}${ext}`;
}

export function seasonFolderName(template: string, values: NamingValues): string {
  return sanitizeName(renderTemplate(template, values));
}

/** The series folder on add: "Title (Year)" or "Title". */
export function seriesFolderName(title: string, year: number | null): string {
  return sanitizeName(year === null ? title : `${title} (${year})`);
}

/**
 * The episode title matching the language: English titles for English audio or subtitles,
 * German otherwise, falling back to the other one.
 */
export function episodeTitleFor(language: string | null, titleDe: string | null, titleEn: string | null): string | null {
  const english = language?.startsWith('English') ?? false;
  const first = english ? titleEn : titleDe;
  const second = english ? titleDe : titleEn;
  return first?.trim() || second?.trim() || null;
}

const PREVIEW_SAMPLES: readonly NamingValues[] = [
  { seriesTitle: "Frieren: Beyond Journey's End", year: 2023, season: 1, episode: 1, episodeTitle: "The Journey's End", language: 'German Dub' },
  { seriesTitle: 'Re:Zero - Starting Life in Another World', year: 2016, season: 2, episode: 13, episodeTitle: null, language: 'English Sub' },
  { seriesTitle: 'Demon Slayer', year: 2019, season: 0, episode: 2, episodeTitle: 'Mugen Train', language: 'German Sub' },
];

export interface NamingPreview {
  readonly series: string;
  readonly season: number;
  readonly episode: number;
  readonly path: string;
}

/** Example relative paths for the panel's live preview; throws TemplateError for unknown tokens. */
export function previewNaming(templates: NamingTemplates, samples: readonly NamingValues[] = PREVIEW_SAMPLES): NamingPreview[] {
  const unknown = [...unknownTokens(templates.episode_template), ...unknownTokens(templates.season_folder_template)];
  if (unknown.length > 0) throw new TemplateError(`Unknown token${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  return samples.map((sample) => ({
    series: sample.seriesTitle,
    season: sample.season,
    episode: sample.episode,
    path: [
      seriesFolderName(sample.seriesTitle, sample.year),
      seasonFolderName(templates.season_folder_template, sample),
      episodeFileName(templates.episode_template, sample, 'mp4'),
    ].join('/'),
  }));
}
