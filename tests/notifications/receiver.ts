import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** Decides the answer to each request; the default answers 200 "ok". */
export type Responder = (request: Received, response: ServerResponse, index: number) => void;

/** A real HTTP receiver on 127.0.0.1, port 0, recording every request it gets. */
export class Receiver {
  readonly requests: Received[] = [];
  responder: Responder = (_request, response) => {
    response.end('ok');
  };
  readonly #server = createServer((request, response) => this.#handle(request, response));
  readonly #waiters = new Set<() => void>();
  url = '';

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.#server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** Resolves once `count` requests have arrived (answered or not). */
  waitForRequests(count: number): Promise<Received[]> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.requests.length < count) return;
        this.#waiters.delete(check);
        resolve(this.requests.slice(0, count));
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Resolves with the first request (already here or still to come) that matches. */
  waitFor(predicate: (request: Received) => boolean): Promise<Received> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.requests.find(predicate);
        if (!found) return;
        this.#waiters.delete(check);
        resolve(found);
      };
      this.#waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: Received = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = this.requests.push(received) - 1;
      this.responder(received, response, index);
      for (const wake of this.#waiters) wake();
    });
  }
}
