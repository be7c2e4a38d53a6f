import { z } from 'zod';
import { LANGUAGES } from '../../providers/provider.ts';

const seriesKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,199}$/, 'not a series key');
const season = z.coerce.number().int().min(0).max(100_000);

/**
 * What the wanted list shows. `missing`: the provider lists the episode, no file is on disk.
 * `upgradable`: the file on disk is in a lower language than the series wants, and the provider
 * now offers the wanted one (series/language-upgrade.ts). Two separate lists, as Sonarr's
 * "Missing" and "Cutoff Unmet".
 */
export const WANTED_KINDS = ['missing', 'upgradable'] as const;
export type WantedKind = (typeof WANTED_KINDS)[number];

/** The filters of the list; `download all` takes the same ones. */
const filters = {
  kind: z.enum(WANTED_KINDS).default('missing'),
  series: seriesKey.optional(),
  season: season.optional(),
  /** Only episodes the provider offers in this language. */
  language: z.enum(LANGUAGES).optional(),
};

export const wantedQuerySchema = z.object({
  ...filters,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const wantedDownloadSchema = z.union(
  [
    z.strictObject({
      episodes: z
        .array(z.strictObject({ key: seriesKey, season: z.number().int().min(0).max(100_000), episode: z.number().int().min(1).max(100_000) }))
        .min(1)
        .max(5000),
      /** Which list the selection comes from (an upgrade downloads the wanted language and replaces the file). */
      kind: filters.kind,
      /** The language to download in (missing episodes); the queue's preference order when left out. */
      language: z.enum(LANGUAGES).nullable().optional(),
      priority: z.number().int().min(-100).max(100).optional(),
    }),
    z.strictObject({
      all: z.literal(true),
      kind: filters.kind,
      series: filters.series,
      season: z.number().int().min(0).max(100_000).optional(),
      language: filters.language,
      priority: z.number().int().min(-100).max(100).optional(),
    }),
  ],
  { error: 'give either `episodes` (a selection) or `all: true` with the filters of the list' },
);

export type WantedQuery = z.infer<typeof wantedQuerySchema>;
export type WantedFilter = Omit<WantedQuery, 'offset' | 'limit'>;
export type WantedDownloadInput = z.infer<typeof wantedDownloadSchema>;
