import { z } from 'zod';
import { seriesKey } from './common.ts';

/** One episode of `GET /api/wanted`: missing (no file) or upgradable (a file in a lower language than wanted). */
export const wantedEpisodeSchema = z.strictObject({
  key: seriesKey,
  folder: z.string(),
  series_name: z.string(),
  season: z.int().nonnegative(),
  episode: z.int().nonnegative(),
  title_de: z.string().nullable(),
  title_en: z.string().nullable(),
  type: z.string(),
  /** What the provider offers it in. */
  languages: z.array(z.string()),
  /** Already pending, downloading or paused in the queue (in any language). */
  queued: z.boolean(),
  /** Upgradable only (null when missing): the language of the file on disk and the one an upgrade downloads. */
  file_language: z.string().nullable(),
  upgrade_to: z.string().nullable(),
});
export type WantedEpisode = z.infer<typeof wantedEpisodeSchema>;

/** `GET /api/wanted`: a page of wanted episodes, and every series with its count (for the filter). */
export const wantedPageSchema = z.strictObject({
  kind: z.enum(['missing', 'upgradable']),
  total: z.int().nonnegative(),
  offset: z.int().nonnegative(),
  limit: z.int().positive(),
  series: z.array(z.strictObject({ key: seriesKey, name: z.string(), count: z.int().nonnegative() })),
  items: z.array(wantedEpisodeSchema),
});
export type WantedPage = z.infer<typeof wantedPageSchema>;

/** `POST /api/wanted/download`: per series, the queued items or why it failed. */
export const wantedDownloadResultSchema = z.strictObject({
  queued: z.int().nonnegative(),
  skipped: z.int().nonnegative(),
  results: z.array(
    z.union([
      z.strictObject({
        key: seriesKey,
        ok: z.literal(true),
        item_ids: z.array(z.string()),
        skipped: z.array(z.strictObject({ season: z.int().nonnegative(), episode: z.int().nonnegative(), reason: z.string() })),
      }),
      z.strictObject({ key: seriesKey, ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});
export type WantedDownloadResult = z.infer<typeof wantedDownloadResultSchema>;
