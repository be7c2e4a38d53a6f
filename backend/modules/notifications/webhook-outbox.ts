import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../adapters/clock.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { DomainEvent } from '../../events/bus.ts';
import type { JobQueue } from '../../job-queue.ts';
import { isMediaServerKind, Webhook, type IWebhook } from './webhook.entity.ts';
import type { MediaServerClient } from './media-server.ts';
import { WebhookDelivery, type DeliveryAttempt, type IWebhookDelivery } from './webhook-delivery.entity.ts';
import { renderRequest, type WebhookPayload } from './webhook-formats.ts';
import type { SendResult, WebhookTransport } from './webhook-transport.ts';
import { WEBHOOK_EVENTS, type WebhookEvent } from './webhook.schema.ts';

export interface DeliveryPolicy {
  /** Per request, connect to last byte. */
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** Backoff before retry n is base * 2^(n-1), capped. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Outgoing requests in flight at once, across all hooks. */
  readonly concurrency: number;
}

/** 12 attempts: 10 s, 20 s, ... up to 15 min apart, about 80 minutes in all. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { timeoutMs: 10_000, maxAttempts: 12, backoffBaseMs: 10_000, backoffMaxMs: 15 * 60_000, concurrency: 4 };

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'waiting' | 'skipped';

/** What one run decided; the jobs it implies are queued after the run is no longer in flight. */
interface AttemptStep {
  readonly outcome: DeliveryOutcome;
  readonly retryAt?: Date;
  /** The hook whose next delivery is now due. */
  readonly nextOf?: string;
}

const DELIVERABLE = new Set<string>(WEBHOOK_EVENTS.filter((event) => event !== 'test'));

/** Events that can reach a webhook; the rest (progress, scan steps) never touch the outbox. */
export function isDeliverable(type: string): boolean {
  return DELIVERABLE.has(type);
}
const MAX_LOGGED_ATTEMPTS = 50;
/** A job that fires a little before its delivery's planned time still counts as on time. */
const EARLY_SLACK_MS = 1000;
/**
 * How long a claim outlives the request's own timeout. A sender that crashed mid-request leaves
 * its claim behind; once it has run out, the delivery's job (run again by another worker when
 * its lock expires, or queued again at the next start) sends it. Clocks of the machines in a
 * cluster must agree to within this margin.
 */
const CLAIM_MARGIN_MS = 60_000;

/**
 * The webhook outbox. Every event bound for a hook becomes a WebhookDelivery row with the
 * hook's next sequence number plus a 'deliver-webhook' job. Only the oldest pending delivery
 * of a hook is ever attempted, so a hook sees its events in order; when it is done (delivered
 * or given up), the next one is queued at once.
 *
 * Several processes may share the database (scale-out) and the same delivery may have several
 * jobs (every process queues the heads again at start). Two things keep each event sent once and
 * in order: a hook's sequence numbers come from a counter on its row, taken and used in one
 * transaction (so a number is visible before the next is handed out), and a sender claims a
 * delivery with one conditional UPDATE before it sends; whoever does not get the row leaves it.
 */
export class WebhookOutbox {
  readonly #em: EntityManager;
  readonly #jobs: JobQueue;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #transport: WebhookTransport;
  readonly #instance: string;
  readonly #policy: DeliveryPolicy;
  /** Names this outbox in claims: unique per process even when processes share a hostname. */
  readonly #claimant: string;
  readonly #slots: Semaphore;
  readonly #enrich: ((event: DomainEvent) => Promise<Record<string, unknown>>) | undefined;
  readonly #mediaServers: MediaServerClient | undefined;

  constructor(options: {
    em: EntityManager;
    jobs: JobQueue;
    clock: Clock;
    logger: Logger;
    transport: WebhookTransport;
    instance: string;
    policy?: Partial<DeliveryPolicy>;
    /** Extra facts for an event's webhook payload, looked up only when some hook wants the event. */
    enrich?: (event: DomainEvent) => Promise<Record<string, unknown>>;
    /** Refreshes Jellyfin, Emby and Plex targets; without it such a target's deliveries fail. */
    mediaServers?: MediaServerClient;
  }) {
    this.#em = options.em;
    this.#jobs = options.jobs;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'webhooks' });
    this.#transport = options.transport;
    this.#instance = options.instance;
    this.#policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    this.#claimant = `${options.instance}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#slots = new Semaphore(this.#policy.concurrency);
    this.#enrich = options.enrich;
    this.#mediaServers = options.mediaServers;
  }

  get policy(): DeliveryPolicy {
    return this.#policy;
  }

  /** Creates one delivery per enabled hook that wants this event; returns their ids. */
  async record(event: DomainEvent): Promise<number[]> {
    if (!isDeliverable(event.type)) return [];
    const hooks = (await this.#em.find(Webhook, { enabled: true })).filter((hook) => hook.events.includes(event.type));
    if (hooks.length === 0) return [];
    const extra = this.#enrich ? await this.#enrich(event) : {};
    const payload: WebhookPayload = {
      event: event.type as WebhookEvent,
      timestamp: event.timestamp,
      instance: this.#instance,
      data: { ...extra, ...(event.data as Record<string, unknown>) },
    };
    const created: number[] = [];
    for (const hook of hooks) {
      const id = await this.#append(hook, event.type, payload as unknown as Record<string, unknown>);
      if (id !== undefined) created.push(id);
    }
    for (const id of created) await this.#enqueue(id);
    return created;
  }

  /**
   * Takes the hook's next number and writes the delivery in one transaction. On PostgreSQL the
   * counter's row stays locked until the commit, on SQLite the whole database does: another
   * process's next number comes only after this delivery exists, so it can never be sent first.
   */
  async #append(hook: IWebhook, event: string, payload: Record<string, unknown>): Promise<number | undefined> {
    return this.#em.transactional(async (em) => {
      const rows = await em
        .getConnection()
        .execute<{ last_sequence: number | string }[]>(
          'update webhook set last_sequence = last_sequence + 1 where id = ? returning last_sequence',
          [hook.id],
          'all',
          em.getTransactionContext(),
        );
      // Removed by another process since it was read: nothing to deliver to.
      if (rows.length === 0) return undefined;
      const delivery = em.create(WebhookDelivery, {
        webhook: hook.id,
        sequence: Number(rows[0].last_sequence),
        event,
        payload,
        attemptLog: [],
        createdAt: this.#clock.now(),
      });
      await em.flush();
      return delivery.id;
    });
  }

  /** One attempt at a delivery, if it is its hook's turn. Called by the 'deliver-webhook' job. */
  async deliver(deliveryId: number): Promise<DeliveryOutcome> {
    const step = await this.#attempt(deliveryId);
    // Follow-up jobs are queued only now, after the claim is released: a retry that starts at
    // once must find the delivery free, not claimed by the run that queued it.
    if (step.retryAt) await this.#enqueue(deliveryId, step.retryAt);
    if (step.nextOf) await this.resumeHook(step.nextOf);
    return step.outcome;
  }

  /** Queues the head of every hook's outbox again (after a restart or a lost job). */
  async resumePending(): Promise<number> {
    const hooks = await this.#em.find(Webhook, { enabled: true });
    let resumed = 0;
    for (const hook of hooks) if (await this.resumeHook(hook.id)) resumed += 1;
    return resumed;
  }

  async resumeHook(hookId: string): Promise<boolean> {
    const head = await this.#head(hookId);
    if (!head) return false;
    await this.#enqueue(head.id, head.nextAttemptAt ?? undefined);
    return true;
  }

  async #attempt(deliveryId: number): Promise<AttemptStep> {
    const delivery = await this.#em.findOne(WebhookDelivery, { id: deliveryId }, { populate: ['webhook'] });
    if (!delivery || delivery.status !== 'pending') return { outcome: 'skipped' };
    const hook = delivery.webhook;
    if (!hook.enabled) return { outcome: 'waiting' };
    const head = await this.#head(hook.id);
    if (head?.id !== delivery.id) return { outcome: 'waiting' };
    if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > this.#clock.now().getTime() + EARLY_SLACK_MS) return { outcome: 'waiting' };
    return this.#slots.run(async () => {
      // Claimed only once a request slot is free, so the claim's time is the request's.
      if (!(await this.#claim(delivery))) return { outcome: 'waiting' };
      let result: SendResult;
      try {
        result = await this.#send(hook, delivery.payload as unknown as WebhookPayload, delivery.id);
      } catch (error) {
        await this.#em.nativeUpdate(WebhookDelivery, { id: delivery.id, claimedBy: this.#claimant }, { claimedBy: null, claimedUntil: null });
        throw error;
      }
      return this.#record(delivery, hook.id, result);
    });
  }

  /** A message for message kinds; a library refresh for media servers. */
  async #send(hook: IWebhook, payload: WebhookPayload, deliveryId: number): Promise<SendResult> {
    if (!isMediaServerKind(hook.kind)) return this.#transport(renderRequest(hook, payload, deliveryId), this.#policy.timeoutMs);
    if (!this.#mediaServers)
      return { ok: false, status_code: null, latency_ms: 0, response_excerpt: null, error: `No media server client to refresh ${hook.kind}`, permanent: true };
    return this.#mediaServers.refresh({ url: hook.url, kind: hook.kind, secret: hook.secret, options: hook.options }, payload);
  }

  /**
   * The row is this outbox's only if nobody else holds it and nothing has changed since it was
   * read (attempts moves with every recorded attempt, and with it nextAttemptAt and the status):
   * one conditional UPDATE, atomic on SQLite and PostgreSQL alike.
   */
  async #claim(delivery: IWebhookDelivery): Promise<boolean> {
    const now = this.#clock.now();
    const until = new Date(now.getTime() + this.#policy.timeoutMs + CLAIM_MARGIN_MS);
    const claimed = await this.#em.nativeUpdate(
      WebhookDelivery,
      { id: delivery.id, status: 'pending', attempts: delivery.attempts, $or: [{ claimedUntil: null }, { claimedUntil: { $lt: now } }] },
      { claimedBy: this.#claimant, claimedUntil: until },
    );
    return claimed === 1;
  }

  /** Writes the attempt and releases the claim in the same UPDATE, still only while the claim is ours. */
  async #record(delivery: IWebhookDelivery, hookId: string, result: SendResult): Promise<AttemptStep> {
    const attempts = delivery.attempts + 1;
    const attempt: DeliveryAttempt = {
      at: this.#clock.now().toISOString(),
      status_code: result.status_code,
      latency_ms: result.latency_ms,
      error: result.error,
    };
    const outcome: DeliveryOutcome = result.ok
      ? 'delivered'
      : result.permanent || isPermanent(result.status_code) || attempts >= this.#policy.maxAttempts
        ? 'failed'
        : 'retrying';
    const retryAt = outcome === 'retrying' ? new Date(this.#clock.now().getTime() + this.#backoff(attempts)) : null;
    const written = await this.#em.nativeUpdate(
      WebhookDelivery,
      { id: delivery.id, claimedBy: this.#claimant },
      {
        attempts,
        attemptLog: [...delivery.attemptLog, attempt].slice(-MAX_LOGGED_ATTEMPTS),
        lastStatusCode: result.status_code,
        lastError: result.error,
        status: outcome === 'delivered' ? 'delivered' : outcome === 'failed' ? 'failed' : 'pending',
        deliveredAt: outcome === 'delivered' ? this.#clock.now() : null,
        nextAttemptAt: retryAt,
        claimedBy: null,
        claimedUntil: null,
      },
    );
    const log = { webhook_id: hookId, delivery_id: delivery.id, attempts, error: result.error };
    if (written === 0) {
      // The claim ran out before the answer came and another sender took over (or the hook was
      // removed): that sender records its own attempt and queues what follows.
      this.#logger.warn(log, 'webhook delivery claim was lost while sending');
      return { outcome: 'skipped' };
    }
    if (outcome === 'failed') this.#logger.warn(log, 'webhook delivery given up');
    if (retryAt) {
      this.#logger.info({ ...log, next_attempt_at: retryAt.toISOString() }, 'webhook delivery will be retried');
      return { outcome, retryAt };
    }
    return { outcome, nextOf: hookId };
  }

  #backoff(attempts: number): number {
    return Math.min(this.#policy.backoffMaxMs, this.#policy.backoffBaseMs * 2 ** (attempts - 1));
  }

  #head(hookId: string) {
    return this.#em.findOne(WebhookDelivery, { webhook: hookId, status: 'pending' }, { orderBy: { sequence: 'asc' } });
  }

  async #enqueue(deliveryId: number, runAt?: Date): Promise<void> {
    try {
      await this.#jobs.enqueue('deliver-webhook', { deliveryId }, runAt ? { runAt } : {});
    } catch (error) {
      // The row stays pending; resumePending() at the next start queues it again.
      this.#logger.error({ err: error, delivery_id: deliveryId }, 'could not queue webhook delivery');
    }
  }
}

/** A redirect or a rejection of the request itself will come again; timeouts, 5xx, 408 and 429 are worth retrying. */
function isPermanent(status: number | null): boolean {
  return status !== null && status >= 300 && status < 500 && status !== 408 && status !== 425 && status !== 429;
}

class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
