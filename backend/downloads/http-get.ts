import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { statusError, transient } from './errors.ts';

export interface GetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** No byte for this long (connect or body) fails the request as transient. */
  readonly idleTimeoutMs?: number;
  readonly maxRedirects?: number;
}

/**
 * A GET on node:http that follows redirects and hands back the response stream without reading
 * it (the body goes straight to disk). node:http rather than fetch: no web-stream bridge on the
 * hot path, and idle timeouts per socket.
 */
export async function httpGet(url: string, options: GetOptions = {}): Promise<IncomingMessage> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await once(current, options);
    const location = response.headers.location;
    if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
      response.resume();
      if (hop >= (options.maxRedirects ?? 5)) throw transient(`Too many redirects for ${current.host}`);
      current = new URL(location, current);
      continue;
    }
    return response;
  }
}

/** GET and read a small text answer (playlists), failing on a non-2xx status. */
export async function httpGetText(url: string, what: string, options: GetOptions = {}): Promise<{ text: string; url: string }> {
  const buffer = await httpGetBuffer(url, what, { ...options });
  return { text: buffer.body.toString('utf8'), url: buffer.url };
}

export async function httpGetBuffer(url: string, what: string, options: GetOptions & { onChunk?: (chunk: Buffer) => Promise<void> | void } = {}): Promise<{ body: Buffer; url: string; expected: number | null }> {
  const response = await httpGet(url, options);
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.resume();
    throw statusError(status, what);
  }
  const expected = response.headers['content-length'] !== undefined ? Number(response.headers['content-length']) : null;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (options.onChunk) await options.onChunk(chunk);
    chunks.push(chunk);
    length += chunk.length;
  }
  if (expected !== null && length !== expected) throw transient(`${what} ended early (${length} of ${expected} bytes)`);
  return { body: Buffer.concat(chunks, length), url: responseUrl(response, url), expected };
}

function responseUrl(response: IncomingMessage, fallback: string): string {
  return (response as IncomingMessage & { finalUrl?: string }).finalUrl ?? fallback;
}

function once(url: URL, options: GetOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!request) return Promise.reject(transient(`Unsupported media URL scheme ${url.protocol}`));
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    // Abort by hand rather than through request({signal}): destroying a request whose response has
    // already ended hands its pooled keep-alive socket an error nobody listens to.
    const req = request(url, { method: 'GET', headers: { 'accept-encoding': 'identity', ...options.headers } });
    const onAbort = () => {
      reject(signal!.reason);
      req.destroy();
    };
    const detach = () => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(options.idleTimeoutMs ?? 30_000, () => {
      req.destroy(transient(`${url.host} sent nothing for ${Math.round((options.idleTimeoutMs ?? 30_000) / 1000)} s`));
    });
    req.once('response', (response) => {
      (response as IncomingMessage & { finalUrl?: string }).finalUrl = url.href;
      // Readers see errors through the stream; this keeps one nobody reads from crashing the process.
      response.on('error', () => {});
      response.once('close', detach);
      resolve(response);
    });
    req.on('error', (error) => {
      detach();
      reject(error);
    });
    req.end();
  });
}
