import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const WEBHOOK_KINDS = ['json', 'discord', 'ntfy', 'gotify'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

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
    enabled: p.boolean().default(true),
    /** The sequence number of the hook's newest delivery, counted up atomically by whichever process records one. */
    lastSequence: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IWebhook = InferEntity<typeof Webhook>;
