/**
 * Provider health: how the provider site answers us right now, as the provider HTTP client sees
 * it. The client reports after every request to the provider's host (hosters do not count: a
 * broken hoster is a reason to try the next one, not an outage); nothing else writes here.
 *
 * The report (`current()`, also `provider` in /api/health):
 * - `status`
 *   - `ok`: the last provider request got the site's real answer (404 included), or nothing was
 *     asked yet.
 *   - `check`: the site answers with an anti-bot check that we have not passed; `solving` says a
 *     solver is at work, `needs_person` that no machine could pass it and a person has to.
 *   - `down`: the site did not answer (DNS, network, timeout, 5xx after retries, the solver
 *     service unreachable).
 * - `last_error`: the most recent problem in words, real cause first; kept after recovery so the
 *   user can see what happened; null until the first one.
 * - `checked_at`: ISO time of the last report, null before the first provider request.
 * - `changed_at`: ISO time of the last status change.
 * - `solver`: who answers checks: `embedded` (our Chromium), `flaresolverr` (an external
 *   FlareSolverr-compatible service), `none` (no browser found and no service set).
 * - `pass_expires_at`: when the pass of the last solved check expires, when known.
 * - `transport`: `http` (plain requests with the pass cookies) or `browser` (the site refused
 *   plain requests even with a pass, so pages are fetched through the browser for a while).
 * - `hint`: advice for the user (for example that the system resolver blocks the name and DNS
 *   over HTTPS is on), or absent.
 *
 * Notifications: `subscribe(listener)` calls `listener(report, previous)` on every change of
 * `status` (and of `needs_person`), never for a repeated `ok`, so the queue can pause on `check` /
 * `down` and resume on `ok`. `whenOk(signal)` resolves at the next `ok` (at once when ok).
 * `withProbe(health, request)` adds `probe()`: one cheap request to the provider through the
 * client, so a paused queue can find out that the site is back without a download.
 */

export type ProviderStatus = 'ok' | 'check' | 'down';
export type SolverKind = 'embedded' | 'flaresolverr' | 'none';
export type ProviderTransport = 'http' | 'browser';

export interface ProviderHealthReport {
  readonly status: ProviderStatus;
  readonly last_error: string | null;
  readonly checked_at: string | null;
  readonly changed_at: string | null;
  readonly solver: SolverKind;
  readonly pass_expires_at?: string;
  readonly transport: ProviderTransport;
  /** Only while status is `check`: a solve is running. */
  readonly solving?: boolean;
  /** Only while status is `check`: the automatic solve failed; a person has to pass the check. */
  readonly needs_person?: boolean;
  readonly hint?: string;
}

export type ProviderHealthListener = (report: ProviderHealthReport, previous: ProviderHealthReport) => void;

export interface ProviderHealthOptions {
  readonly now?: () => number;
  /** Read on every report, so a settings change (FlareSolverr URL) shows at once. */
  readonly solver?: () => SolverKind;
  /** Logged when a listener throws; a failing listener must not break the request that reported. */
  readonly onListenerError?: (error: unknown) => void;
}

interface State {
  status: ProviderStatus;
  lastError: string | null;
  checkedAt: number | null;
  changedAt: number | null;
  passExpiresAt: number | null;
  transport: ProviderTransport;
  solving: boolean;
  needsPerson: boolean;
  hint: string | undefined;
}

export class ProviderHealth {
  readonly #now: () => number;
  readonly #solver: () => SolverKind;
  readonly #onListenerError: (error: unknown) => void;
  readonly #listeners = new Set<ProviderHealthListener>();
  readonly #state: State = {
    status: 'ok',
    lastError: null,
    checkedAt: null,
    changedAt: null,
    passExpiresAt: null,
    transport: 'http',
    solving: false,
    needsPerson: false,
    hint: undefined,
  };

  constructor(options: ProviderHealthOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#solver = options.solver ?? (() => 'none');
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  current(): ProviderHealthReport {
    const state = this.#state;
    const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());
    return Object.freeze({
      status: state.status,
      last_error: state.lastError,
      checked_at: iso(state.checkedAt),
      changed_at: iso(state.changedAt),
      solver: this.#solver(),
      ...(state.passExpiresAt !== null ? { pass_expires_at: iso(state.passExpiresAt)! } : {}),
      transport: state.transport,
      ...(state.status === 'check' ? { solving: state.solving, needs_person: state.needsPerson } : {}),
      ...(state.hint ? { hint: state.hint } : {}),
    });
  }

  /** The site gave its real answer. */
  succeeded(): void {
    this.#update({ status: 'ok', solving: false, needsPerson: false });
  }

  /** The site answered with a check; `solving` while a solver works on it. */
  challenged(message: string, options: { solving?: boolean } = {}): void {
    this.#update({ status: 'check', lastError: message, solving: options.solving ?? false, needsPerson: false });
  }

  /** The automatic solve failed and only a person can pass this check (the manual-solve seam). */
  needsPerson(message: string): void {
    this.#update({ status: 'check', lastError: message, solving: false, needsPerson: true });
  }

  /** The site (or the solver service) did not answer. */
  failed(message: string): void {
    this.#update({ status: 'down', lastError: message, solving: false, needsPerson: false });
  }

  /** A check was passed; the pass is good until `expiresAt` (ms since the epoch) when known. */
  passObtained(expiresAt: number | undefined): void {
    this.#state.passExpiresAt = expiresAt ?? null;
  }

  passDropped(): void {
    this.#state.passExpiresAt = null;
  }

  setTransport(transport: ProviderTransport): void {
    this.#state.transport = transport;
  }

  /** Advice for the user that outlives single requests (DNS blocked, solver misconfigured); undefined clears it. */
  setHint(hint: string | undefined): void {
    this.#state.hint = hint;
  }

  subscribe(listener: ProviderHealthListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves at the next `ok` report (at once when the provider is ok); rejects when `signal` aborts. */
  whenOk(signal?: AbortSignal): Promise<void> {
    if (this.#state.status === 'ok') return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        stop();
        reject(signal!.reason);
      };
      const stop = this.subscribe((report) => {
        if (report.status !== 'ok') return;
        stop();
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #update(change: Partial<State>): void {
    const previous = this.current();
    Object.assign(this.#state, change);
    const now = this.#now();
    this.#state.checkedAt = now;
    const changed = previous.status !== this.#state.status || (previous.needs_person ?? false) !== this.#state.needsPerson;
    if (!changed) return;
    this.#state.changedAt = now;
    const report = this.current();
    for (const listener of [...this.#listeners]) {
      try {
        listener(report, previous);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}

/** What the queue watches: the report, its changes, and a way to ask the site once. */
export interface ProbedProviderHealth {
  current(): ProviderHealthReport;
  subscribe(listener: ProviderHealthListener): () => void;
  /** One request to the provider through the client; its outcome lands in the health as any other. Never throws. */
  probe(): Promise<ProviderHealthReport>;
}

/**
 * The health plus a probe through the provider client. Kept apart from ProviderHealth: the client
 * reports to the health, so the health holding the client would be a cycle.
 */
export function withProbe(health: ProviderHealth, request: () => Promise<unknown>): ProbedProviderHealth {
  return {
    current: () => health.current(),
    subscribe: (listener) => health.subscribe(listener),
    probe: async () => {
      await request().catch(() => {});
      return health.current();
    },
  };
}
