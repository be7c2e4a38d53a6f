import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const WEBHOOK_KINDS = ['json', 'discord', 'ntfy', 'gotify', 'telegram', 'pushover', 'jellyfin', 'emby', 'plex'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];
/** Kinds that tell a media server to look at changed files instead of sending a message. */
export const MEDIA_SERVER_KINDS = ['jellyfin', 'emby', 'plex'] as const;
export type MediaServerKind = (typeof MEDIA_SERVER_KINDS)[number];
export function isMediaServerKind(kind: string): kind is MediaServerKind {
  return (MEDIA_SERVER_KINDS as readonly string[]).includes(kind);
}

/** Per-kind settings that are not secret: Telegram's chat, Pushover's user, a media server's view of our folder. */
export interface WebhookOptions {
  chat_id?: string;
  user_key?: string;
  /** Where the media server sees our media folder, e.g. `/data/anime` or `D:\Anime`. */
  server_path?: string;
}
export const Webhook = defineEntity({
  name: 'Webhook',
  tableName: 'webhook',
  properties: {
    id: p.string().primary(),
    name: p.string(),
    url: p.text(),
    kind: p.string().$type<WebhookKind>(),
    events: p.json<string[]>().default('[]'),
    secret: p.text().nullable(),
    method: p.string().$type<'POST' | 'PUT'>().default('POST'),
    headers: p.json<Record<string, string>>().default('{}'),
    options: p.json<WebhookOptions>().default('{}'),
    enabled: p.boolean().default(true),
    /** The sequence number of the hook's newest delivery, counted up atomically by whichever process records one. */
    lastSequence: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IWebhook = InferEntity<typeof Webhook>;
