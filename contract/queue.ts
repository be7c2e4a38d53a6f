import { z } from 'zod';
import { optionalTimestamp, seriesKey, timestamp } from './common.ts';

export const downloadStatusSchema = z.enum(['pending', 'downloading', 'paused', 'completed', 'failed', 'cancelled']);
export type DownloadStatus = z.infer<typeof downloadStatusSchema>;

/** One shape for a transfer's progress, in queue items and in `download_progress` events alike. */
export const downloadProgressSchema = z.strictObject({
  /** 0..100 */
  percent: z.number().min(0).max(100),
  downloaded_bytes: z.number().nonnegative(),
  total_bytes: z.number().nonnegative().nullable(),
  downloaded_mb: z.number().nonnegative(),
  total_mb: z.number().nonnegative().nullable(),
  speed_bytes_per_second: z.number().nonnegative(),
  /** MB/s (MiB), two decimals. */
  speed_mbps: z.number().nonnegative(),
  /** Null when unknown or when the item is not downloading. */
  eta_seconds: z.number().nonnegative().nullable(),
});
export type DownloadProgress = z.infer<typeof downloadProgressSchema>;

/** One queued episode. `serie_name` keeps the original application's name; the series is `key`/`folder`. */
export const downloadItemSchema = z.strictObject({
  id: z.string(),
  key: seriesKey,
  folder: z.string(),
  serie_name: z.string(),
  season: z.int().nonnegative(),
  episode: z.int().nonnegative(),
  status: downloadStatusSchema,
  priority: z.number(),
  /** The language asked for (null: the series' or the default preference). */
  language: z.string().nullable(),
  /** `upgrade`: the file replaces one on disk in `upgrade_from` (a lower language). */
  kind: z.enum(['download', 'upgrade']),
  upgrade_from: z.string().nullable(),
  /** The language the file was downloaded in. */
  language_used: z.string().nullable(),
  hoster: z.string().nullable(),
  progress: downloadProgressSchema,
  attempts: z.int().nonnegative(),
  error: z.string().nullable(),
  file_path: z.string().nullable(),
  added_at: optionalTimestamp,
  updated_at: optionalTimestamp,
  started_at: optionalTimestamp,
  completed_at: optionalTimestamp,
});
export type DownloadItem = z.infer<typeof downloadItemSchema>;

/** Set while an outage holds the queue: the provider is unwell or the disk is full. */
export const queueHoldSchema = z.strictObject({
  reason: z.enum(['provider', 'disk_full']),
  /** The real cause first, for a person. */
  message: z.string(),
  since: timestamp,
  next_try_at: timestamp,
  tries: z.int().nonnegative(),
});
export type QueueHold = z.infer<typeof queueHoldSchema>;

export const queueStateSchema = z.strictObject({ is_running: z.boolean(), is_paused: z.boolean() });
export type QueueState = z.infer<typeof queueStateSchema>;

export const queueStatisticsSchema = z.strictObject({
  total_items: z.int().nonnegative(),
  pending_count: z.int().nonnegative(),
  paused_count: z.int().nonnegative(),
  active_count: z.int().nonnegative(),
  completed_count: z.int().nonnegative(),
  failed_count: z.int().nonnegative(),
  total_downloaded_mb: z.number().nonnegative(),
  current_speed_mbps: z.number().nonnegative(),
  concurrency: z.int().positive(),
  /** 0: no limit. */
  speed_limit_bytes_per_second: z.number().nonnegative(),
});

/** `GET /api/queue/status` */
export const queueStatusSchema = z.strictObject({
  ...queueStateSchema.shape,
  waiting: queueHoldSchema.nullable(),
  active_downloads: z.array(downloadItemSchema),
  /** Pending and paused items, in the order they run. */
  pending_queue: z.array(downloadItemSchema),
  completed_downloads: z.array(downloadItemSchema),
  /** Failed and cancelled items. */
  failed_downloads: z.array(downloadItemSchema),
  statistics: queueStatisticsSchema,
});
export type QueueStatus = z.infer<typeof queueStatusSchema>;

/** `POST /api/queue/add` (201) and `POST /api/queue/add-missing` (201). */
export const queueAddResultSchema = z.strictObject({
  status: z.literal('ok'),
  message: z.string(),
  /** The queued items (one per episode that was not skipped). */
  item_ids: z.array(z.string()),
  /** Episodes already open in the same language. */
  skipped: z.array(z.strictObject({ season: z.int().nonnegative(), episode: z.int().nonnegative(), reason: z.string() })),
});
export type QueueAddResult = z.infer<typeof queueAddResultSchema>;

export const queueRemoveResultSchema = z.strictObject({ id: z.string(), removed: z.literal(true) });
export const queueRetryResultSchema = z.strictObject({ retried: z.array(z.string()) });
export const queueClearResultSchema = z.strictObject({ removed: z.int().nonnegative() });
export const queueReorderResultSchema = z.strictObject({ order: z.array(z.string()) });
