import type { EventMap } from '../../contract/index.ts';
import type { Logger } from '../adapters/logger.ts';

/**
 * Domain events. The WebSocket hub and the webhook notifier subscribe; nothing else fans out.
 * Payloads are the wire contract's (`contract/events.ts`): add an event's schema there before
 * publishing it.
 */
export type DomainEventMap = EventMap;

export type DomainEventType = keyof DomainEventMap;

/** One event; narrowing on `type` narrows `data` to that event's payload. */
export type DomainEvent<K extends DomainEventType = DomainEventType> = {
  [T in K]: { readonly type: T; readonly timestamp: string; readonly data: DomainEventMap[T] };
}[K];

export type EventListener = (event: DomainEvent) => void;

export interface SubscribeOptions {
  /**
   * Only events published in this process, not those an event bridge republished from another
   * (scale-out). The webhook notifier records each event once, in the process where it happened.
   */
  readonly localOnly?: boolean;
}

export class EventBus {
  /** Listener -> localOnly. */
  readonly #listeners = new Map<EventListener, boolean>();
  readonly #logger: Logger | undefined;
  readonly #now: () => Date;

  constructor(options: { logger?: Logger; now?: () => Date } = {}) {
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  publish<K extends DomainEventType>(type: K, data: DomainEventMap[K]): void {
    this.#deliver({ type, timestamp: this.#now().toISOString(), data } as DomainEvent, false);
  }

  /** Hands an event another process published to this process's subscribers (not the localOnly ones). */
  republish(event: DomainEvent): void {
    this.#deliver(event, true);
  }

  #deliver(event: DomainEvent, remote: boolean): void {
    for (const [listener, localOnly] of this.#listeners) {
      if (remote && localOnly) continue;
      // A failing subscriber must not break the publisher or the other subscribers.
      try {
        listener(event);
      } catch (error) {
        this.#logger?.error({ err: error, event: event.type }, 'event listener failed');
      }
    }
  }

  subscribe(listener: EventListener, options: SubscribeOptions = {}): () => void {
    this.#listeners.set(listener, options.localOnly ?? false);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
