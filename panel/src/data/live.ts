/**
 * The WebSocket connection to /ws/connect: authenticates with the session token, joins rooms,
 * reconnects with exponential backoff and tells listeners about messages and its own state.
 */
import { toUrl } from '../base.ts';
export type LiveRoom = 'downloads' | 'download_progress' | 'scan_progress';
export type LiveState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface LiveMessage<T = Record<string, unknown>> {
  readonly type: string;
  readonly timestamp: string;
  readonly data: T;
}

type MessageListener = (message: LiveMessage) => void;
type StateListener = (state: LiveState) => void;

export interface LiveOptions {
  readonly url: () => string;
  readonly token: () => string | undefined;
  readonly onUnauthorized: () => void;
  readonly rooms?: readonly LiveRoom[];
  readonly createSocket?: (url: string) => WebSocket;
}

/** 1 s, 2 s, 4 s ... capped at 30 s, with jitter so many tabs do not reconnect in step. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.75 + random() * 0.5));
}

export class LiveConnection {
  readonly #options: LiveOptions;
  readonly #listeners = new Map<string, Set<MessageListener>>();
  readonly #stateListeners = new Set<StateListener>();
  #socket: WebSocket | undefined;
  #state: LiveState = 'idle';
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wanted = false;
  #retryAt = 0;

  constructor(options: LiveOptions) {
    this.#options = options;
  }

  get state(): LiveState {
    return this.#state;
  }

  /** When the next reconnect attempt happens (epoch ms), for the "retrying in" hint. */
  get retryAt(): number {
    return this.#retryAt;
  }

  start(): void {
    this.#wanted = true;
    if (!this.#socket) this.#open();
  }

  stop(): void {
    this.#wanted = false;
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'logout');
    this.#attempt = 0;
    this.#setState('idle');
  }

  /** Reconnect now instead of waiting for the backoff timer. */
  retryNow(): void {
    if (!this.#wanted || this.#state === 'open') return;
    clearTimeout(this.#timer);
    this.#socket?.close();
    this.#socket = undefined;
    this.#open();
  }

  /** `type` is a message type, or '*' for every message. Returns the unsubscribe function. */
  subscribe(type: string, listener: MessageListener): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onState(listener: StateListener): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  #open(): void {
    const token = this.#options.token();
    if (!token) {
      this.#setState('unauthorized');
      return;
    }
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    const url = `${this.#options.url()}?token=${encodeURIComponent(token)}`;
    let socket: WebSocket;
    try {
      socket = (this.#options.createSocket ?? ((address) => new WebSocket(address)))(url);
    } catch {
      this.#schedule();
      return;
    }
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (this.#socket !== socket) return;
      this.#attempt = 0;
      for (const room of this.#options.rooms ?? ['downloads', 'download_progress', 'scan_progress']) {
        socket.send(JSON.stringify({ action: 'join', room }));
      }
      this.#setState('open');
    });
    socket.addEventListener('message', (event) => {
      if (this.#socket !== socket) return;
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveMessage;
      } catch {
        return;
      }
      if (typeof message?.type !== 'string') return;
      this.#dispatch(message);
    });
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (event.code === 4401) {
        this.#wanted = false;
        this.#setState('unauthorized');
        this.#options.onUnauthorized();
        return;
      }
      if (this.#wanted) this.#schedule();
    });
  }

  #schedule(): void {
    const delay = backoffDelay(this.#attempt);
    this.#attempt += 1;
    this.#retryAt = Date.now() + delay;
    this.#setState('reconnecting');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  #dispatch(message: LiveMessage): void {
    for (const key of [message.type, '*']) {
      for (const listener of this.#listeners.get(key) ?? []) {
        try {
          listener(message);
        } catch (error) {
          console.error('live listener failed', error);
        }
      }
    }
  }

  #setState(state: LiveState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}

export function liveUrl(location: Location = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${toUrl('/ws/connect')}`;
}
