import { CookieJar } from 'tough-cookie';
import type { HttpRequest, HttpResponse } from '../../adapters/http-client.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { PassFile } from '../../adapters/pass-file.ts';
import type { ProviderHealth } from '../provider-health.ts';
import { ChallengeError } from '../errors.ts';
import { siteOf, type CheckSolver, type Pass, type PassCookie, type SolverName } from './solver.ts';
import { untilAborted } from '../until-aborted.ts';

/**
 * The browser identity the HTTP client shows and the passes it holds, per site: one User-Agent
 * (the solver's browser's, once a check was solved; the same on every later request, since
 * checks bind their pass to it), a cookie jar (pass cookies, HttpOnly ones included, and what
 * the site sets later), and the solves. One solve per site at a time: requests that hit the
 * same check wait for the solve under way instead of starting more, and a request that was sent
 * with an older pass just tries the newer one. After a failed solve the site is not tried again
 * for a while (doubling), so a check that no machine passes is never hammered. Passes are kept
 * in the data folder and reused until they stop working. A site that refuses plain HTTP even
 * with a fresh pass is fetched through the solver's browser for a while (browser transport).
 */

export interface StoredPasses {
  readonly version: 1;
  readonly user_agent?: string;
  readonly passes: readonly Pass[];
}

export interface SiteChecksOptions {
  /** Read at every solve, so a settings change (FlareSolverr URL, solver off) applies at once. */
  readonly solver: () => CheckSolver | undefined;
  readonly file?: PassFile<StoredPasses>;
  readonly health?: ProviderHealth;
  /** The provider's base URL (settings.provider.url): its site is the one health reports. */
  readonly providerUrl?: () => string;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** First pause after a failed solve (default 30 s), doubled per failure up to 10 minutes. */
  readonly retryAfterMs?: number;
  /** How long a site that refused plain HTTP is fetched through the browser (default 10 minutes). */
  readonly browserTransportMs?: number;
}

interface SiteState {
  generation: number;
  pass: Pass | undefined;
  solving: Promise<void> | undefined;
  failures: number;
  failedUntil: number;
  lastFailure: Error | undefined;
  browserUntil: number;
}

export class SiteChecks {
  readonly #options: SiteChecksOptions;
  readonly #now: () => number;
  readonly #jar = new CookieJar();
  readonly #sites = new Map<string, SiteState>();
  #userAgent: string | undefined;
  #loaded: Promise<void> | undefined;

  constructor(options: SiteChecksOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The User-Agent of the last pass, or undefined before the first (the client has its own default). */
  userAgent(): string | undefined {
    return this.#userAgent;
  }

  solverName(): SolverName | undefined {
    return this.#options.solver()?.name;
  }

  /** Reads the kept passes once, before the first request. */
  ready(): Promise<void> {
    this.#loaded ??= this.#load();
    return this.#loaded;
  }

  generation(url: string): number {
    return this.#site(siteOf(url)).generation;
  }

  pass(url: string): Pass | undefined {
    return this.#site(siteOf(url)).pass;
  }

  cookieHeader(url: string): string | undefined {
    const header = this.#jar.getCookieStringSync(url);
    return header === '' ? undefined : header;
  }

  /** Cookies a plain answer set (sites rotate them); kept for the next requests. */
  remember(url: string, setCookies: readonly string[]): void {
    for (const header of setCookies) this.#jar.setCookieSync(header, url, { ignoreError: true });
  }

  canSolve(): boolean {
    return this.#options.solver() !== undefined;
  }

  usesBrowser(url: string): boolean {
    const state = this.#site(siteOf(url));
    if (state.browserUntil === 0) return false;
    if (state.browserUntil > this.#now()) return true;
    state.browserUntil = 0;
    this.#options.logger?.info({ component: 'provider', site: siteOf(url) }, 'trying plain HTTP again after a while of browser transport');
    if (this.#isProvider(url)) this.#options.health?.setTransport('http');
    return false;
  }

  /** The site refused plain HTTP with a fresh pass: its pages come through the browser for a while. */
  useBrowser(url: string): void {
    const site = siteOf(url);
    const state = this.#site(site);
    const ms = this.#options.browserTransportMs ?? 10 * 60_000;
    state.browserUntil = this.#now() + ms;
    this.#options.logger?.warn(
      { component: 'provider', site, minutes: Math.round(ms / 60_000) },
      'the site refuses plain HTTP even with a fresh pass; fetching its pages through the browser for a while',
    );
    if (this.#isProvider(url)) this.#options.health?.setTransport('browser');
  }

  fetchThroughBrowser(url: string, request: HttpRequest): Promise<HttpResponse> {
    const solver = this.#options.solver();
    if (!solver) throw new ChallengeError(`${siteOf(url)} answers with an anti-bot check and no solver is set up`);
    return solver.fetch(siteOf(url), url, request, this.#site(siteOf(url)).pass);
  }

  /**
   * Gets a pass for the site of `url`. `seenGeneration` is the pass generation the failing
   * request was sent with: when a newer pass exists already, this returns at once.
   */
  async solve(url: string, seenGeneration: number, signal?: AbortSignal): Promise<void> {
    const site = siteOf(url);
    const state = this.#site(site);
    if (state.generation > seenGeneration) return;
    if (!state.solving) {
      if (state.lastFailure && this.#now() < state.failedUntil) throw state.lastFailure;
      state.solving = this.#solve(url, site, state).finally(() => {
        state.solving = undefined;
      });
    }
    await untilAborted(state.solving, signal);
  }

  async #solve(url: string, site: string, state: SiteState): Promise<void> {
    const solver = this.#options.solver();
    if (!solver) throw new ChallengeError(`${site} answers with an anti-bot check and no solver is set up`);
    const provider = this.#isProvider(url);
    const health = provider ? this.#options.health : undefined;
    health?.challenged(
      `${site} answers with an anti-bot check; the ${solver.name === 'embedded' ? 'embedded browser' : 'FlareSolverr service'} is solving it`,
      { solving: true },
    );
    const started = this.#now();
    this.#options.logger?.info({ component: 'provider', site, solver: solver.name }, 'solving the anti-bot check');
    try {
      const pass = await solver.solve({
        site,
        url,
        onWaitingForPerson: (reason) => health?.needsPerson(`${site}: ${reason}; a person has to solve the check`),
      });
      this.#accept(pass);
      state.pass = pass;
      state.generation++;
      state.failures = 0;
      state.lastFailure = undefined;
      health?.passObtained(pass.expiresAt);
      this.#options.logger?.info(
        {
          component: 'provider',
          site,
          solver: solver.name,
          solve_ms: this.#now() - started,
          cookies: pass.cookies.map((cookie) => cookie.name),
          pass_expires_at: pass.expiresAt ? new Date(pass.expiresAt).toISOString() : undefined,
        },
        'anti-bot check passed; its cookies are in the HTTP session',
      );
      await this.#save();
    } catch (error) {
      state.failures++;
      const pause = Math.min((this.#options.retryAfterMs ?? 30_000) * 2 ** (state.failures - 1), 10 * 60_000);
      state.failedUntil = this.#now() + pause;
      const failure =
        error instanceof ChallengeError
          ? error
          : new ChallengeError(`${site}: the anti-bot check could not be solved: ${(error as Error).message}`, { cause: error });
      state.lastFailure = failure;
      // Health hears of it from the HTTP client, which sees this error as the request's outcome.
      this.#options.logger?.warn(
        { component: 'provider', site, solver: solver.name, err: error, retry_in_s: Math.round(pause / 1000) },
        'the anti-bot check was not solved',
      );
      throw failure;
    }
  }

  /** The pass's cookies into the jar and its User-Agent as ours from now on. */
  #accept(pass: Pass): void {
    for (const cookie of pass.cookies) this.#jar.setCookieSync(toSetCookie(cookie), cookieUrl(cookie), { ignoreError: true });
    this.#userAgent = pass.userAgent;
  }

  async #load(): Promise<void> {
    const stored = await this.#options.file?.read();
    if (!stored || stored.version !== 1 || !Array.isArray(stored.passes)) return;
    for (const pass of stored.passes) {
      if (pass.expiresAt !== undefined && pass.expiresAt <= this.#now()) continue;
      this.#accept(pass);
      this.#site(pass.site).pass = pass;
      if (this.#isProvider(`http://${pass.site}/`)) this.#options.health?.passObtained(pass.expiresAt);
    }
    if (stored.user_agent) this.#userAgent = stored.user_agent;
  }

  async #save(): Promise<void> {
    if (!this.#options.file) return;
    const passes = [...this.#sites.values()].flatMap((state) => (state.pass ? [state.pass] : []));
    try {
      await this.#options.file.write({ version: 1, user_agent: this.#userAgent, passes });
    } catch (error) {
      this.#options.logger?.warn(
        { component: 'provider', err: error, file: this.#options.file.path },
        'could not keep the anti-bot passes; the next start solves again',
      );
    }
  }

  #isProvider(url: string): boolean {
    const provider = this.#options.providerUrl?.();
    if (!provider) return false;
    try {
      return siteOf(url) === siteOf(provider);
    } catch {
      return false;
    }
  }

  #site(site: string): SiteState {
    let state = this.#sites.get(site);
    if (!state) {
      state = { generation: 0, pass: undefined, solving: undefined, failures: 0, failedUntil: 0, lastFailure: undefined, browserUntil: 0 };
      this.#sites.set(site, state);
    }
    return state;
  }
}

/** Host-only cookies carry no Domain attribute (a browser reports them with the bare host). */
function toSetCookie(cookie: PassCookie): string {
  const parts = [`${cookie.name}=${cookie.value}`, `Path=${cookie.path || '/'}`];
  if (cookie.domain.startsWith('.')) parts.push(`Domain=${cookie.domain.slice(1)}`);
  if (cookie.expires > 0) parts.push(`Expires=${new Date(cookie.expires * 1000).toUTCString()}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

function cookieUrl(cookie: PassCookie): string {
  const host = cookie.domain.replace(/^\./, '');
  return `${cookie.secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}${cookie.path || '/'}`;
}
