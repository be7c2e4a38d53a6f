import { z } from 'zod';
import { optionalTimestamp, seriesKey } from './common.ts';

/** `{"<season>": [episode numbers]}` of what a monitored series misses. */
export const missingEpisodesSchema = z.record(z.string(), z.array(z.int().nonnegative()));

/** One series of `GET /api/anime`. */
export const animeSummarySchema = z.strictObject({
  key: seriesKey,
  name: z.string(),
  site: z.string(),
  folder: z.string(),
  link: z.string(),
  missing_episodes: missingEpisodesSchema,
  year: z.int().nullable(),
  end_year: z.int().nullable(),
  cover: z.string().nullable(),
  monitored: z.boolean(),
  /** Null: the first of downloads.languages. */
  preferred_language: z.string().nullable(),
  upgrade_language: z.boolean(),
  episode_count: z.int().nonnegative(),
  downloaded_count: z.int().nonnegative(),
  missing_count: z.int().nonnegative(),
  /** On disk in a lower language than the series wants, which the provider now offers. */
  upgradable_count: z.int().nonnegative(),
  provider_checked_at: optionalTimestamp,
  scanned_at: optionalTimestamp,
});
export type AnimeSummary = z.infer<typeof animeSummarySchema>;

export const episodeSchema = z.strictObject({
  season: z.int().nonnegative(),
  number: z.int().nonnegative(),
  title_de: z.string().nullable(),
  title_en: z.string().nullable(),
  type: z.enum(['episode', 'ova', 'movie', 'special']),
  /** Languages the provider offers it in. */
  languages: z.array(z.string()),
  on_provider: z.boolean(),
  downloaded: z.boolean(),
  file_path: z.string().nullable(),
  /** The language of the file on disk (null: unknown, or no file). */
  language: z.string().nullable(),
  size: z.number().nonnegative().nullable(),
  missing: z.boolean(),
  upgradable: z.boolean(),
});
export type Episode = z.infer<typeof episodeSchema>;

/** `GET /api/anime/{key}`: the summary, the metadata and the episodes by season. */
export const animeDetailSchema = z.strictObject({
  ...animeSummarySchema.shape,
  /** Whether upgrades run for this series and the language they aim for. */
  upgrades_enabled: z.boolean(),
  upgrade_cutoff: z.string(),
  folder_path: z.string(),
  description: z.string().nullable(),
  genres: z.array(z.string()),
  imdb_id: z.string().nullable(),
  age_rating: z.int().nullable(),
  season_count: z.int().nonnegative(),
  has_films: z.boolean(),
  episodes: z.record(z.string(), z.array(episodeSchema)),
});
export type AnimeDetail = z.infer<typeof animeDetailSchema>;

export const searchResultSchema = z.strictObject({
  key: seriesKey,
  name: z.string(),
  link: z.string(),
  cover: z.string().nullable(),
  year: z.int().nullable(),
  end_year: z.int().nullable(),
  description: z.string().nullable(),
  /** Already in the library. */
  added: z.boolean(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const scanRequestSchema = z.strictObject({ status: z.enum(['started', 'running']) });
export const seriesScanResultSchema = z.strictObject({ key: seriesKey, folder: z.string(), changed: z.boolean(), episodes: z.int().nonnegative() });
export const seriesRemovedSchema = z.strictObject({ key: seriesKey, folder: z.string(), files_deleted: z.boolean() });
/** `POST /api/anime/{key}/refresh`: what the refresh stored, and the series after it. */
export const seriesRefreshResultSchema = z.strictObject({
  key: seriesKey,
  folder: z.string(),
  seasons: z.int().nonnegative(),
  episodes: z.int().nonnegative(),
  anime: animeDetailSchema,
});
