import { z } from 'zod';
import type { HttpRequest, HttpResponse } from '../../adapters/http-client.ts';
import { CheckUnsolvedError, type CheckSolver, type Pass, type PassCookie, type SolveTask } from './solver.ts';

/**
 * An external FlareSolverr-compatible service (what *arr users already run next to Prowlarr):
 * `POST <url>/v1 {"cmd": "request.get", "url", "maxTimeout"}` answers
 * `{"status": "ok", "solution": {"url", "status", "cookies": [...], "userAgent", "response"}}`.
 * Its cookies and its User-Agent are used exactly as the embedded browser's. As browser
 * transport it fetches the page itself (`request.get` / `request.post` with `postData`).
 */

const cookieSchema = z.object({
  name: z.string(),
  value: z.string(),
  domain: z.string().optional(),
  path: z.string().optional(),
  expires: z.number().optional(),
  expiry: z.number().optional(),
  httpOnly: z.boolean().optional(),
  secure: z.boolean().optional(),
  sameSite: z.string().optional(),
});

const answerSchema = z.object({
  status: z.string(),
  message: z.string().optional(),
  solution: z
    .object({
      url: z.string(),
      status: z.number(),
      headers: z.record(z.string(), z.unknown()).optional(),
      response: z.unknown().optional(),
      cookies: z.array(cookieSchema).default([]),
      userAgent: z.string().min(1),
    })
    .optional(),
});

type Solution = NonNullable<z.infer<typeof answerSchema>['solution']>;

export interface FlareSolverrOptions {
  /** The service's address, with or without the /v1 path. */
  readonly url: string;
  /** maxTimeout sent to the service (default 60 s). */
  readonly maxTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export class FlareSolverrSolver implements CheckSolver {
  readonly name = 'flaresolverr';
  /** The address as configured. */
  readonly url: string;
  readonly #endpoint: string;
  readonly #authorization: string | undefined;
  /** The address without credentials, for messages. */
  readonly #shown: string;
  readonly #maxTimeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: FlareSolverrOptions) {
    this.url = options.url;
    const url = new URL(options.url);
    url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '') + '/v1';
    // fetch refuses URLs with credentials: user:password@ travels as Basic authorization (a proxy in front of the service).
    this.#authorization =
      url.username || url.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
        : undefined;
    url.username = '';
    url.password = '';
    this.#endpoint = url.href;
    this.#shown = url.origin;
    this.#maxTimeoutMs = options.maxTimeoutMs ?? 60_000;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
  }

  async solve(task: SolveTask): Promise<Pass> {
    const solution = await this.#call({ cmd: 'request.get', url: task.url, maxTimeout: this.#maxTimeoutMs }, task.signal);
    const cookies = solution.cookies.map((cookie) => toPassCookie(cookie, task.site));
    const expiring = cookies.filter((cookie) => cookie.expires > 0);
    return {
      site: task.site,
      userAgent: solution.userAgent,
      cookies,
      obtainedAt: this.#now(),
      expiresAt: expiring.length ? Math.min(...expiring.map((cookie) => cookie.expires * 1000)) : undefined,
      solver: 'flaresolverr',
    };
  }

  async fetch(site: string, url: string, request: HttpRequest, pass: Pass | undefined): Promise<HttpResponse> {
    const post = request.method === 'POST';
    const solution = await this.#call(
      {
        cmd: post ? 'request.post' : 'request.get',
        url,
        maxTimeout: this.#maxTimeoutMs,
        ...(post ? { postData: request.body ?? '' } : {}),
        ...(pass ? { cookies: pass.cookies.map((cookie) => ({ name: cookie.name, value: cookie.value })) } : {}),
      },
      request.signal,
    );
    const headers = new Headers(Object.entries(solution.headers ?? {}).map(([name, value]) => [name, String(value)] as [string, string]));
    // The service follows redirects itself; a caller that wanted the redirect gets it back as one.
    if (request.redirect === 'manual' && solution.url && solution.url !== url) {
      headers.set('location', solution.url);
      return { status: 302, url, headers, body: '' };
    }
    return {
      status: solution.status,
      url: solution.url || url,
      headers,
      body: typeof solution.response === 'string' ? solution.response : JSON.stringify(solution.response ?? ''),
    };
  }

  async close(): Promise<void> {}

  async #call(command: Record<string, unknown>, signal?: AbortSignal): Promise<Solution> {
    const timeout = AbortSignal.timeout(this.#maxTimeoutMs + 15_000);
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.#endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.#authorization ? { authorization: this.#authorization } : {}) },
        body: JSON.stringify(command),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = timeout.aborted
        ? `no answer within ${Math.round((this.#maxTimeoutMs + 15_000) / 1000)} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new CheckUnsolvedError(`the FlareSolverr service at ${this.#shown} did not answer (${why}); check provider.flaresolverr_url`, { cause: error });
    }
    let parsed: z.infer<typeof answerSchema>;
    try {
      parsed = answerSchema.parse(JSON.parse(text));
    } catch {
      throw new CheckUnsolvedError(
        `${this.#shown} answered HTTP ${response.status} with something that is not FlareSolverr's API (${text.slice(0, 80).replace(/\s+/g, ' ')}); check provider.flaresolverr_url`,
      );
    }
    if (parsed.status !== 'ok' || !parsed.solution) {
      throw new CheckUnsolvedError(`FlareSolverr could not get ${String(command.url)}: ${parsed.message ?? `status ${parsed.status}`}`);
    }
    return parsed.solution;
  }
}

function toPassCookie(cookie: z.infer<typeof cookieSchema>, site: string): PassCookie {
  const sameSite =
    cookie.sameSite && /^(strict|lax|none)$/i.test(cookie.sameSite)
      ? ((cookie.sameSite[0].toUpperCase() + cookie.sameSite.slice(1).toLowerCase()) as PassCookie['sameSite'])
      : undefined;
  return {
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain || site,
    path: cookie.path || '/',
    expires: cookie.expires ?? cookie.expiry ?? -1,
    httpOnly: cookie.httpOnly ?? false,
    secure: cookie.secure ?? false,
    sameSite,
  };
}
