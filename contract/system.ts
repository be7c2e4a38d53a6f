import { z } from 'zod';
import { optionalTimestamp, timestamp } from './common.ts';

/** A scheduled task (`rescan-library`, `refresh-series`, `prune-sessions`) as the System page lists it. */
export const scheduledTaskSchema = z.strictObject({
  name: z.string(),
  /** `repeating` (waits for its next run), `running`, `paused`, or `off` (its interval is 0). */
  state: z.enum(['repeating', 'running', 'paused', 'off']),
  running: z.boolean(),
  next_run_at: optionalTimestamp,
  last_run_at: optionalTimestamp,
  last_error: z.string().nullable(),
});
export type ScheduledTask = z.infer<typeof scheduledTaskSchema>;

export const scheduledTasksSchema = z.strictObject({ tasks: z.array(scheduledTaskSchema) });

export const checklistItemIdSchema = z.enum(['provider', 'media', 'languages', 'connection']);
export type ChecklistItemId = z.infer<typeof checklistItemIdSchema>;

/** The first-run checklist of the library page. */
export const checklistSchema = z.strictObject({
  dismissed: z.boolean(),
  complete: z.boolean(),
  items: z.array(
    z.strictObject({
      id: checklistItemIdSchema,
      done: z.boolean(),
      /** What is wrong or what is set, in the server's words (the panel words the item itself). */
      detail: z.string().nullable(),
    }),
  ),
});
export type Checklist = z.infer<typeof checklistSchema>;
export type ChecklistItem = Checklist['items'][number];

/** A database backup file in the config folder's backups. */
export const databaseBackupSchema = z.strictObject({
  name: z.string().regex(/^aniworld-\d{8}T\d{9}Z-[a-z0-9-]+\.db$/),
  kind: z.literal('database'),
  /** `manual`, `upload`, `pre-migration`, `pre-restore`. */
  reason: z.string(),
  created_at: timestamp,
  size: z.int().nonnegative(),
});
export type DatabaseBackup = z.infer<typeof databaseBackupSchema>;

export const databaseBackupListSchema = z.strictObject({
  backups: z.array(databaseBackupSchema),
  /** How many the rotation keeps (settings.backups.database_keep). */
  keep: z.int().positive(),
});

export const databaseRestoreSchema = z.strictObject({
  kind: z.literal('database'),
  restored: z.string(),
  /** The database as it was before the restore, saved as a backup. */
  safety_backup: z.string(),
  /** Migrations of this version the backup lacked, applied right after it. */
  migrations_applied: z.int().nonnegative(),
});
export type DatabaseRestore = z.infer<typeof databaseRestoreSchema>;
