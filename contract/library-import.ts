import { z } from 'zod';
import { seriesKey, timestamp } from './common.ts';

/** Why "Import all" may take a suggestion without asking (backend/modules/series/import-match.ts). */
export const importMatchReasonSchema = z.enum(['linked', 'exact_title', 'single_result']);
export type ImportMatchReason = z.infer<typeof importMatchReasonSchema>;

export const importCandidateSchema = z.strictObject({
  folder: z.string(),
  query: z.string(),
  episode_files: z.int().nonnegative(),
  linked_key: seriesKey.nullable(),
  suggestions: z.array(z.strictObject({ key: seriesKey, name: z.string(), link: z.string(), cover: z.string().nullable(), year: z.int().nullable(), description: z.string().nullable() })),
  match: z.strictObject({ key: seriesKey, reason: importMatchReasonSchema }).nullable(),
  error: z.string().nullable(),
});
export type ImportCandidate = z.infer<typeof importCandidateSchema>;

/** GET /api/anime/import: a page of the folders no series owns and nobody ignored. */
export const importCandidatesSchema = z.strictObject({
  total: z.int().nonnegative(),
  offset: z.int().nonnegative(),
  limit: z.int().positive(),
  /** How many folders are ignored (listed by GET /api/anime/import/ignored). */
  ignored: z.int().nonnegative(),
  items: z.array(importCandidateSchema),
});
export type ImportCandidates = z.infer<typeof importCandidatesSchema>;

/** POST /api/anime/import/all. */
export const importAllResultSchema = z.strictObject({
  imported: z.array(z.strictObject({ folder: z.string(), key: seriesKey, name: z.string(), reason: importMatchReasonSchema })),
  skipped: z.array(z.strictObject({ folder: z.string(), reason: z.string() })),
  failed: z.array(z.strictObject({ folder: z.string(), key: seriesKey.nullable(), error: z.strictObject({ code: z.string(), message: z.string() }) })),
});
export type ImportAllResult = z.infer<typeof importAllResultSchema>;

export const ignoredFoldersSchema = z.strictObject({
  folders: z.array(z.strictObject({ folder: z.string(), ignored_at: timestamp })),
});
export type IgnoredFolders = z.infer<typeof ignoredFoldersSchema>;

export const ignoreFolderResultSchema = z.strictObject({ folder: z.string(), ignored: z.boolean() });
export type IgnoreFolderResult = z.infer<typeof ignoreFolderResultSchema>;
