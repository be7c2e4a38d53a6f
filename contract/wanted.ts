import { z } from 'zod';
import { seriesKey } from './common.ts';

/** One wanted episode: missing (no file) or upgradable (a file in a lower language than wanted). */
export const wantedEpisodeSchema = z.strictObject({
  key: seriesKey,
  folder: z.string(),
  series_name: z.string(),
  season: z.int().nonnegative(),
  episode: z.int().nonnegative(),
  title_de: z.string().nullable(),
  title_en: z.string().nullable(),
  type: z.string(),
  /** The languages the provider offers it in. */
  languages: z.array(z.string()),
  /** Pending, downloading or paused in the queue (in any language). */
  queued: z.boolean(),
  /** Upgradable only (null when missing): the language of the file on disk and the one an upgrade downloads. */
  file_language: z.string().nullable(),
  upgrade_to: z.string().nullable(),
});
export type WantedEpisode = z.infer<typeof wantedEpisodeSchema>;

/** GET /api/wanted: a page of the list, with every series that has wanted episodes (for the series filter). */
export const wantedPageSchema = z.strictObject({
  kind: z.enum(['missing', 'upgradable']),
  total: z.int().nonnegative(),
  offset: z.int().nonnegative(),
  limit: z.int().positive(),
  series: z.array(z.strictObject({ key: seriesKey, name: z.string(), count: z.int().positive() })),
  items: z.array(wantedEpisodeSchema),
});
export type WantedPage = z.infer<typeof wantedPageSchema>;

const skippedEpisodeSchema = z.strictObject({ season: z.int().nonnegative(), episode: z.int().nonnegative(), reason: z.string() });
const failureSchema = z.strictObject({ code: z.string(), message: z.string() });

/** POST /api/wanted/download: what each series queued and skipped, or why it failed. */
export const wantedDownloadResultSchema = z.strictObject({
  queued: z.int().nonnegative(),
  skipped: z.int().nonnegative(),
  results: z.array(z.discriminatedUnion('ok', [
    z.strictObject({ key: z.string(), ok: z.literal(true), item_ids: z.array(z.string()), skipped: z.array(skippedEpisodeSchema) }),
    z.strictObject({ key: z.string(), ok: z.literal(false), error: failureSchema }),
  ])),
});
export type WantedDownloadResult = z.infer<typeof wantedDownloadResultSchema>;

/** POST /api/anime/bulk: one outcome per series; what a success carries depends on the action. */
export const seriesBulkResultSchema = z.strictObject({
  action: z.enum(['monitor', 'unmonitor', 'refresh', 'download_missing']),
  succeeded: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  results: z.array(z.union([
    z.strictObject({ key: z.string(), ok: z.literal(true), monitored: z.boolean() }),
    z.strictObject({ key: z.string(), ok: z.literal(true), seasons: z.int().nonnegative(), episodes: z.int().nonnegative() }),
    z.strictObject({ key: z.string(), ok: z.literal(true), item_ids: z.array(z.string()), skipped: z.int().nonnegative() }),
    z.strictObject({ key: z.string(), ok: z.literal(false), error: failureSchema }),
  ])),
});
export type SeriesBulkResult = z.infer<typeof seriesBulkResultSchema>;
