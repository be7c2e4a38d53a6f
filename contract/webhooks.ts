import { z } from 'zod';
import { optionalTimestamp, timestamp } from './common.ts';

/** A hook as the API shows it: secrets masked (`•••`), `has_secret` instead of the secret. */
export const webhookSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  kind: z.enum(['json', 'discord', 'ntfy', 'gotify', 'telegram', 'pushover', 'jellyfin', 'emby', 'plex']),
  events: z.array(z.string()),
  method: z.enum(['POST', 'PUT']),
  headers: z.record(z.string(), z.string()),
  options: z.strictObject({ chat_id: z.string().optional(), user_key: z.string().optional(), server_path: z.string().optional() }),
  enabled: z.boolean(),
  has_secret: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Webhook = z.infer<typeof webhookSchema>;

/** The answer of a test send; media servers add a stable `code` with `params` the panel words. */
export const webhookTestResultSchema = z.strictObject({
  success: z.boolean(),
  status_code: z.int().nullable(),
  latency_ms: z.number().nonnegative(),
  response_excerpt: z.string().nullable(),
  error: z.string().nullable(),
  code: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
});

export const webhookDeliverySchema = z.strictObject({
  id: z.string(),
  sequence: z.number(),
  event: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.int().nonnegative(),
  attempt_log: z.array(z.strictObject({ at: timestamp, status_code: z.int().nullable(), error: z.string().nullable(), latency_ms: z.number().nonnegative() })),
  last_status_code: z.int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: optionalTimestamp,
  created_at: timestamp,
  delivered_at: optionalTimestamp,
  /** What was (or will be) sent: `{event, timestamp, data}`. */
  payload: z.record(z.string(), z.unknown()),
});

export const webhookDeliveriesSchema = z.strictObject({
  items: z.array(webhookDeliverySchema),
  total: z.int().nonnegative(),
  page: z.int().positive(),
  per_page: z.int().positive(),
});
