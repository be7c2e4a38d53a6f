import { ChallengeError, ParseError, ProviderUnavailableError } from '../providers/errors.ts';
import type { ProviderHealth } from '../providers/provider-health.ts';
import type { SiteChecks } from '../providers/checks/site-checks.ts';
import { CheckUnsolvedError } from '../providers/checks/solver.ts';
import type { Dispatcher } from 'undici';

/**
 * The one place that talks HTTP to the provider and the hosters: browser-like headers, a timeout
 * per attempt, bounded retries with exponential backoff for transient failures, a per-host rate
 * limit read live from the settings, and anti-bot challenge detection. With `checks` it also
 * carries the browser identity of passed checks (their User-Agent and cookies), has a check
 * solved when one answers, and fetches through the browser a site that refuses plain HTTP.
 */

export const BROWSER_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const BROWSER_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': BROWSER_USER_AGENT,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7',
};

const CHALLENGE_STATUSES = new Set([403, 429, 503]);
const CHALLENGE_MARKERS = ['cf-challenge', 'captcha', 'just a moment', 'verifizierung', 'attention required'];
const CHALLENGE_SNIFF_BYTES = 1024;
/** Pages and playlists are small; anything bigger is not what we asked for (and must not fill the RAM of a NAS). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface HttpLimits {
  readonly requests_per_second: number;
  readonly timeout_ms: number;
}

export interface HttpRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** 'manual' hands 3xx answers back instead of following them (provider redirects). */
  readonly redirect?: 'follow' | 'manual';
  readonly signal?: AbortSignal;
  /** false: a check answer fails at once instead of being solved (health probes, tests). */
  readonly solve?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  /** Final URL after redirects. */
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

export interface HttpClientOptions {
  /** Read before every request so that settings changes apply at once. */
  readonly limits: () => HttpLimits;
  /** Extra attempts after the first one for transient failures (default 3). */
  readonly retries?: number;
  /** First backoff delay; doubles per attempt (default 500 ms). */
  readonly backoffMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly fetch?: typeof fetch;
  /** Where answers of the provider's own host are reported (hosters are not the provider). */
  readonly health?: ProviderHealth;
  /** The provider's base URL (settings.provider.url), read live; its host is the one reported to `health`. */
  readonly providerUrl?: () => string;
  /** Passes, identity and the check solver (see providers/checks/site-checks.ts); without it a check fails at once. */
  readonly checks?: SiteChecks;
  /** Connections for a URL (DNS over HTTPS, see doh-resolver.ts); undefined = the default ones. */
  readonly dispatcher?: (url: string) => Dispatcher | undefined;
}

export class HttpClient {
  readonly #limits: () => HttpLimits;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #fetch: typeof fetch;
  readonly #health: ProviderHealth | undefined;
  readonly #providerUrl: (() => string) | undefined;
  readonly #checks: SiteChecks | undefined;
  readonly #dispatcher: ((url: string) => Dispatcher | undefined) | undefined;
  /** Per host: the earliest time the next request may start. */
  readonly #nextSlot = new Map<string, number>();

  constructor(options: HttpClientOptions) {
    this.#limits = options.limits;
    this.#retries = options.retries ?? 3;
    this.#backoffMs = options.backoffMs ?? 500;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#fetch = options.fetch ?? fetch;
    this.#health = options.health;
    this.#providerUrl = options.providerUrl;
    this.#checks = options.checks;
    this.#dispatcher = options.dispatcher;
  }

  /** The User-Agent every request carries: the one of the last passed check, else a common desktop Chrome. Media requests send it too. */
  get userAgent(): string {
    return this.#checks?.userAgent() ?? BROWSER_USER_AGENT;
  }

  /**
   * Answers every status the caller may want to interpret (2xx, 3xx with manual redirects, 404).
   * Throws ChallengeError for anti-bot answers and ProviderUnavailableError once retries are spent.
   */
  async request(url: string, request: HttpRequest = {}): Promise<HttpResponse> {
    const health = this.#health && this.#isProvider(url) ? this.#health : undefined;
    if (!health) return this.#request(url, request);
    try {
      const response = await this.#request(url, request);
      health.succeeded();
      return response;
    } catch (error) {
      if (error instanceof CheckUnsolvedError && error.needsPerson) health.needsPerson(error.message);
      else if (error instanceof ChallengeError) health.challenged(error.message);
      else if (error instanceof ProviderUnavailableError) health.failed(error.message);
      throw error;
    }
  }

  #isProvider(url: string): boolean {
    if (!this.#providerUrl) return false;
    const bare = (host: string) => host.toLowerCase().replace(/^www\./, '');
    try {
      return bare(new URL(url).host) === bare(new URL(this.#providerUrl()).host);
    } catch {
      return false;
    }
  }

  /** A check answer is solved once (or waits for the solve under way), then the request goes again. */
  async #request(url: string, request: HttpRequest): Promise<HttpResponse> {
    const checks = this.#checks;
    await checks?.ready();
    let solved = false;
    for (;;) {
      const generation = checks?.generation(url) ?? 0;
      const viaBrowser = checks?.usesBrowser(url) ?? false;
      const response = viaBrowser ? await this.#throughBrowser(url, request) : await this.#send(url, request);
      if (!isChallenge(response.status, response.headers, response.body)) {
        if (response.status >= 500)
          throw new ProviderUnavailableError(`${new URL(url).host} answered HTTP ${response.status} for ${new URL(url).pathname} through the browser`, {
            details: { url, status: response.status },
          });
        return response;
      }
      const check = new ChallengeError(
        `${new URL(url).host} answered with an anti-bot challenge (HTTP ${response.status}) for ${new URL(url).pathname}${solved ? ' even after the check was solved' : ''}`,
        { details: { url, status: response.status } },
      );
      if (!checks?.canSolve() || request.solve === false) throw check;
      if (solved) {
        // A fresh pass that plain HTTP still cannot use: the site wants the browser itself.
        if (viaBrowser) throw check;
        checks.useBrowser(url);
        continue;
      }
      // The browser opens the page itself; a form post is solved on the site's start page.
      await checks.solve((request.method ?? 'GET') === 'GET' ? url : `${new URL(url).origin}/`, generation, request.signal);
      solved = true;
    }
  }

  async #throughBrowser(url: string, request: HttpRequest): Promise<HttpResponse> {
    await this.#waitForSlot(new URL(url).host, request.signal);
    const timeoutMs = this.#limits().timeout_ms;
    let timer: NodeJS.Timeout | undefined;
    try {
      // A page of the browser can hang where a socket would time out: the same limit applies.
      return await Promise.race([
        this.#checks!.fetchThroughBrowser(url, request),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      if (error instanceof ChallengeError || request.signal?.aborted) throw error;
      throw new ProviderUnavailableError(`${new URL(url).host} did not answer for ${new URL(url).pathname} through the browser: ${(error as Error).message}`, {
        cause: error,
        details: { url },
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Plain HTTP with retries; a check answer is handed back (the caller decides), transient failures are retried. */
  async #send(url: string, request: HttpRequest): Promise<HttpResponse> {
    const host = new URL(url).host;
    let lastProblem = '';
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) await this.#sleep(this.#backoffMs * 2 ** (attempt - 1), request.signal);
      await this.#waitForSlot(host, request.signal);
      let response: Response;
      let body: string;
      const timeout = AbortSignal.timeout(this.#limits().timeout_ms);
      try {
        const dispatcher = this.#dispatcher?.(url);
        response = await this.#fetch(url, {
          method: request.method ?? 'GET',
          headers: this.#headers(url, request),
          body: request.body,
          redirect: request.redirect ?? 'follow',
          signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
          // Node's fetch takes an undici dispatcher (not in the DOM types).
          ...(dispatcher ? { dispatcher } : {}),
        } as RequestInit);
        body = await readLimited(response, url);
      } catch (error) {
        if (error instanceof ParseError) throw error;
        if (request.signal?.aborted) throw request.signal.reason ?? error;
        lastProblem = timeout.aborted ? `no answer within ${this.#limits().timeout_ms} ms` : describeNetworkError(error);
        continue;
      }
      this.#checks?.remember(response.url || url, response.headers.getSetCookie());
      const answer = { status: response.status, url: response.url || url, headers: response.headers, body };
      if (isChallenge(response.status, response.headers, body)) return answer;
      if (response.status >= 500) {
        lastProblem = `HTTP ${response.status}`;
        continue;
      }
      return answer;
    }
    throw new ProviderUnavailableError(`${host} did not answer for ${new URL(url).pathname} after ${this.#retries + 1} attempts: ${lastProblem}`, {
      details: { url, attempts: this.#retries + 1, last_error: lastProblem },
    });
  }

  #headers(url: string, request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { ...BROWSER_HEADERS, 'user-agent': this.userAgent, ...lowerCaseKeys(request.headers ?? {}) };
    const cookies = this.#checks?.cookieHeader(url);
    if (cookies) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookies}` : cookies;
    return headers;
  }

  async #waitForSlot(host: string, signal?: AbortSignal): Promise<void> {
    const interval = 1000 / this.#limits().requests_per_second;
    const now = this.#now();
    const slot = Math.max(now, this.#nextSlot.get(host) ?? 0);
    this.#nextSlot.set(host, slot + interval);
    if (slot > now) await this.#sleep(slot - now, signal);
  }
}

export function isChallenge(status: number, headers: Headers, body: string): boolean {
  if (CHALLENGE_STATUSES.has(status)) return true;
  if (/json/i.test(headers.get('content-type') ?? '')) return false;
  const head = body.slice(0, CHALLENGE_SNIFF_BYTES).toLowerCase();
  return CHALLENGE_MARKERS.some((marker) => head.includes(marker));
}

async function readLimited(response: Response, url: string): Promise<string> {
  if (!response.body) return '';
  if (Number(response.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
    await response.body.cancel();
    throw new ParseError(`${new URL(url).host} answered ${response.headers.get('content-length')} bytes for ${new URL(url).pathname}; expected a page`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > MAX_BODY_BYTES)
      throw new ParseError(`${new URL(url).host} answered more than ${MAX_BODY_BYTES} bytes for ${new URL(url).pathname}; expected a page`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
