import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../adapters/clock.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { DomainEvent } from '../../events/bus.ts';
import type { JobQueue } from '../../../jobs/job-queue.ts';
import { Webhook } from './webhook.entity.ts';
import { WebhookDelivery, type DeliveryAttempt, type IWebhookDelivery } from './webhook-delivery.entity.ts';
import { renderRequest, type WebhookPayload } from './webhook-formats.ts';
import type { WebhookTransport } from './webhook-transport.ts';
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
 * The webhook outbox. Every event bound for a hook becomes a WebhookDelivery row with the
 * hook's next sequence number plus a 'deliver-webhook' job. Only the oldest pending delivery
 * of a hook is ever attempted, so a hook sees its events in order; when it is done (delivered
 * or given up), the next one is queued at once.
 */
export class WebhookOutbox {
  readonly #em: EntityManager;
  readonly #jobs: JobQueue;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #transport: WebhookTransport;
  readonly #instance: string;
  readonly #policy: DeliveryPolicy;
  readonly #inFlight = new Set<number>();
  readonly #slots: Semaphore;
  readonly #enrich: ((event: DomainEvent) => Promise<Record<string, unknown>>) | undefined;

  constructor(options: {
    em: EntityManager; jobs: JobQueue; clock: Clock; logger: Logger; transport: WebhookTransport; instance: string; policy?: Partial<DeliveryPolicy>;
    /** Extra facts for an event's webhook payload, looked up only when some hook wants the event. */
    enrich?: (event: DomainEvent) => Promise<Record<string, unknown>>;
  }) {
    this.#em = options.em;
    this.#jobs = options.jobs;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'webhooks' });
    this.#transport = options.transport;
    this.#instance = options.instance;
    this.#policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    this.#slots = new Semaphore(this.#policy.concurrency);
    this.#enrich = options.enrich;
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
    const payload: WebhookPayload = { event: event.type as WebhookEvent, timestamp: event.timestamp, instance: this.#instance, data: { ...extra, ...(event.data as Record<string, unknown>) } };
    const created: IWebhookDelivery[] = [];
    for (const hook of hooks) {
      const last = await this.#em.findOne(WebhookDelivery, { webhook: hook.id }, { orderBy: { sequence: 'desc' }, fields: ['sequence'] });
      created.push(this.#em.create(WebhookDelivery, { webhook: hook, sequence: (last?.sequence ?? 0) + 1, event: event.type, payload: payload as unknown as Record<string, unknown>, attemptLog: [], createdAt: this.#clock.now() }));
    }
    await this.#em.flush();
    for (const delivery of created) await this.#enqueue(delivery.id);
    return created.map((delivery) => delivery.id);
  }

  /** One attempt at a delivery, if it is its hook's turn. Called by the 'deliver-webhook' job. */
  async deliver(deliveryId: number): Promise<DeliveryOutcome> {
    if (this.#inFlight.has(deliveryId)) return 'waiting';
    this.#inFlight.add(deliveryId);
    let step: AttemptStep;
    try {
      step = await this.#attempt(deliveryId);
    } finally {
      this.#inFlight.delete(deliveryId);
    }
    // Follow-up jobs are queued only now: a retry that starts at once must not find this run
    // still in flight and be dropped as a duplicate.
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
    const now = this.#clock.now();
    if (delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() > now.getTime() + EARLY_SLACK_MS) return { outcome: 'waiting' };

    const request = renderRequest(hook, delivery.payload as unknown as WebhookPayload, delivery.id);
    const result = await this.#slots.run(() => this.#transport(request, this.#policy.timeoutMs));
    const attempt: DeliveryAttempt = { at: this.#clock.now().toISOString(), status_code: result.status_code, latency_ms: result.latency_ms, error: result.error };
    delivery.attempts += 1;
    delivery.attemptLog = [...delivery.attemptLog, attempt].slice(-MAX_LOGGED_ATTEMPTS);
    delivery.lastStatusCode = result.status_code;
    delivery.lastError = result.error;

    if (result.ok) {
      delivery.status = 'delivered';
      delivery.deliveredAt = this.#clock.now();
      delivery.nextAttemptAt = null;
      await this.#em.flush();
      return { outcome: 'delivered', nextOf: hook.id };
    }
    if (isPermanent(result.status_code) || delivery.attempts >= this.#policy.maxAttempts) {
      delivery.status = 'failed';
      delivery.nextAttemptAt = null;
      await this.#em.flush();
      this.#logger.warn({ webhook_id: hook.id, delivery_id: delivery.id, attempts: delivery.attempts, error: result.error }, 'webhook delivery given up');
      return { outcome: 'failed', nextOf: hook.id };
    }
    const runAt = new Date(this.#clock.now().getTime() + this.#backoff(delivery.attempts));
    delivery.nextAttemptAt = runAt;
    await this.#em.flush();
    this.#logger.info({ webhook_id: hook.id, delivery_id: delivery.id, attempts: delivery.attempts, error: result.error, next_attempt_at: runAt.toISOString() }, 'webhook delivery will be retried');
    return { outcome: 'retrying', retryAt: runAt };
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
