import { z } from 'zod';
import { seriesKey, timestamp } from './common.ts';

/** What the activity log keeps, one type per kind of happening. */
export const ACTIVITY_TYPES = [
  'series_added',
  'series_imported',
  'series_removed',
  'series_refreshed',
  'scan_complete',
  'scan_failed',
  'download_started',
  'download_complete',
  'download_failed',
  'episode_upgraded',
  'episodes_renamed',
  'provider_check',
  'health_issue',
  'settings_changed',
] as const;
export const activityTypeSchema = z.enum(ACTIVITY_TYPES);
export type ActivityType = z.infer<typeof activityTypeSchema>;

/** One entry: `data` holds the happening's details (numbers, names, languages; never a URL, a path or a secret). */
export const activityItemSchema = z.strictObject({
  id: z.int().positive(),
  type: activityTypeSchema,
  timestamp,
  key: seriesKey.nullable(),
  folder: z.string().nullable(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
});
export type ActivityItem = z.infer<typeof activityItemSchema>;

/** GET /api/activity: newest first. */
export const activityPageSchema = z.strictObject({
  total: z.int().nonnegative(),
  offset: z.int().nonnegative(),
  limit: z.int().positive(),
  items: z.array(activityItemSchema),
});
export type ActivityPage = z.infer<typeof activityPageSchema>;
