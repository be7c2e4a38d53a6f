import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../adapters/clock.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { isMediaServerKind, Webhook, type IWebhook, type WebhookKind } from './webhook.entity.ts';
import type { MediaServerClient } from './media-server.ts';
import { WebhookDelivery, type IWebhookDelivery } from './webhook-delivery.entity.ts';
import { renderRequest, type HookTarget } from './webhook-formats.ts';
import type { SendResult, WebhookTransport } from './webhook-transport.ts';
import { kindProblems, RETIRED_WEBHOOK_EVENTS, type CreateWebhookInput, type UpdateWebhookInput } from './webhook.schema.ts';
import type { WebhookOutbox } from './webhook-outbox.ts';
import { credentialsToHeader, keepMasked, maskHeaders, maskText, maskUrl, secretValues } from './webhook-secrets.ts';
import type { Webhook as WebhookWire } from '../../../contract/index.ts';

/** `contract/webhooks.ts` */
export type WebhookView = WebhookWire;

export interface TestResult {
  success: boolean;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
  /** Media servers: a stable code for what the check found, with the facts the panel words. */
  code?: string;
  params?: Record<string, string>;
}

/** Webhook configuration, the test endpoints and the delivery history. */
export class WebhookService {
  readonly #em: EntityManager;
  readonly #clock: Clock;
  readonly #outbox: WebhookOutbox;
  readonly #transport: WebhookTransport;
  readonly #timeoutMs: number;
  readonly #instance: string;
  readonly #mediaServers: MediaServerClient | undefined;

  constructor(options: {
    em: EntityManager;
    clock: Clock;
    outbox: WebhookOutbox;
    transport: WebhookTransport;
    timeoutMs: number;
    instance: string;
    mediaServers?: MediaServerClient;
  }) {
    this.#em = options.em;
    this.#clock = options.clock;
    this.#outbox = options.outbox;
    this.#transport = options.transport;
    this.#timeoutMs = options.timeoutMs;
    this.#instance = options.instance;
    this.#mediaServers = options.mediaServers;
  }

  async list(): Promise<WebhookView[]> {
    const hooks = await this.#em.find(Webhook, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return hooks.map(toView);
  }

  async get(id: string): Promise<WebhookView> {
    return toView(await this.#require(id));
  }

  async create(input: CreateWebhookInput): Promise<WebhookView> {
    const now = this.#clock.now();
    const { url, headers } = unsavedTarget(input);
    const hook = this.#em.create(Webhook, {
      id: randomUUID(),
      name: input.name,
      url,
      kind: input.kind,
      events: input.events,
      secret: input.secret ?? null,
      method: input.method,
      headers,
      options: input.options,
      enabled: input.enabled,
      createdAt: now,
      updatedAt: now,
    });
    await this.#em.flush();
    return toView(hook);
  }

  async update(id: string, input: UpdateWebhookInput): Promise<WebhookView> {
    const hook = await this.#require(id);
    // A kind change or a removed token must still leave a target that can be sent to.
    const problems = kindProblems({
      kind: input.kind ?? hook.kind,
      secret: input.secret === undefined ? hook.secret : input.secret,
      options: input.options ?? hook.options,
    });
    if (problems.length)
      throw new ValidationError(`Request body is not valid: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`, problems);
    const wasEnabled = hook.enabled;
    Object.assign(hook, editedHook(hook, input));
    hook.updatedAt = this.#clock.now();
    await this.#em.flush();
    // Disabling pauses a hook's outbox; enabling it again picks up where it stopped.
    if (!wasEnabled && hook.enabled) await this.#outbox.resumeHook(hook.id);
    return toView(hook);
  }

  async remove(id: string): Promise<void> {
    const hook = await this.#require(id);
    await this.#em.nativeDelete(WebhookDelivery, { webhook: hook.id });
    await this.#em.nativeDelete(Webhook, { id: hook.id });
  }

  /** Sends a `test` event to an unsaved configuration and reports what the receiver said. */
  async testTarget(input: HookTarget): Promise<TestResult> {
    return this.#send({ ...input, ...unsavedTarget(input) });
  }

  /** A message kind gets a `test` event; a media server is checked (token, library for our folder). */
  async #send(target: HookTarget): Promise<TestResult> {
    if (isMediaServerKind(target.kind)) return this.#checkMediaServer(target.kind, target);
    const payload = {
      event: 'test' as const,
      timestamp: this.#clock.now().toISOString(),
      instance: this.#instance,
      data: { message: 'If you can read this, the webhook works.' },
    };
    const result: SendResult = await this.#transport(renderRequest(target, payload), this.#timeoutMs);
    return {
      success: result.ok,
      status_code: result.status_code,
      latency_ms: result.latency_ms,
      response_excerpt: result.response_excerpt,
      error: result.error,
    };
  }

  /** For a media server the test checks the token and that a library holds our folder. */
  async #checkMediaServer(kind: WebhookKind & ('jellyfin' | 'emby' | 'plex'), target: HookTarget): Promise<TestResult> {
    if (!this.#mediaServers) throw new Error('No media server client was wired');
    const result = await this.#mediaServers.check({ url: target.url, kind, secret: target.secret, options: target.options });
    return {
      success: result.ok,
      status_code: result.status_code,
      latency_ms: result.latency_ms,
      response_excerpt: result.response_excerpt,
      error: result.error,
      code: result.code,
      params: result.params,
    };
  }

  /** Tests a saved hook; with edits, as it would be after them (••• keeps stored values), without saving. */
  async testSaved(id: string, edits: UpdateWebhookInput = {}): Promise<TestResult> {
    const hook = await this.#require(id);
    return this.#send({
      url: hook.url,
      kind: hook.kind,
      method: hook.method,
      headers: hook.headers,
      secret: hook.secret,
      options: hook.options,
      ...editedHook(hook, edits),
    });
  }

  /** Newest first, with every attempt. */
  async deliveries(id: string, page: number, perPage: number): Promise<{ items: unknown[]; total: number; page: number; per_page: number }> {
    const hook = await this.#require(id);
    const [rows, total] = await this.#em.findAndCount(
      WebhookDelivery,
      { webhook: hook.id },
      { orderBy: { sequence: 'desc' }, limit: perPage, offset: (page - 1) * perPage },
    );
    // Records written before errors were masked may still hold a token: masked on the way out too.
    const secrets = secretValues(hook);
    return { items: rows.map((row) => deliveryView(row, secrets)), total, page, per_page: perPage };
  }

  async #require(id: string): Promise<IWebhook> {
    const hook = await this.#em.findOne(Webhook, { id });
    if (!hook) throw new NotFoundError(`No webhook with id "${id}"`);
    return hook;
  }
}

function toView(hook: IWebhook): WebhookView {
  return {
    id: hook.id,
    name: hook.name,
    url: maskUrl(hook.url),
    kind: hook.kind,
    events: hook.events.filter((event) => !(RETIRED_WEBHOOK_EVENTS as readonly string[]).includes(event)),
    method: hook.method,
    headers: maskHeaders(hook.headers),
    options: hook.options ?? {},
    enabled: hook.enabled,
    has_secret: Boolean(hook.secret),
    created_at: hook.createdAt.toISOString(),
    updated_at: hook.updatedAt.toISOString(),
  };
}

/** The fields an edit changes: plain ones as given, URL and headers with ••• kept and user:password@ moved to a header. */
function editedHook(hook: IWebhook, input: UpdateWebhookInput): Partial<IWebhook> {
  const { url: _url, headers: _headers, ...plain } = input;
  const changes: Record<string, unknown> = Object.fromEntries(Object.entries(plain).filter(([, value]) => value !== undefined));
  if (input.url !== undefined || input.headers !== undefined) {
    const kept = keepMasked(input, hook);
    let headers = kept.headers ?? hook.headers;
    // New user:password@ in the URL replaces the Authorization header it made last time, unless headers were given too.
    if (input.headers === undefined && kept.url !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(kept.url))
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
    const target = credentialsToHeader(kept.url ?? hook.url, headers);
    changes.url = target.url;
    changes.headers = target.headers;
  }
  return changes as Partial<IWebhook>;
}

/** A hook given in full (create, test): nothing stored to keep, user:password@ becomes a header. */
function unsavedTarget(input: { url: string; headers: Readonly<Record<string, string>> }): { url: string; headers: Record<string, string> } {
  const kept = keepMasked({ url: input.url, headers: { ...input.headers } }, undefined);
  return credentialsToHeader(kept.url ?? input.url, kept.headers ?? {});
}

function deliveryView(row: IWebhookDelivery, secrets: readonly string[]) {
  const mask = (text: string | null | undefined) => (text ? maskText(text, secrets) : null);
  return {
    id: row.id,
    sequence: row.sequence,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    attempt_log: row.attemptLog.map((attempt) => ({ ...attempt, error: mask(attempt.error) })),
    last_status_code: row.lastStatusCode ?? null,
    last_error: mask(row.lastError),
    next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    payload: row.payload,
  };
}
