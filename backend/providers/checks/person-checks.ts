import type { CDPSession } from 'playwright-core';
import type { Logger } from '../../adapters/logger.ts';
import type { EventBus } from '../../events/bus.ts';
import { NotFoundError } from '../../errors.ts';
import type { PersonCheck } from './solver.ts';

/**
 * Checks no machine could pass, handed to a person: the embedded solver gives us the live tab
 * (PersonCheck), we announce it (`provider_check` on the bus: WebSocket and webhooks), show the
 * tab as CDP screencast frames and forward a person's clicks and keys to it as trusted input.
 * The solver itself notices when the check is gone and hands its pass on; the work waiting for
 * the site then goes on by itself.
 */

export interface PersonCheckView {
  readonly site: string;
  readonly url: string;
  readonly reason: string;
  readonly since: string;
}

export interface CheckFrame {
  /** Counts up per frame, so a viewer can ask for the next one. */
  readonly seq: number;
  readonly jpeg: Buffer;
  /** The page's size in CSS pixels: clicks come back in these coordinates. */
  readonly width: number;
  readonly height: number;
}

export type PersonInput =
  | { readonly type: 'click'; readonly x: number; readonly y: number }
  | { readonly type: 'key'; readonly key: string }
  | { readonly type: 'text'; readonly text: string };

interface Open {
  readonly check: PersonCheck;
  readonly since: number;
  screencast: Promise<CDPSession> | undefined;
  frame: CheckFrame | undefined;
  readonly waiters: Set<() => void>;
}

export class PersonChecks {
  readonly #events: EventBus;
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  readonly #open = new Map<string, Open>();

  constructor(options: { events: EventBus; logger?: Logger; now?: () => number }) {
    this.#events = options.events;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** The solver's hand-off (EmbeddedSolverOptions.onPersonNeeded). */
  offer(check: PersonCheck): void {
    this.#open.get(check.site)?.check.giveUp();
    const open: Open = { check, since: this.#now(), screencast: undefined, frame: undefined, waiters: new Set() };
    this.#open.set(check.site, open);
    this.#events.publish('provider_check', { site: check.site, url: check.url, reason: check.reason, state: 'waiting' });
    void check.done.then((passed) => {
      if (this.#open.get(check.site) === open) this.#open.delete(check.site);
      for (const wake of open.waiters) wake();
      this.#events.publish('provider_check', { site: check.site, url: check.url, reason: check.reason, state: passed ? 'passed' : 'gave_up' });
    });
  }

  /** The check waiting on `site`, or undefined. */
  find(site: string): PersonCheck | undefined {
    return this.#open.get(site)?.check;
  }

  list(): PersonCheckView[] {
    return [...this.#open.values()].map(({ check, since }) => ({
      site: check.site,
      url: check.url,
      reason: check.reason,
      since: new Date(since).toISOString(),
    }));
  }

  /** The next frame after `after` (the current one when newer); undefined when none came within `waitMs` or the check ended. */
  async frame(site: string, after: number, waitMs: number): Promise<CheckFrame | undefined> {
    const open = this.#get(site);
    await this.#startScreencast(open);
    if (open.frame && open.frame.seq > after) return open.frame;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        open.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, waitMs);
      open.waiters.add(wake);
    });
    return open.frame && open.frame.seq > after && this.#open.get(site) === open ? open.frame : undefined;
  }

  /** A person's click or key, sent to the tab as trusted input through CDP. */
  async input(site: string, input: PersonInput): Promise<void> {
    const { page } = this.#get(site).check;
    if (input.type === 'click') await page.mouse.click(input.x, input.y);
    else if (input.type === 'key') await page.keyboard.press(input.key);
    else await page.keyboard.type(input.text);
  }

  /** Nobody will solve it: the solver stops waiting and the work waiting for the site fails with the check's reason. */
  giveUp(site: string): void {
    this.#get(site).check.giveUp();
  }

  #get(site: string): Open {
    const open = this.#open.get(site);
    if (!open) throw new NotFoundError(`No provider check is waiting for a person on ${site}.`);
    return open;
  }

  #startScreencast(open: Open): Promise<CDPSession> {
    open.screencast ??= (async () => {
      const { page } = open.check;
      const session = await page.context().newCDPSession(page);
      let seq = 0;
      session.on('Page.screencastFrame', (event) => {
        void session.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => {});
        open.frame = { seq: ++seq, jpeg: Buffer.from(event.data, 'base64'), width: event.metadata.deviceWidth, height: event.metadata.deviceHeight };
        for (const wake of [...open.waiters]) wake();
      });
      await session.send('Page.startScreencast', { format: 'jpeg', quality: 70, everyNthFrame: 1 });
      this.#logger?.info({ component: 'browser', site: open.check.site }, 'showing the provider check to a person');
      return session;
    })();
    open.screencast.catch(() => {
      open.screencast = undefined;
    });
    return open.screencast;
  }
}
