import { z } from 'zod';
import { seriesKey, timestamp } from './common.ts';

const suggestionSchema = z.strictObject({
  key: seriesKey,
  name: z.string(),
  link: z.string(),
  cover: z.string().nullable(),
  year: z.int().nullable(),
  description: z.string().nullable(),
});

/** A folder no series owns, with what the provider search suggests for it. */
export const importCandidateSchema = z.strictObject({
  folder: z.string(),
  /** What the provider search was asked. */
  query: z.string(),
  episode_files: z.int().nonnegative(),
  /** The key a `.aniworld.json` or `key` file in the folder names. */
  linked_key: seriesKey.nullable(),
  suggestions: z.array(suggestionSchema),
  /** The suggestion "Import all" would take, and why; null when a person must choose. */
  match: z.strictObject({ key: seriesKey, reason: z.enum(['linked', 'exact_title', 'single_result']) }).nullable(),
  error: z.string().nullable(),
});

/** `GET /api/anime/import` */
export const importCandidatesSchema = z.strictObject({
  total: z.int().nonnegative(),
  offset: z.int().nonnegative(),
  limit: z.int().positive(),
  /** How many folders are ignored (not in `items`). */
  ignored: z.int().nonnegative(),
  items: z.array(importCandidateSchema),
});
export type ImportCandidates = z.infer<typeof importCandidatesSchema>;

const failure = z.strictObject({ code: z.string(), message: z.string() });

/** `POST /api/anime/import/all`: each folder reports its own outcome. */
export const importAllResultSchema = z.strictObject({
  imported: z.array(z.strictObject({ folder: z.string(), key: seriesKey, name: z.string(), reason: z.string() })),
  skipped: z.array(z.strictObject({ folder: z.string(), reason: z.string() })),
  failed: z.array(z.strictObject({ folder: z.string(), key: seriesKey.nullable(), error: failure })),
});

export const ignoredFoldersSchema = z.strictObject({ folders: z.array(z.strictObject({ folder: z.string(), ignored_at: timestamp })) });
export const folderIgnoredSchema = z.strictObject({ folder: z.string(), ignored: z.boolean() });

/** `POST /api/anime/bulk`: one outcome per key; what a success carries depends on the action. */
export const bulkResultSchema = z.strictObject({
  action: z.enum(['monitor', 'unmonitor', 'refresh', 'download_missing']),
  succeeded: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  results: z.array(
    z.union([
      z.strictObject({
        key: z.string(),
        ok: z.literal(true),
        monitored: z.boolean().optional(),
        seasons: z.int().nonnegative().optional(),
        episodes: z.int().nonnegative().optional(),
        item_ids: z.array(z.string()).optional(),
        skipped: z.int().nonnegative().optional(),
      }),
      z.strictObject({ key: z.string(), ok: z.literal(false), error: failure }),
    ]),
  ),
});

/** `POST /api/anime/naming/preview` */
export const namingPreviewResultSchema = z.strictObject({
  examples: z.array(z.strictObject({ series: z.string(), season: z.int().nonnegative(), episode: z.int().nonnegative(), path: z.string() })),
});
export type ImportCandidate = z.infer<typeof importCandidateSchema>;
export type ImportAllResult = z.infer<typeof importAllResultSchema>;
export type IgnoredFolders = z.infer<typeof ignoredFoldersSchema>;
export type FolderIgnored = z.infer<typeof folderIgnoredSchema>;
export type BulkResult = z.infer<typeof bulkResultSchema>;
