import { z } from 'zod';
import { seriesKey } from './common.ts';

/** One file to move, relative to the series folder: the video (`episode`) or a file that moves along with it (`companion`). */
export const fileMoveSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  season: z.int().nonnegative(),
  episode: z.int().nonnegative(),
  kind: z.enum(['episode', 'companion']),
});
export type FileMove = z.infer<typeof fileMoveSchema>;

/** A move that is not made: the target exists, two files would share it, or it leaves the media folder. */
export const renameClashSchema = z.strictObject({
  ...fileMoveSchema.shape,
  reason: z.enum(['exists', 'duplicate', 'unsafe_path']),
  message: z.string(),
});
export type RenameClash = z.infer<typeof renameClashSchema>;
export type ClashReason = RenameClash['reason'];

/** GET /api/anime/{key}/rename: what Organize would move for one series. */
export const renamePlanSchema = z.strictObject({
  key: seriesKey,
  folder: z.string(),
  name: z.string(),
  moves: z.array(fileMoveSchema),
  clashes: z.array(renameClashSchema),
});
export type RenamePlan = z.infer<typeof renamePlanSchema>;

/** POST /api/anime/{key}/rename: the moves made, the clashes left alone, the moves that failed. */
export const renameResultSchema = z.strictObject({
  ...renamePlanSchema.shape,
  failed: z.array(z.strictObject({ ...fileMoveSchema.shape, message: z.string() })),
});
export type RenameResult = z.infer<typeof renameResultSchema>;
export type RenameFailure = RenameResult['failed'][number];

/** GET /api/rename: every series with something to move or a clash. */
export const libraryRenamePlanSchema = z.strictObject({
  series: z.array(renamePlanSchema),
  total_moves: z.int().nonnegative(),
  total_clashes: z.int().nonnegative(),
});
export type LibraryRenamePlan = z.infer<typeof libraryRenamePlanSchema>;

/** POST /api/rename */
export const libraryRenameResultSchema = z.strictObject({
  series: z.array(renameResultSchema),
  total_moves: z.int().nonnegative(),
  total_failed: z.int().nonnegative(),
});
export type LibraryRenameResult = z.infer<typeof libraryRenameResultSchema>;
