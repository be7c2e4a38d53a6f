import type { OutgoingRequest } from './webhook-formats.ts';
import { credentialsToHeader, maskText, secretValues } from './webhook-secrets.ts';

/** What one attempt produced: enough for the attempt log and the test endpoints. */
export interface SendResult {
  readonly ok: boolean;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly response_excerpt: string | null;
  readonly error: string | null;
  /** Set when trying again cannot help (a media server without a library for our folder). */
  readonly permanent?: boolean;
}

export type WebhookTransport = (request: OutgoingRequest, timeoutMs: number) => Promise<SendResult>;

const EXCERPT_CHARS = 300;
/** Headers AniWorld sets with nothing secret in them; every other value is the hook's and is masked in texts. */
const OWN_HEADERS = /^(user-agent|content-type|x-aniworld-event|x-aniworld-delivery)$/i;

/**
 * Sends one request with a hard timeout covering the whole exchange. Redirects are not
 * followed (a receiver that moved should be updated, and a signed body must not wander).
 */
export const fetchTransport: WebhookTransport = async (request, timeoutMs) => {
  // What a receiver or the network says back may echo the URL, a token or a header: masked
  // here, before it reaches a delivery record, a log line or an API answer.
  const secrets = secretValues({ url: request.url, headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !OWN_HEADERS.test(name))) });
  const result = await send(sendable(request), timeoutMs);
  return {
    ...result,
    error: result.error === null ? null : maskText(result.error, secrets),
    response_excerpt: result.response_excerpt === null ? null : maskText(result.response_excerpt, secrets),
  };
};

/** A hook stored before user:password@ was turned into a header: fetch refuses such URLs, so convert it here. */
function sendable(request: OutgoingRequest): OutgoingRequest {
  try {
    const { url, headers } = credentialsToHeader(request.url, request.headers);
    return { ...request, url, headers };
  } catch {
    const parsed = new URL(request.url);
    parsed.username = '';
    parsed.password = '';
    return { ...request, url: parsed.toString() };
  }
}

async function send(request: OutgoingRequest, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const excerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status_code: response.status,
      latency_ms: elapsed(),
      response_excerpt: excerpt,
      error: ok ? null : `Receiver answered HTTP ${response.status}`,
    };
  } catch (error) {
    return { ok: false, status_code: null, latency_ms: elapsed(), response_excerpt: null, error: explain(error, request.url, timeoutMs) };
  }
}

/** Reads only the start of the reply: a receiver answering megabytes must not cost us memory. */
async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** The real cause of a failed request in words, naming the host but never the full URL (it may carry a token). */
export function explain(error: unknown, url: string, timeoutMs: number): string {
  const failure = error as Error & { cause?: { code?: string; message?: string } };
  const host = new URL(url).host;
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `No answer from ${host} within ${timeoutMs} ms`;
  switch (failure.cause?.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup failed for ${new URL(url).hostname}`;
    case 'ECONNREFUSED':
      return `Connection refused by ${host}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `Connection to ${host} was closed before an answer`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} is unreachable`;
  }
  if (failure.cause?.code?.startsWith('ERR_TLS') || /certificate/i.test(failure.cause?.message ?? ''))
    return `TLS error talking to ${host}: ${failure.cause?.message}`;
  return `Request to ${host} failed: ${failure.cause?.message ?? failure.message}`;
}
