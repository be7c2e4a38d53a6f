import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Webhook } from './webhook.entity.ts';

export interface DeliveryAttempt {
  readonly at: string;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly error: string | null;
}

/** One event bound for one hook: the outbox row. Attempts are appended as they happen. */
export const WebhookDelivery = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  // One number per hook, never two: the order a hook's events are sent in.
  uniques: [{ properties: ['webhook', 'sequence'] }],
  indexes: [{ properties: ['status'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    webhook: () => p.manyToOne(Webhook).deleteRule('cascade'),
    sequence: p.integer(),
    event: p.string(),
    payload: p.json<Record<string, unknown>>(),
    status: p.string().$type<'pending' | 'delivered' | 'failed'>().default('pending'),
    attempts: p.integer().default(0),
    attemptLog: p.json<DeliveryAttempt[]>().default('[]'),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
    nextAttemptAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    deliveredAt: p.datetime().nullable(),
    /** The process sending it right now, and until when that claim holds (a crashed sender's claim runs out). */
    claimedBy: p.string().nullable(),
    claimedUntil: p.datetime().nullable(),
  },
});
export type IWebhookDelivery = InferEntity<typeof WebhookDelivery>;
