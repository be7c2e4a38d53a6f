import { z } from 'zod';
import { isMediaServerKind, WEBHOOK_KINDS } from './webhook.entity.ts';
import { MASK } from './webhook-secrets.ts';
import { entityId } from '../../http/validate.ts';

/** Events a hook can subscribe to; `test` is what the test endpoints send. */
export const WEBHOOK_EVENTS = [
  'download_complete',
  'download_failed',
  'series_added',
  'series_removed',
  'scan_complete',
  'episode_upgraded',
  'health_issue',
  'provider_check',
  'test',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Names a hook may still have stored from earlier versions, though nothing ever sent them: a
 * hook sent back as it was shown saves without them instead of failing.
 */
export const RETIRED_WEBHOOK_EVENTS = ['episode_available'] as const;
const retired = new Set<string>(RETIRED_WEBHOOK_EVENTS);

// Headers we set ourselves (and hop-by-hop ones) cannot be overridden by a hook.
const RESERVED_HEADERS = /^(host|content-length|content-type|connection|transfer-encoding|x-aniworld-signature|x-aniworld-event|x-aniworld-delivery)$/i;
const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'is not a valid header name')
  .refine((name) => !RESERVED_HEADERS.test(name), 'is set by AniWorld and cannot be overridden');
// Latin-1 without control characters: what an HTTP header value can carry.
// `•••` is what the API shows for a stored value: sent back, it keeps that value (webhook-secrets.ts).
const headerValue = z
  .string()
  .max(2000)
  .refine((value) => value === MASK || /^[\t\x20-\x7e\x80-\xff]*$/.test(value), 'must not contain line breaks or characters outside Latin-1');

const webhookFields = {
  name: z.string().trim().min(1).max(100),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000),
  kind: z.enum(WEBHOOK_KINDS),
  events: z
    .array(z.enum([...WEBHOOK_EVENTS, ...RETIRED_WEBHOOK_EVENTS]))
    .min(1)
    .transform((events) => [...new Set(events.filter((event) => !retired.has(event)))] as WebhookEvent[])
    .refine((events) => events.length > 0, 'needs at least one event that is sent'),
  secret: z.string().min(1).max(500).nullable(),
  method: z.enum(['POST', 'PUT']),
  headers: z.record(headerName, headerValue).refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers'),
  enabled: z.boolean(),
  options: z.strictObject({
    chat_id: z.string().trim().min(1).max(100).optional(),
    user_key: z.string().trim().min(1).max(100).optional(),
    server_path: z.string().trim().min(1).max(1000).optional(),
  }),
};

/**
 * What a kind needs besides a URL: the token or key goes in `secret` (masked like a signing
 * secret), the rest in `options`. Checked on create and on the test of an unsaved target.
 */
export function kindProblems(input: {
  kind: string;
  secret?: string | null;
  options?: { chat_id?: string; user_key?: string };
}): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const needsToken = isMediaServerKind(input.kind) || input.kind === 'telegram' || input.kind === 'pushover';
  if (needsToken && !input.secret)
    problems.push({
      path: 'secret',
      message:
        input.kind === 'telegram' ? 'needs the bot token' : input.kind === 'pushover' ? 'needs the application token' : 'needs the API token of the server',
    });
  if (input.kind === 'telegram' && !input.options?.chat_id) problems.push({ path: 'options.chat_id', message: 'needs the chat id' });
  if (input.kind === 'pushover' && !input.options?.user_key) problems.push({ path: 'options.user_key', message: 'needs the user key' });
  return problems;
}

export const createWebhookSchema = z
  .strictObject({
    ...webhookFields,
    secret: webhookFields.secret.optional(),
    method: webhookFields.method.default('POST'),
    headers: webhookFields.headers.default({}),
    enabled: webhookFields.enabled.default(true),
    options: webhookFields.options.default({}),
  })
  .superRefine((input, ctx) => {
    for (const problem of kindProblems(input)) ctx.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
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
  options: webhookFields.options.optional(),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export const deliveriesQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

/** `/api/webhooks/:id`: a malformed id is a 422 that names `id`. */
export const webhookParams = z.object({ id: entityId });
