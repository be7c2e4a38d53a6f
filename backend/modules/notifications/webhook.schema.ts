import { z } from 'zod';
import { WEBHOOK_KINDS } from './webhook.entity.ts';
import { MASK } from './webhook-secrets.ts';

/** Events a hook can subscribe to; `test` is what the test endpoints send. */
export const WEBHOOK_EVENTS = ['download_complete', 'download_failed', 'series_added', 'scan_complete', 'episode_available', 'health_issue', 'test'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

// Headers we set ourselves (and hop-by-hop ones) cannot be overridden by a hook.
const RESERVED_HEADERS = /^(host|content-length|content-type|connection|transfer-encoding|x-aniworld-signature|x-aniworld-event|x-aniworld-delivery)$/i;
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'is not a valid header name').refine((name) => !RESERVED_HEADERS.test(name), 'is set by AniWorld and cannot be overridden');
// Latin-1 without control characters: what an HTTP header value can carry.
// `•••` is what the API shows for a stored value: sent back, it keeps that value (webhook-secrets.ts).
const headerValue = z.string().max(2000).refine((value) => value === MASK || /^[\t\x20-\x7e\x80-\xff]*$/.test(value), 'must not contain line breaks or characters outside Latin-1');

const webhookFields = {
  name: z.string().trim().min(1).max(100),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000),
  kind: z.enum(WEBHOOK_KINDS),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).transform((events) => [...new Set(events)]),
  secret: z.string().min(1).max(500).nullable(),
  method: z.enum(['POST', 'PUT']),
  headers: z.record(headerName, headerValue).refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers'),
  enabled: z.boolean(),
};

export const createWebhookSchema = z.strictObject({
  ...webhookFields,
  secret: webhookFields.secret.optional(),
  method: webhookFields.method.default('POST'),
  headers: webhookFields.headers.default({}),
  enabled: webhookFields.enabled.default(true),
});
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

/** Partial update; `secret: null` removes the secret, leaving it out keeps it. */
export const updateWebhookSchema = z.strictObject({
  name: webhookFields.name.optional(),
  url: webhookFields.url.optional(),
  kind: webhookFields.kind.optional(),
  events: webhookFields.events.optional(),
  secret: webhookFields.secret.optional(),
  method: webhookFields.method.optional(),
  headers: webhookFields.headers.optional(),
  enabled: webhookFields.enabled.optional(),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export const deliveriesQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});
