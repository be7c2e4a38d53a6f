import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  readonly body: Buffer;
  readonly type?: string;
  /** Answer 200 with the whole body even when a Range is asked for. */
  readonly ignoreRange?: boolean;
  /** Destroy the connection after this many body bytes, on the first request only. */
  readonly cutOnceAfter?: number;
  /**
   * With cutOnceAfter: cut only once this settles. A test resolves it when the client has the
   * bytes sent so far, so the drop never overtakes them (on a loaded machine it can).
   */
  readonly cutWhen?: Promise<unknown>;
  /** Pause this long between 16 KiB chunks (slow mode). */
  readonly chunkDelayMs?: number;
  readonly status?: number;
}

export interface LoggedRequest {
  readonly path: string;
  readonly range: string | undefined;
  readonly headers: IncomingMessage['headers'];
}

/** A small media host for transfer tests: Range support, request log, failure switches. */
export class MediaServer {
  readonly files = new Map<string, ServedFile>();
  readonly log: LoggedRequest[] = [];
  readonly #server: Server;
  readonly #cut = new Set<string>();
  url = '';

  constructor() {
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Forgets files, requests and which connections were already cut, between tests. */
  reset(): void {
    this.files.clear();
    this.log.length = 0;
    this.#cut.clear();
  }

  requests(path: string): LoggedRequest[] {
    return this.log.filter((entry) => entry.path === path);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    this.log.push({ path, range: request.headers.range, headers: request.headers });
    const file = this.files.get(path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (file.status) {
      response.writeHead(file.status, { 'content-type': 'text/html' }).end('<html>nope</html>');
      return;
    }
    let start = 0;
    let end = file.body.length - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const headers: Record<string, string | number> = { 'content-type': file.type ?? 'video/mp4', 'accept-ranges': 'bytes' };
    if (range && !file.ignoreRange) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), end) : end;
      if (start > end) {
        response.writeHead(416, { 'content-range': `bytes */${file.body.length}` }).end();
        return;
      }
      response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${file.body.length}`, 'content-length': end - start + 1 });
    } else {
      response.writeHead(200, { ...headers, 'content-length': file.body.length });
    }
    const cutAt = file.cutOnceAfter !== undefined && !this.#cut.has(path) ? file.cutOnceAfter : undefined;
    if (cutAt !== undefined) this.#cut.add(path);
    let sent = 0;
    for (let offset = start; offset <= end; offset += 16 * 1024) {
      if (response.destroyed) return;
      const chunk = file.body.subarray(offset, Math.min(end + 1, offset + 16 * 1024));
      if (cutAt !== undefined && sent + chunk.length > cutAt) {
        response.write(chunk.subarray(0, cutAt - sent));
        await file.cutWhen;
        response.destroy();
        return;
      }
      sent += chunk.length;
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
      if (file.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, file.chunkDelayMs));
    }
    response.end();
  }
}
