import { z } from 'zod';
import { LOG_LEVELS, type LogLevelName } from './logs.service.ts';

export const logsQuerySchema = z.object({
  lines: z.coerce.number().int().min(1).max(5000).default(200),
  level: z.enum(Object.keys(LOG_LEVELS) as [LogLevelName, ...LogLevelName[]]).optional(),
});

export type LogsQuery = z.infer<typeof logsQuerySchema>;

export const providerTestSchema = z.object({
  query: z.string().trim().min(1).max(100).default('naruto'),
}).prefault({});
