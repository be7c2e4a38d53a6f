import { existsSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Logger } from '../logger.ts';
import { findXvfb, startVirtualDisplay, type VirtualDisplay } from './virtual-display.ts';

/**
 * The embedded Chromium (playwright-core driving the system's browser, no download of its own).
 * Started only when a check has to be solved, closed again after a few idle minutes; never at
 * boot. Each site gets its own browser context, so its cookies stay apart and survive between
 * solves while the browser runs. A `headed` instance draws on a virtual display (Xvfb) for the
 * checks that refuse headless browsers.
 */

export type BrowserMode = 'headless' | 'headed';

/** Where Debian, Alpine and Chrome put the browser; ANIWORLD_CHROMIUM names another. */
const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium-headless-shell',
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/google-chrome',
];

export function findChromium(configured?: string): string | undefined {
  if (configured) return existsSync(configured) ? configured : undefined;
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path));
}

/** A normal desktop window: checks look twice at odd sizes. */
const WINDOW = { width: 1366, height: 768 };

/**
 * No automation signals (navigator.webdriver stays false), nothing that phones home while we
 * wait for a check (background networking, component updates, sync), no QUIC (some NAS
 * firewalls drop UDP and the check then stalls).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--disable-blink-features=AutomationControlled',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-quic',
  '--disable-dev-shm-usage',
  `--window-size=${WINDOW.width},${WINDOW.height}`,
];

export interface EmbeddedBrowserOptions {
  readonly executablePath: string;
  /** Read whenever the browser falls idle (settings apply at once). */
  readonly idleMs: () => number;
  readonly logger?: Logger;
  /** The user's locale and time zone (default: this process's), as a real browser of theirs would have. */
  readonly locale?: string;
  readonly timezoneId?: string;
  /** Called when an instance starts or stops (logs, the benchmark). */
  readonly onChange?: (change: { mode: BrowserMode; state: 'launched' | 'closed'; launch_ms?: number }) => void;
}

export interface SiteSession {
  readonly context: BrowserContext;
  /** The browser's own User-Agent with "HeadlessChrome" said as "Chrome"; every context uses it. */
  readonly userAgent: string;
  readonly mode: BrowserMode;
}

interface Instance {
  readonly mode: BrowserMode;
  readonly browser: Browser;
  readonly display: VirtualDisplay | undefined;
  readonly userAgent: string;
  readonly contexts: Map<string, Promise<BrowserContext>>;
  users: number;
  idleTimer: NodeJS.Timeout | undefined;
}

export class EmbeddedBrowser {
  readonly #options: EmbeddedBrowserOptions;
  readonly #instances = new Map<BrowserMode, Promise<Instance>>();
  #regional: { locale: string; timezoneId: string } | undefined;
  /** Learned once: a non-root user whose kernel refuses Chromium's sandbox runs it without. */
  #sandbox = process.getuid?.() !== 0;
  #closed = false;

  constructor(options: EmbeddedBrowserOptions) {
    this.#options = options;
  }

  /** The machine's locale and time zone, read at the first launch: ICU's first use costs start-up about 150 ms of CPU. */
  get #locale(): string {
    return this.#region().locale;
  }

  get #timezoneId(): string {
    return this.#region().timezoneId;
  }

  #region(): { locale: string; timezoneId: string } {
    if (!this.#regional) {
      const resolved = Intl.DateTimeFormat().resolvedOptions();
      this.#regional = { locale: this.#options.locale ?? resolved.locale, timezoneId: this.#options.timezoneId ?? resolved.timeZone };
    }
    return this.#regional;
  }

  get executablePath(): string {
    return this.#options.executablePath;
  }

  /** Instances running now (for health, logs and the benchmark). */
  running(): BrowserMode[] {
    return [...this.#instances.keys()];
  }

  /** Headed needs a virtual display here (or a real one through DISPLAY). */
  canRunHeaded(): boolean {
    return findXvfb() !== undefined || Boolean(process.env.DISPLAY);
  }

  /**
   * Runs `work` in the site's context of a `mode` instance, launching it when needed. The idle
   * clock starts when the last user is done; a browser in use is never closed under it.
   */
  async use<T>(site: string, mode: BrowserMode, work: (session: SiteSession) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('the embedded browser is shut down');
    const instance = await this.#instance(mode);
    instance.users++;
    if (instance.idleTimer) clearTimeout(instance.idleTimer);
    instance.idleTimer = undefined;
    try {
      let context = instance.contexts.get(site);
      if (!context) {
        context = this.#newContext(instance);
        instance.contexts.set(site, context);
        context.catch(() => instance.contexts.delete(site));
      }
      return await work({ context: await context, userAgent: instance.userAgent, mode });
    } finally {
      instance.users--;
      if (instance.users === 0 && !this.#closed) {
        instance.idleTimer = setTimeout(() => void this.#stop(mode), this.#options.idleMs());
        instance.idleTimer.unref();
      }
    }
  }

  /** Forgets a site's cookies and pages (a pass that stopped working, a solve started over). */
  async resetSite(site: string): Promise<void> {
    for (const pending of this.#instances.values()) {
      const instance = await pending.catch(() => undefined);
      const context = instance?.contexts.get(site);
      if (!context) continue;
      instance!.contexts.delete(site);
      await (await context.catch(() => undefined))?.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#instances.keys()].map((mode) => this.#stop(mode)));
  }

  #instance(mode: BrowserMode): Promise<Instance> {
    let pending = this.#instances.get(mode);
    if (!pending) {
      pending = this.#launch(mode);
      this.#instances.set(mode, pending);
      pending.catch(() => this.#instances.delete(mode));
    }
    return pending;
  }

  async #launch(mode: BrowserMode): Promise<Instance> {
    const started = performance.now();
    const display = mode === 'headed' && findXvfb() ? await startVirtualDisplay({ width: 1920, height: 1080 }) : undefined;
    if (mode === 'headed' && !display && !process.env.DISPLAY) throw new Error('a headed browser needs a display: install Xvfb (Debian package xvfb)');
    try {
      const browser = await this.#launchBrowser(mode, display);
      const userAgent = ownUserAgent(browser);
      const launchMs = Math.round(performance.now() - started);
      this.#options.logger?.info(
        { component: 'browser', mode, launch_ms: launchMs, version: browser.version(), display: display?.display },
        'embedded browser started',
      );
      this.#options.onChange?.({ mode, state: 'launched', launch_ms: launchMs });
      const instance: Instance = { mode, browser, display, userAgent, contexts: new Map(), users: 0, idleTimer: undefined };
      // A crashed browser is forgotten, so the next solve starts a new one.
      const current = this.#instances.get(mode);
      browser.on('disconnected', () => {
        if (this.#instances.get(mode) === current) this.#instances.delete(mode);
        void display?.close();
      });
      return instance;
    } catch (error) {
      await display?.close();
      throw error;
    }
  }

  async #launchBrowser(mode: BrowserMode, display: VirtualDisplay | undefined): Promise<Browser> {
    // Loaded at the first challenge, not at start-up: playwright-core alone costs a second of CPU
    // and tens of MB on every start (and every CLI command).
    const { chromium } = await import('playwright-core');
    const launch = (sandbox: boolean) =>
      chromium.launch({
        executablePath: this.#options.executablePath,
        headless: mode === 'headless',
        chromiumSandbox: sandbox,
        args: [...CHROMIUM_FLAGS, `--lang=${this.#locale}`],
        ignoreDefaultArgs: ['--enable-automation'],
        env: { ...process.env, ...(display ? { DISPLAY: display.display } : {}), TZ: this.#timezoneId },
        timeout: 60_000,
      });
    if (!this.#sandbox) return launch(false);
    try {
      return await launch(true);
    } catch (error) {
      if (!/sandbox|namespace/i.test((error as Error).message)) throw error;
      this.#sandbox = false;
      this.#options.logger?.warn({ component: 'browser', err: error }, "Chromium's sandbox is not available to this user; running the browser without it");
      return launch(false);
    }
  }

  #newContext(instance: Instance): Promise<BrowserContext> {
    return instance.browser.newContext({
      userAgent: instance.userAgent,
      locale: this.#locale,
      timezoneId: this.#timezoneId,
      viewport: WINDOW,
      screen: { width: 1920, height: 1080 },
      colorScheme: 'light',
    });
  }

  async #stop(mode: BrowserMode): Promise<void> {
    const pending = this.#instances.get(mode);
    if (!pending) return;
    this.#instances.delete(mode);
    const instance = await pending.catch(() => undefined);
    if (!instance) return;
    if (instance.idleTimer) clearTimeout(instance.idleTimer);
    await instance.browser.close().catch(() => {});
    await instance.display?.close();
    this.#options.logger?.info({ component: 'browser', mode }, 'embedded browser closed');
    this.#options.onChange?.({ mode, state: 'closed' });
  }
}

/**
 * What the browser says it is, minus the word that gives headless away (checks bind passes to
 * it). Chromium's reduced User-Agent is fixed but for the major version ("X11; Linux x86_64"
 * on every Linux), so it is built from the version instead of opening a page to ask.
 */
function ownUserAgent(browser: Browser): string {
  const major = browser.version().split('.')[0];
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}
