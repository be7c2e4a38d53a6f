import { z } from 'zod';
import { seriesKey, timestamp } from './common.ts';
import { downloadProgressSchema, queueHoldSchema, queueStateSchema } from './queue.ts';

/** What every download_* event says about its item. */
const itemFields = {
  item_id: z.string(),
  key: seriesKey,
  folder: z.string(),
  season: z.int().nonnegative(),
  episode: z.int().nonnegative(),
};

const seriesScope = { scope: z.literal('series'), key: seriesKey, folder: z.string() };

/** The summary of a whole-library scan (also `POST /api/anime/rescan`'s answer once it finished). */
export const libraryScanSummarySchema = z.strictObject({
  folders: z.int().nonnegative(),
  series: z.int().nonnegative(),
  changed: z.int().nonnegative(),
  linked: z.int().nonnegative(),
  unknown_folders: z.array(z.string()),
  episodes_added: z.int().nonnegative(),
  episodes_updated: z.int().nonnegative(),
  episodes_removed: z.int().nonnegative(),
  duration_ms: z.int().nonnegative(),
});

/**
 * The payload (`data`) of every domain event, by type. The bus, the WebSocket hub and the webhook
 * outbox carry exactly these; the panel reads them.
 */
export const eventSchemas = {
  download_added: z.strictObject({
    ...itemFields,
    serie_name: z.string(),
    priority: z.number(),
    language: z.string().nullable(),
    /** Only on language upgrades (`upgrade`, with the language of the file it replaces). */
    kind: z.literal('upgrade').optional(),
    upgrade_from: z.string().nullable().optional(),
  }),
  /** A download attempt began (the item is now downloading). */
  download_started: z.strictObject({ ...itemFields, serie_name: z.string(), attempt: z.int().positive(), language: z.string().nullable() }),
  download_progress: z.strictObject({ ...itemFields, progress: downloadProgressSchema }),
  download_complete: z.strictObject({
    ...itemFields,
    serie_name: z.string(),
    file_path: z.string(),
    size: z.number().nonnegative(),
    hoster: z.string(),
    language: z.string(),
  }),
  download_failed: z.strictObject({ ...itemFields, serie_name: z.string(), error: z.string(), attempts: z.int().nonnegative() }),
  download_removed: z.strictObject(itemFields),
  /** An upgrade completed: the episode's file in `from_language` was replaced by one in `to_language`. */
  episode_upgraded: z.strictObject({
    ...itemFields,
    serie_name: z.string(),
    from_language: z.string(),
    to_language: z.string(),
    file_path: z.string(),
    previous_file_path: z.string().nullable(),
    size: z.number().nonnegative(),
    hoster: z.string(),
  }),

  queue_started: queueStateSchema,
  queue_stopped: queueStateSchema,
  queue_paused: queueStateSchema,
  queue_resumed: queueStateSchema,
  /** After every change of the queue's state or its hold. */
  queue_status: z.strictObject({ ...queueStateSchema.shape, active: z.int().nonnegative(), waiting: queueHoldSchema.nullable() }),

  scan_started: z.discriminatedUnion('scope', [z.strictObject({ scope: z.literal('library') }), z.strictObject(seriesScope)]),
  scan_progress: z.strictObject({ current: z.int().nonnegative(), total: z.int().nonnegative(), folder: z.string(), key: seriesKey.optional() }),
  scan_complete: z.discriminatedUnion('scope', [
    z.strictObject({ scope: z.literal('library'), ...libraryScanSummarySchema.shape }),
    z.strictObject({ ...seriesScope, changed: z.boolean(), episodes: z.int().nonnegative() }),
  ]),
  scan_failed: z.discriminatedUnion('scope', [
    z.strictObject({ scope: z.literal('library'), error: z.string() }),
    z.strictObject({ ...seriesScope, error: z.string() }),
  ]),

  /** `imported`: a folder already on disk was linked (import), rather than a new series added. */
  series_added: z.strictObject({ key: seriesKey, folder: z.string(), name: z.string(), imported: z.boolean() }),
  /** A provider refresh (not the first load, which is part of series_added) stored the episode list; `new_episodes` counts episodes not listed before. */
  series_refreshed: z.strictObject({
    key: seriesKey,
    folder: z.string(),
    name: z.string(),
    new_episodes: z.int().nonnegative(),
    episodes: z.int().nonnegative(),
    seasons: z.int().nonnegative(),
  }),
  series_removed: z.strictObject({ key: seriesKey, folder: z.string(), files_deleted: z.boolean() }),
  /** Existing files were renamed to the naming templates (episodes, all files moved, clashes left, failures). */
  episodes_renamed: z.strictObject({
    key: seriesKey,
    folder: z.string(),
    renamed: z.int().nonnegative(),
    files: z.int().nonnegative(),
    clashes: z.int().nonnegative(),
    failed: z.int().nonnegative(),
  }),
  /** A refresh found episodes the provider now offers in more languages (the queue looks for language upgrades among them). */
  languages_offered: z.strictObject({
    key: seriesKey,
    folder: z.string(),
    episodes: z.array(z.strictObject({ season: z.int().nonnegative(), episode: z.int().nonnegative() })),
  }),
  /** A folder the import would offer appeared or went away, or was ignored or taken back (the import page reloads). */
  import_folder_changed: z.strictObject({ folder: z.string(), change: z.enum(['added', 'removed', 'ignored', 'unignored']) }),

  /** The provider's health changed (`status`: ok | check | down). */
  health_issue: z.strictObject({ component: z.string(), message: z.string(), status: z.string() }),
  /** A check no machine passed waits for a person (`waiting`), then `passed` or `gave_up`. */
  provider_check: z.strictObject({ site: z.string(), url: z.string(), reason: z.string(), state: z.enum(['waiting', 'passed', 'gave_up']) }),
} as const satisfies Record<string, z.ZodType>;

export type EventType = keyof typeof eventSchemas;
export type EventMap = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> };
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

/** One event as the WebSocket sends it: `{type, timestamp, data}`. */
export type LiveEvent<K extends EventType = EventType> = { [T in K]: { type: T; timestamp: string; data: EventMap[T] } }[K];

/** The hub's own answers to a client's messages (not domain events). */
export const hubReplySchemas = {
  connected: z.strictObject({ rooms: z.array(z.string()) }),
  joined: z.strictObject({ room: z.string(), rooms: z.array(z.string()) }),
  left: z.strictObject({ room: z.string(), rooms: z.array(z.string()) }),
  pong: z.strictObject({}),
  error: z.strictObject({ code: z.string(), message: z.string() }),
} as const satisfies Record<string, z.ZodType>;
export type HubReplyType = keyof typeof hubReplySchemas;
export type HubReplyMap = { [K in HubReplyType]: z.infer<(typeof hubReplySchemas)[K]> };

/** Every message the server sends on `/ws/connect`, checked against its type's payload schema. */
export const liveMessageSchema = z.object({ type: z.string(), timestamp, data: z.unknown() }).superRefine((message, ctx) => {
  const schema = (eventSchemas as Record<string, z.ZodType>)[message.type] ?? (hubReplySchemas as Record<string, z.ZodType>)[message.type];
  if (!schema) {
    ctx.addIssue({ code: 'custom', path: ['type'], message: `unknown message type "${message.type}"` });
    return;
  }
  const result = schema.safeParse(message.data);
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: ['data', ...issue.path] } as never);
});
