import type { HttpRequest, HttpResponse } from '../../adapters/http-client.ts';
import type { Page } from 'playwright-core';
import { ChallengeError } from '../errors.ts';

/**
 * What a check solver is: given a URL whose site answers with an anti-bot check, come back with
 * a pass (the site's cookies, HttpOnly ones included, and the User-Agent they are bound to), or
 * fetch a page the way the solver's browser does (browser transport). Two exist: the embedded
 * Chromium (embedded-solver.ts) and a FlareSolverr-compatible service (flaresolverr-solver.ts).
 */

export type SolverName = 'embedded' | 'flaresolverr';

/** A cookie as browsers and FlareSolverr report it: `expires` in seconds since the epoch, -1 for a session cookie. */
export interface PassCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  readonly expires: number;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
}

export interface Pass {
  /** Host name the pass is for (www. dropped). */
  readonly site: string;
  readonly userAgent: string;
  readonly cookies: readonly PassCookie[];
  readonly obtainedAt: number;
  /** When the check's own cookie runs out, when the site says (ms since the epoch). */
  readonly expiresAt?: number;
  readonly solver: SolverName;
}

/**
 * The manual-solve seam: when no machine could pass a check, the embedded solver hands the live
 * page to whoever attached with `onPersonNeeded` (a screencast page for a person), keeps the
 * page open and goes on waiting until the check is gone, `giveUp()` is called or time runs out.
 */
export interface PersonCheck {
  readonly site: string;
  readonly url: string;
  /** Why the machine gave up, real cause first. */
  readonly reason: string;
  /** The browser tab showing the check; a person's clicks and keys go here. */
  readonly page: Page;
  /** Settles when the wait is over: true when the check was passed. */
  readonly done: Promise<boolean>;
  giveUp(): void;
}

export interface SolveTask {
  readonly site: string;
  readonly url: string;
  readonly signal?: AbortSignal;
  /** The solver stopped trying by itself and now waits for a person (health shows it). */
  readonly onWaitingForPerson?: (reason: string) => void;
}

export interface CheckSolver {
  readonly name: SolverName;
  solve(task: SolveTask): Promise<Pass>;
  /**
   * Browser transport: the page as the solver's browser gets it (for sites that refuse plain
   * HTTP even with a pass). A check answer comes back as such; the caller decides to solve.
   */
  fetch(site: string, url: string, request: HttpRequest, pass: Pass | undefined): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** The solver tried and the site still shows its check. `needsPerson`: a machine will not pass it. */
export class CheckUnsolvedError extends ChallengeError {
  readonly needsPerson: boolean;

  constructor(message: string, options: { needsPerson?: boolean; cause?: unknown; details?: unknown } = {}) {
    super(message, options);
    this.needsPerson = options.needsPerson ?? false;
  }
}

/** Host name without www., the unit one pass and one solve are for. */
export function siteOf(url: string | URL): string {
  return (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase().replace(/^www\./, '');
}
