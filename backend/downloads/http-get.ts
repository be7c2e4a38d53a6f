import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { statusError, transient } from './errors.ts';

export interface GetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** No byte for this long (connect, headers or body) fails the request as transient. */
  readonly idleTimeoutMs?: number;
}

export interface MediaResponse {
  readonly status: number;
  readonly headers: Headers;
  /** After redirects. */
  readonly url: string;
  /** The body as it arrives; every chunk counts as activity for the idle timeout. */
  readonly body: AsyncIterable<Uint8Array>;
  /**
   * The body as a Node stream, for piping straight to a file: per chunk this costs a fraction of
   * the async iteration above, which is what keeps a large MP4 near the speed of curl.
   * Call `touch()` for each chunk (idle timeout) and pass failures through `explain()`.
   */
  readable(): Readable;
  touch(): void;
  /** The abort or idle-timeout reason behind a stream failure, or the failure itself. */
  explain(error: unknown): unknown;
  /** Drops a body nobody will read. */
  discard(): void;
}

/**
 * A GET through Node's fetch (undici: on loopback it keeps pace with curl where node:http does
 * not) with redirects followed, no content coding (byte offsets must mean file offsets for
 * Range), an idle timeout and the caller's abort signal.
 */
export async function httpGet(url: string, options: GetOptions = {}): Promise<MediaResponse> {
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* reported by fetch */
  }
  // One coarse timer per request: re-arming a timer for every 64 KiB chunk costs more than the check.
  let lastActivity = performance.now();
  const timer = setInterval(
    () => {
      if (performance.now() - lastActivity >= idleMs) idle.abort(transient(`${host} sent nothing for ${Math.round(idleMs / 1000)} s`));
    },
    Math.max(10, Math.min(1000, idleMs / 4)),
  );
  timer.unref();
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'accept-encoding': 'identity', ...options.headers }, signal, redirect: 'follow' });
  } catch (error) {
    clearInterval(timer);
    throw signal.aborted ? signal.reason : error;
  }
  const stream = response.body;
  async function* body(): AsyncGenerator<Uint8Array> {
    if (!stream) return;
    try {
      for await (const chunk of stream) {
        lastActivity = performance.now();
        yield chunk;
      }
    } catch (error) {
      throw signal.aborted ? signal.reason : error;
    } finally {
      clearInterval(timer);
    }
  }
  if (!stream) clearInterval(timer);
  return {
    status: response.status,
    headers: response.headers,
    url: response.url || url,
    body: body(),
    readable() {
      if (!stream) return Readable.from([]);
      const readable = Readable.fromWeb(stream as unknown as NodeWebReadableStream<Uint8Array>);
      readable.once('close', () => clearInterval(timer));
      return readable;
    },
    touch() {
      lastActivity = performance.now();
    },
    explain(error) {
      clearInterval(timer);
      return signal.aborted ? signal.reason : error;
    },
    discard() {
      clearInterval(timer);
      stream?.cancel().catch(() => {});
    },
  };
}

/** GET and read a small text answer (playlists), failing on a non-2xx status. */
export async function httpGetText(url: string, what: string, options: GetOptions = {}): Promise<{ text: string; url: string }> {
  const { body, url: finalUrl } = await httpGetBuffer(url, what, options);
  return { text: body.toString('utf8'), url: finalUrl };
}

export async function httpGetBuffer(url: string, what: string, options: GetOptions = {}): Promise<{ body: Buffer; url: string }> {
  const { chunks, length, url: finalUrl } = await httpGetChunks(url, what, options);
  return { body: Buffer.concat(chunks, length), url: finalUrl };
}

/**
 * GET a whole (segment-sized) answer as the chunks it arrived in: copying them into one buffer
 * costs more than everything else on the HLS path, and files and pipes take chunk lists as they are.
 * Read through 'data' events, like the MP4 pump: async iteration costs several promises per chunk.
 * `onChunk` may return a promise (the speed limit); reading pauses until it settles.
 */
export async function httpGetChunks(
  url: string,
  what: string,
  options: GetOptions & { onChunk?: (chunk: Uint8Array) => Promise<void> | void } = {},
): Promise<{ chunks: Uint8Array[]; length: number; url: string }> {
  const response = await httpGet(url, options);
  if (response.status < 200 || response.status >= 300) {
    response.discard();
    throw statusError(response.status, what);
  }
  const expected = contentLength(response.headers);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const source = response.readable();
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      source.destroy();
      reject(response.explain(error));
    };
    source.on('data', (chunk: Uint8Array) => {
      response.touch();
      chunks.push(chunk);
      length += chunk.length;
      const wait = options.onChunk?.(chunk);
      if (wait) {
        source.pause();
        wait.then(() => source.resume(), fail);
      }
    });
    source.once('end', resolve);
    source.once('error', fail);
    source.once('close', () => {
      if (!source.readableEnded) fail(source.errored ?? new Error(`${what} stopped before the end`));
    });
  });
  if (expected !== null && length !== expected) throw transient(`${what} ended early (${length} of ${expected} bytes)`);
  return { chunks, length, url: response.url };
}

export function contentLength(headers: Headers): number | null {
  const raw = headers.get('content-length');
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
}
