import type { Logger } from '../../adapters/logger.ts';
import type { Orm } from '../../db/orm.ts';
import { inContext } from '../../db/context.ts';
import type { EventBus } from '../../events/bus.ts';
import { isDeliverable, type WebhookOutbox } from './webhook-outbox.ts';

/**
 * Subscribes the outbox to the event bus. The publisher never waits: events are written to
 * the outbox one after another on a chain of their own, which also keeps per-hook sequence
 * numbers in publish order.
 */
export class WebhookNotifier {
  readonly #orm: Orm;
  readonly #events: EventBus;
  readonly #outbox: WebhookOutbox;
  readonly #logger: Logger;
  #chain: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: { orm: Orm; events: EventBus; outbox: WebhookOutbox; logger: Logger }) {
    this.#orm = deps.orm;
    this.#events = deps.events;
    this.#outbox = deps.outbox;
    this.#logger = deps.logger.child({ component: 'webhooks' });
  }

  start(): void {
    this.#unsubscribe = this.#events.subscribe(
      (event) => {
        if (!isDeliverable(event.type)) return;
        this.#chain = this.#chain
          .then(() => inContext(this.#orm, () => this.#outbox.record(event)))
          .then(
            () => {},
            (error) => this.#logger.error({ err: error, event: event.type }, 'could not record webhook deliveries'),
          );
        // Scale-out: an event is recorded by the process it happened in, never again by the others.
      },
      { localOnly: true },
    );
  }

  /** Stops listening and lets events already received reach the outbox. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#chain;
  }
}
