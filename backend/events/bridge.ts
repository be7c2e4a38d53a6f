import { randomUUID } from 'node:crypto';
import type { Logger } from '../adapters/logger.ts';
import type { DomainEvent, EventBus } from './bus.ts';

/** What the bridge sends through: publish a string, receive the strings every process sends. */
export interface EventTransport {
  publish(payload: string): Promise<void>;
}

export interface EventBridgeOptions {
  readonly events: EventBus;
  readonly logger: Logger;
  /** Latest progress per download leaves at most this often (default 250 ms). */
  readonly progressEveryMs?: number;
  /** Largest payload sent as is (PostgreSQL NOTIFY takes less than 8000 bytes). */
  readonly maxBytes?: number;
}

interface Envelope {
  /** The publishing process: it gets its own notifications back and drops them. */
  readonly o: string;
  readonly e?: DomainEvent;
  /** A signal between processes (not a domain event: no WebSocket client or webhook sees it). */
  readonly s?: string;
}

const LONG_STRING = 512;
/** What every series-related event keeps when it has to be cut down to fit. */
const CORE_FIELDS = ['item_id', 'key', 'folder', 'season', 'episode', 'scope', 'error', 'progress', 'message', 'name', 'component'];

/**
 * Scale-out: carries the domain events published in this process to every other process (API
 * processes forward them to their WebSocket clients) and republishes theirs on the local bus.
 * Only local events leave (the subscription is localOnly) and republished ones never go back
 * out, so there are no loops; own notifications are recognised by the origin id and dropped.
 */
export class EventBridge {
  readonly origin = randomUUID();
  readonly #options: EventBridgeOptions;
  readonly #logger: Logger;
  readonly #pendingProgress = new Map<string, DomainEvent>();
  readonly #signalHandlers = new Map<string, Set<() => void>>();
  readonly #reconnectHandlers = new Set<() => void>();
  #transport: EventTransport | undefined;
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();

  constructor(options: EventBridgeOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'event-bridge' });
  }

  /** Starts sending local events through the transport. */
  start(transport: EventTransport): void {
    this.#transport = transport;
    this.#unsubscribe = this.#options.events.subscribe((event) => this.#onLocal(event), { localOnly: true });
  }

  /** A payload another process (or this one) sent. */
  receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      this.#logger.warn({ bytes: payload.length }, 'unreadable event from another process dropped');
      return;
    }
    if (envelope.o === this.origin) return;
    if (typeof envelope.s === 'string') {
      this.#runAll(this.#signalHandlers.get(envelope.s) ?? [], envelope.s);
      return;
    }
    if (!envelope.e?.type) return;
    this.#options.events.republish(envelope.e);
  }

  /**
   * The transport was away and is back: what the other processes sent meanwhile never arrived.
   * Runs the handlers that catch up (re-read the settings, send WebSocket clients a fresh status).
   */
  reconnected(): void {
    this.#runAll(this.#reconnectHandlers, 'reconnect');
  }

  /** Runs `handler` after every reconnect of the transport; returns the unsubscribe. */
  onReconnect(handler: () => void): () => void {
    this.#reconnectHandlers.add(handler);
    return () => this.#reconnectHandlers.delete(handler);
  }

  /** Tells every other process that `name` happened (for example: the settings file changed). */
  signal(name: string): void {
    this.#enqueue(JSON.stringify({ o: this.origin, s: name } satisfies Envelope), name);
  }

  /** Runs `handler` when another process signals `name`; returns the unsubscribe. */
  onSignal(name: string, handler: () => void): () => void {
    const handlers = this.#signalHandlers.get(name) ?? new Set();
    handlers.add(handler);
    this.#signalHandlers.set(name, handlers);
    return () => handlers.delete(handler);
  }

  /** A failing handler must not keep the others from running. */
  #runAll(handlers: Iterable<() => void>, signal: string): void {
    for (const handler of handlers) {
      try {
        handler();
      } catch (error) {
        this.#logger.error({ err: error, signal }, 'signal handler failed');
      }
    }
  }

  /** Sends what is still buffered, then stops. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushProgress();
    await this.#sending;
  }

  #onLocal(event: DomainEvent): void {
    if (event.type === 'download_progress') {
      // Progress is a stream of states: only the newest per download matters.
      this.#pendingProgress.set(String(event.data.item_id), event);
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#flushProgress();
      }, this.#options.progressEveryMs ?? 250);
      return;
    }
    // Buffered progress leaves first, so no client sees progress after "complete".
    this.#flushProgress();
    this.#send(event);
  }

  #flushProgress(): void {
    const events = [...this.#pendingProgress.values()];
    this.#pendingProgress.clear();
    for (const event of events) this.#send(event);
  }

  #send(event: DomainEvent): void {
    if (this.#transport) this.#enqueue(this.#encode(event), event.type);
  }

  /** One at a time, in order: events and signals leave in the order they happened. */
  #enqueue(payload: string, what: string): void {
    const transport = this.#transport;
    if (!transport) return;
    this.#sending = this.#sending
      .then(() => transport.publish(payload))
      .catch((error) => this.#logger.warn({ err: error, event: what }, 'event not sent to the other processes'));
  }

  /** Fits the event into the transport's limit: long strings are cut, then only the core fields stay. */
  #encode(event: DomainEvent): string {
    const max = this.#options.maxBytes ?? 7900;
    const encode = (e: DomainEvent) => JSON.stringify({ o: this.origin, e } satisfies Envelope);
    let payload = encode(event);
    if (Buffer.byteLength(payload) <= max) return payload;
    const data = event.data as Record<string, unknown>;
    const cut = Object.fromEntries(
      Object.entries(data).map(([name, value]) => [name, typeof value === 'string' && value.length > LONG_STRING ? `${value.slice(0, LONG_STRING)}…` : value]),
    );
    // The one departure from the contract's payloads: a cut event says so with `truncated`.
    payload = encode({ ...event, data: { ...cut, truncated: true } } as unknown as DomainEvent);
    if (Buffer.byteLength(payload) <= max) return payload;
    const core = Object.fromEntries(CORE_FIELDS.filter((name) => name in cut).map((name) => [name, cut[name]]));
    this.#logger.warn({ event: event.type, bytes: Buffer.byteLength(payload) }, 'event too large for the other processes; sending its core fields only');
    return encode({ ...event, data: { ...core, truncated: true } } as unknown as DomainEvent);
  }
}
