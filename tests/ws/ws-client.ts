import { WebSocket } from 'ws';

export interface LiveMessage {
  type: string;
  timestamp: string;
  data: any;
}

/** A real ws client that records every message and lets a test await the one it needs. */
export class LiveClient {
  readonly socket: WebSocket;
  readonly messages: LiveMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #waiters = new Set<() => void>();

  constructor(url: string, options: { headers?: Record<string, string> } = {}) {
    this.socket = new WebSocket(url, { headers: options.headers });
    this.socket.on('message', (raw) => {
      this.messages.push(JSON.parse(String(raw)));
      for (const wake of this.#waiters) wake();
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      this.socket.on('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        for (const wake of this.#waiters) wake();
      }),
    );
  }

  static async open(url: string, options: { headers?: Record<string, string> } = {}): Promise<LiveClient> {
    const client = new LiveClient(url, options);
    await new Promise<void>((resolve, reject) => {
      client.socket.once('open', () => resolve());
      client.socket.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Resolves with the first recorded message matching; fails if the socket closes first. */
  waitFor(predicate: (message: LiveMessage) => boolean, what = 'message'): Promise<LiveMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(predicate);
        if (found) {
          this.#waiters.delete(check);
          resolve(found);
        } else if (this.socket.readyState === WebSocket.CLOSED) {
          this.#waiters.delete(check);
          reject(new Error(`socket closed while waiting for ${what}`));
        }
      };
      this.#waiters.add(check);
      check();
    });
  }

  async join(room: string): Promise<void> {
    this.send({ action: 'join', room });
    await this.waitFor((message) => message.type === 'joined' && message.data.room === room, `joined ${room}`);
  }

  of(type: string): LiveMessage[] {
    return this.messages.filter((message) => message.type === type);
  }

  close(): void {
    this.socket.terminate();
  }
}

export function wsUrl(httpUrl: string, query = ''): string {
  return `${httpUrl.replace(/^http/, 'ws')}/ws/connect${query}`;
}
