import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ContextConsumer } from '@lit/context';
import { liveContext } from '../context.ts';
import type { EventType, LiveEvent } from '../../../contract/index.ts';
import type { LiveMessage, LiveState } from './live.ts';

/** A handler per event type, given that event's payload as the contract describes it. */
type Handlers = { readonly [K in EventType]?: (message: LiveEvent<K>) => void };

/**
 * Subscribes a component to live message types while it is connected, and calls
 * `onReconnect` when the socket comes back so the component can reload what it missed.
 */
export class LiveEvents implements ReactiveController {
  readonly #consumer: ContextConsumer<typeof liveContext, ReactiveControllerHost & HTMLElement>;
  readonly #handlers: Handlers;
  readonly #onReconnect?: () => void;
  #unsubscribe: (() => void)[] = [];

  constructor(host: ReactiveControllerHost & HTMLElement, handlers: Handlers, onReconnect?: () => void) {
    this.#consumer = new ContextConsumer(host, { context: liveContext });
    this.#handlers = handlers;
    this.#onReconnect = onReconnect;
    host.addController(this);
  }

  hostConnected(): void {
    const live = this.#consumer.value;
    if (!live) return;
    for (const [type, handler] of Object.entries(this.#handlers)) this.#unsubscribe.push(live.subscribe(type, handler as (message: LiveMessage) => void));
    if (this.#onReconnect) {
      let previous: LiveState = live.state;
      this.#unsubscribe.push(live.onState((state) => {
        if (state === 'open' && previous !== 'open') this.#onReconnect?.();
        previous = state;
      }));
    }
  }

  hostDisconnected(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
  }
}
