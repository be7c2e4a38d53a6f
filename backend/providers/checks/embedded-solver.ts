import type { BrowserContext, Page, Response } from 'playwright-core';
import type { HttpRequest, HttpResponse } from '../../adapters/http-client.ts';
import type { BrowserMode, EmbeddedBrowser, SiteSession } from '../../adapters/browser/embedded-browser.ts';
import type { Logger } from '../../adapters/logger.ts';
import { CHECK_ELEMENTS, CHECK_STATUSES, CHECK_TITLES, CLICK_TARGETS, pageLooksLikeCheck } from './check-page.ts';
import { CheckUnsolvedError, type CheckSolver, type Pass, type PassCookie, type PersonCheck, type SolveTask } from './solver.ts';

/**
 * Solves checks in the embedded Chromium: open the challenged URL, let the check's scripts run,
 * click its widget the way a person would (mouse moved there, a pause, a real click: the
 * browser marks it trusted), wait until the page is the site's own, then hand over the site's
 * cookies and the browser's User-Agent. Headless first; when the check keeps coming back, once
 * more headed on a virtual display, and that site stays headed from then on.
 */

export interface EmbeddedSolverOptions {
  readonly browser: EmbeddedBrowser;
  readonly logger?: Logger;
  /** Longest one attempt (one browser mode) may take (default 30 s). */
  readonly attemptMs?: number;
  /** A check page that neither moves on by itself nor after a click for this long ends the attempt (default 12 s). */
  readonly stallMs?: number;
  /** Check pages in a row that count as "this browser is refused" (default 3). */
  readonly maxCheckLoads?: number;
  /** The manual-solve seam (see PersonCheck); without it an unsolved check fails at once. */
  readonly onPersonNeeded?: (check: PersonCheck) => void;
  /** How long a person gets (default 15 minutes). */
  readonly personWaitMs?: number;
  readonly now?: () => number;
}

type Outcome = { readonly pass: Pass } | { readonly pass?: undefined; readonly reason: string };

export class EmbeddedSolver implements CheckSolver {
  readonly name = 'embedded';
  readonly #browser: EmbeddedBrowser;
  readonly #logger: Logger | undefined;
  readonly #attemptMs: number;
  readonly #stallMs: number;
  readonly #maxCheckLoads: number;
  readonly #onPersonNeeded: ((check: PersonCheck) => void) | undefined;
  readonly #personWaitMs: number;
  readonly #now: () => number;
  /** Sites whose check refused headless: they go straight to headed. */
  readonly #headedSites = new Set<string>();
  readonly #originPages = new WeakMap<BrowserContext, Promise<Page>>();

  constructor(options: EmbeddedSolverOptions) {
    this.#browser = options.browser;
    this.#logger = options.logger;
    this.#attemptMs = options.attemptMs ?? 30_000;
    this.#stallMs = options.stallMs ?? 12_000;
    this.#maxCheckLoads = options.maxCheckLoads ?? 3;
    this.#onPersonNeeded = options.onPersonNeeded;
    this.#personWaitMs = options.personWaitMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  async solve(task: SolveTask): Promise<Pass> {
    const modes: BrowserMode[] = this.#headedSites.has(task.site) ? ['headed'] : this.#browser.canRunHeaded() ? ['headless', 'headed'] : ['headless'];
    const reasons: string[] = [];
    for (const [index, mode] of modes.entries()) {
      task.signal?.throwIfAborted();
      const last = index === modes.length - 1;
      const outcome = await this.#browser.use(task.site, mode, (session) => this.#attempt(session, task, last));
      if (outcome.pass) {
        if (mode === 'headed' && !this.#headedSites.has(task.site)) {
          this.#headedSites.add(task.site);
          this.#logger?.warn(
            { component: 'browser', site: task.site },
            'the check refused headless Chromium; passed headed on a virtual display, and this site stays headed',
          );
        }
        return outcome.pass;
      }
      reasons.push(`${mode}: ${outcome.reason}`);
      if (!last)
        this.#logger?.info(
          { component: 'browser', site: task.site, reason: outcome.reason },
          'headless Chromium did not pass the check; trying headed on a virtual display',
        );
    }
    throw new CheckUnsolvedError(`${task.site}: the browser did not get past the check (${reasons.join('; ')})`, {
      needsPerson: true,
      details: { site: task.site, url: task.url },
    });
  }

  async fetch(site: string, url: string, request: HttpRequest, pass: Pass | undefined): Promise<HttpResponse> {
    const mode: BrowserMode = this.#headedSites.has(site) ? 'headed' : 'headless';
    return this.#browser
      .use(site, mode, async (session) => {
        await addMissingCookies(session.context, pass);
        if (request.redirect === 'manual') return firstAnswer(session.context, url, request);
        const page = await this.#originPage(session.context, url);
        const answer = await page.evaluate(inPageFetch, {
          url,
          method: request.method ?? 'GET',
          headers: browserSettableHeaders(request.headers ?? {}),
          body: request.body ?? null,
          referrer: request.headers?.referer ?? request.headers?.Referer ?? null,
        });
        return { status: answer.status, url: answer.url || url, headers: new Headers(answer.headers), body: answer.body };
      })
      .catch(async (error: unknown) => {
        if (/context was destroyed|navigat|Target closed|has been closed/i.test((error as Error).message)) await this.#browser.resetSite(site);
        throw error;
      });
  }

  async close(): Promise<void> {
    await this.#browser.close();
  }

  async #attempt(session: SiteSession, task: SolveTask, personMayHelp: boolean): Promise<Outcome> {
    const deadline = this.#now() + this.#attemptMs;
    const page = await session.context.newPage();
    const frames = new MainFrameWatch(page);
    let keepPage = false;
    try {
      const before = cookieValues(await session.context.cookies());
      await page.goto(task.url, { waitUntil: 'domcontentloaded', timeout: this.#attemptMs }).catch((error: Error) => {
        // A check that reloads itself during the first load aborts it; what matters is where it lands.
        if (!/ERR_ABORTED|interrupted|frame was detached/i.test(error.message)) throw error;
      });
      let checkLoads = 0;
      for (;;) {
        task.signal?.throwIfAborted();
        const seen = frames.count;
        const check = await this.#isCheck(page, frames);
        if (check === 'navigating') {
          await frames.next(seen, Math.max(0, deadline - this.#now()));
          continue;
        }
        if (!check) return { pass: await this.#pass(session, task, before) };
        checkLoads++;
        const remaining = deadline - this.#now();
        const reason =
          checkLoads > this.#maxCheckLoads
            ? `the check came back ${checkLoads} times`
            : remaining <= 0
              ? `still a check after ${this.#attemptMs} ms`
              : undefined;
        if (reason || !(await this.#moveOn(page, frames, seen, Math.min(this.#stallMs, remaining), task.signal))) {
          const why = reason ?? `the check did not move on within ${Math.round(Math.min(this.#stallMs, remaining) / 1000)} s`;
          if (!personMayHelp || !this.#onPersonNeeded) return { reason: why };
          keepPage = true;
          return await this.#waitForPerson(session, task, page, frames, before, why);
        }
        await page.waitForLoadState('domcontentloaded').catch(() => {});
      }
    } finally {
      frames.stop();
      if (!keepPage) await page.close().catch(() => {});
    }
  }

  /** true / false, or 'navigating' when the page went away while we looked. */
  async #isCheck(page: Page, frames: MainFrameWatch): Promise<boolean | 'navigating'> {
    if (frames.lastStatus !== undefined && CHECK_STATUSES.has(frames.lastStatus)) return true;
    try {
      return await page.evaluate(pageLooksLikeCheck, { titles: CHECK_TITLES, elements: CHECK_ELEMENTS });
    } catch (error) {
      if (/context was destroyed|navigat|Target closed/i.test((error as Error).message)) return 'navigating';
      throw error;
    }
  }

  /** Waits for the check to move on by itself, clicking its widget when one shows; false when it stalls. */
  async #moveOn(page: Page, frames: MainFrameWatch, seen: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const moved = frames.next(seen, timeoutMs);
    let settled = false;
    void moved.then(() => {
      settled = true;
    });
    const clicking = (async () => {
      for (let click = 0; click < 3 && !settled; click++) {
        const target = await findClickTarget(page, moved);
        if (!target || settled || signal?.aborted) return;
        await clickLikeAPerson(page, target).catch(() => {});
        // Widgets take a moment to react; click again only when nothing happened.
        await Promise.race([moved, page.waitForTimeout(4000).catch(() => {})]);
      }
    })();
    const result = await moved;
    await clicking.catch(() => {});
    return result;
  }

  async #waitForPerson(
    session: SiteSession,
    task: SolveTask,
    page: Page,
    frames: MainFrameWatch,
    before: Map<string, string>,
    reason: string,
  ): Promise<Outcome> {
    let giveUp!: () => void;
    const gaveUp = new Promise<void>((resolve) => {
      giveUp = resolve;
    });
    let settle!: (passed: boolean) => void;
    const done = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    task.onWaitingForPerson?.(reason);
    this.#logger?.warn({ component: 'browser', site: task.site, reason }, 'the check needs a person; waiting for someone to solve it');
    this.#onPersonNeeded!({ site: task.site, url: task.url, reason, page, done, giveUp });
    const deadline = this.#now() + this.#personWaitMs;
    let stopped = false;
    void gaveUp.then(() => {
      stopped = true;
    });
    try {
      while (!stopped && this.#now() < deadline) {
        task.signal?.throwIfAborted();
        const seen = frames.count;
        const check = await this.#isCheck(page, frames);
        if (check === false) {
          settle(true);
          return { pass: await this.#pass(session, task, before) };
        }
        await Promise.race([frames.next(seen, Math.max(0, deadline - this.#now())), gaveUp]);
      }
      settle(false);
      return { reason: `${reason}; nobody solved it` };
    } catch (error) {
      settle(false);
      throw error;
    } finally {
      await page.close().catch(() => {});
    }
  }

  async #pass(session: SiteSession, task: SolveTask, before: Map<string, string>): Promise<Pass> {
    const cookies: PassCookie[] = (await session.context.cookies())
      .filter((cookie) => domainMatches(task.site, cookie.domain))
      .map((cookie) => ({
        name: cookie.name,
        value: cookie.value,
        domain: cookie.domain,
        path: cookie.path,
        expires: cookie.expires,
        httpOnly: cookie.httpOnly,
        secure: cookie.secure,
        sameSite: cookie.sameSite,
      }));
    // The pass lasts as long as the first of the cookies the check just set.
    const fresh = cookies.filter((cookie) => before.get(`${cookie.domain}|${cookie.name}`) !== cookie.value && cookie.expires > 0);
    const expiresAt = fresh.length ? Math.min(...fresh.map((cookie) => cookie.expires * 1000)) : undefined;
    return { site: task.site, userAgent: session.userAgent, cookies, obtainedAt: this.#now(), expiresAt, solver: 'embedded' };
  }

  #originPage(context: BrowserContext, url: string): Promise<Page> {
    let pending = this.#originPages.get(context);
    if (!pending) {
      pending = (async () => {
        const page = await context.newPage();
        // A page that went away (a crash, a closed context) is opened anew next time.
        page.once('close', () => this.#originPages.delete(context));
        await page.goto(`${new URL(url).origin}/`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
        return page;
      })();
      this.#originPages.set(context, pending);
      pending.catch(() => this.#originPages.delete(context));
    }
    return pending;
  }
}

/** Counts navigations of the page's main frame and remembers the status of its last document. */
class MainFrameWatch {
  count = 0;
  lastStatus: number | undefined;
  readonly #page: Page;
  readonly #waiters = new Set<() => void>();
  readonly #onFrame = (frame: unknown) => {
    if (frame !== this.#page.mainFrame()) return;
    this.count++;
    for (const wake of this.#waiters) wake();
  };
  readonly #onResponse = (response: Response) => {
    if (response.request().isNavigationRequest() && response.frame() === this.#page.mainFrame()) this.lastStatus = response.status();
  };

  constructor(page: Page) {
    this.#page = page;
    page.on('framenavigated', this.#onFrame);
    page.on('response', this.#onResponse);
  }

  /** True once the main frame navigated past `seen`; false after `timeoutMs`. */
  next(seen: number, timeoutMs: number): Promise<boolean> {
    if (this.count > seen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        if (this.count <= seen) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (moved: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(moved);
      };
      this.#waiters.add(wake);
    });
  }

  stop(): void {
    this.#page.off('framenavigated', this.#onFrame);
    this.#page.off('response', this.#onResponse);
  }
}

/** The best visible widget to click, waiting for one to show until the page moves on. */
async function findClickTarget(page: Page, moved: Promise<boolean>): Promise<{ x: number; y: number } | undefined> {
  const any = page.locator(CLICK_TARGETS.join(', ')).first();
  const appeared = await Promise.race([
    any.waitFor({ state: 'visible', timeout: 15_000 }).then(
      () => true,
      () => false,
    ),
    moved.then(() => false),
  ]);
  if (!appeared) return undefined;
  for (const [rank, selector] of CLICK_TARGETS.entries()) {
    const candidates = await page.locator(selector).all();
    for (const candidate of candidates) {
      const box = await candidate.boundingBox().catch(() => null);
      if (!box || box.width < 4 || box.height < 4) continue;
      // A checkbox is hit in its middle; a widget's frame near its left edge, where its checkbox sits.
      const x = rank === 0 ? box.x + box.width / 2 : box.x + Math.min(30, box.width / 2);
      return { x, y: box.y + box.height / 2 };
    }
  }
  return undefined;
}

/** Mouse moved over from somewhere else, a human pause, then a press and release (trusted input through CDP). */
async function clickLikeAPerson(page: Page, target: { x: number; y: number }): Promise<void> {
  const jitter = () => (Math.random() - 0.5) * 4;
  await page.mouse.move(target.x - 120 - Math.random() * 80, target.y + 60 + Math.random() * 40);
  await page.mouse.move(target.x + jitter(), target.y + jitter(), { steps: 6 + Math.floor(Math.random() * 4) });
  await page.waitForTimeout(150 + Math.random() * 250);
  await page.mouse.down();
  await page.waitForTimeout(60 + Math.random() * 80);
  await page.mouse.up();
}

function cookieValues(cookies: readonly { name: string; value: string; domain: string }[]): Map<string, string> {
  return new Map(cookies.map((cookie) => [`${cookie.domain}|${cookie.name}`, cookie.value]));
}

function domainMatches(site: string, domain: string): boolean {
  const bare = domain
    .toLowerCase()
    .replace(/^\./, '')
    .replace(/^www\./, '');
  return site === bare || site.endsWith(`.${bare}`);
}

async function addMissingCookies(context: BrowserContext, pass: Pass | undefined): Promise<void> {
  if (!pass) return;
  const present = new Set((await context.cookies()).map((cookie) => `${cookie.domain}|${cookie.name}|${cookie.value}`));
  const missing = pass.cookies.filter((cookie) => !present.has(`${cookie.domain}|${cookie.name}|${cookie.value}`));
  if (missing.length) await context.addCookies(missing.map((cookie) => ({ ...cookie })));
}

/**
 * Manual redirects: the first answer of the chain (the 3xx with its Location), as fetch with
 * redirect 'manual' would give. The browser must not follow the chain: the page it leads to (a
 * hoster's) can keep a navigation from ever committing. Chromium's Fetch domain pauses the first
 * answer; a 3xx is read and replaced by an empty page, so nothing further is loaded.
 */
async function firstAnswer(context: BrowserContext, url: string, request: HttpRequest): Promise<HttpResponse> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  try {
    let answer: { status: number; headers: Headers; redirect: boolean } | undefined;
    cdp.on('Fetch.requestPaused', (event: { requestId: string; responseStatusCode?: number; responseHeaders?: { name: string; value: string }[] }) => {
      const status = event.responseStatusCode ?? 0;
      if (!answer)
        answer = {
          status,
          headers: new Headers((event.responseHeaders ?? []).map(({ name, value }) => [name, value] as [string, string])),
          redirect: status >= 300 && status < 400,
        };
      const stop =
        status >= 300 && status < 400
          ? cdp.send('Fetch.fulfillRequest', {
              requestId: event.requestId,
              responseCode: 200,
              responseHeaders: [{ name: 'content-type', value: 'text/html' }],
              body: '',
            })
          : cdp.send('Fetch.continueRequest', { requestId: event.requestId });
      stop.catch(() => {});
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', resourceType: 'Document', requestStage: 'Response' }] });
    const referer = request.headers?.referer ?? request.headers?.Referer;
    const last = await page.goto(url, { waitUntil: 'commit', referer });
    if (!answer || !last) throw new Error(`the browser got no answer for ${url}`);
    return { status: answer.status, url, headers: answer.headers, body: answer.redirect ? '' : await last.text().catch(() => '') };
  } finally {
    await cdp.detach().catch(() => {});
    await page.close().catch(() => {});
  }
}

/** Headers a page's fetch may set (the browser sets the rest itself, as it should). */
function browserSettableHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const forbidden = new Set(['user-agent', 'cookie', 'host', 'content-length', 'referer', 'origin', 'accept-encoding', 'connection']);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !forbidden.has(name.toLowerCase())));
}

/** Runs in the site's page: the request the site's own scripts would make. */
async function inPageFetch(input: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  referrer: string | null;
}): Promise<{ status: number; url: string; headers: [string, string][]; body: string }> {
  const response = await fetch(input.url, {
    method: input.method,
    headers: input.headers,
    body: input.body,
    credentials: 'include',
    referrer: input.referrer ?? undefined,
  });
  return { status: response.status, url: response.url, headers: [...response.headers.entries()], body: await response.text() };
}
