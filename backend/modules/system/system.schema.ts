import { z } from 'zod';
import { LOG_LEVELS, type LogLevelName } from './logs.service.ts';

export const logsQuerySchema = z.object({
  lines: z.coerce.number().int().min(1).max(5000).default(200),
  level: z.enum(Object.keys(LOG_LEVELS) as [LogLevelName, ...LogLevelName[]]).optional(),
});

export type LogsQuery = z.infer<typeof logsQuerySchema>;

export const providerTestSchema = z
  .object({
    query: z.string().trim().min(1).max(100).default('naruto'),
  })
  .prefault({});

/** A scheduled task by its job name (`rescan-library`, ...); the service says which exist. */
export const taskParams = z.object({ name: z.string().regex(/^[a-z][a-z-]{0,63}$/, 'a task name is lowercase letters and dashes') });

/** A database backup's file name as the list shows it; nothing else can reach the backup folder. */
export const backupParams = z.object({
  name: z.string().regex(/^aniworld-\d{8}T\d{9}Z-[a-z0-9-]+\.db$/, 'a database backup is named like aniworld-20261124T031500000Z-manual.db'),
});
