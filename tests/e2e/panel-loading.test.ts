import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startQueueApp } from '../integration/queue-helpers.ts';
import { ensurePanelBuilt, launchBrowser, signIn } from './browser.ts';
import { seriousAxeFindings } from './axe.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/**
 * A held answer: the real server's response to the first request matching `pattern` is read at
 * once (so it shows the state of that moment) and handed to the page only on `release()`.
 */
async function holdNextAnswer(
  page: Page,
  pattern: RegExp,
): Promise<{ fetched: Promise<void>; release: () => Promise<void>; settled: Promise<'finished' | 'failed'> }> {
  let fetched!: () => void;
  let open!: () => void;
  let settle!: (how: 'finished' | 'failed') => void;
  const fetchedPromise = new Promise<void>((resolve) => {
    fetched = resolve;
  });
  const released = new Promise<void>((resolve) => {
    open = resolve;
  });
  const settled = new Promise<'finished' | 'failed'>((resolve) => {
    settle = resolve;
  });
  let held: Request | undefined;
  const onFinished = (request: Request) => {
    if (request === held) settle('finished');
  };
  const onFailed = (request: Request) => {
    if (request === held) settle('failed');
  };
  page.on('requestfinished', onFinished);
  page.on('requestfailed', onFailed);
  let delivered = Promise.resolve();
  const handler = async (route: Route) => {
    held = route.request();
    const response = await route.fetch();
    fetched();
    await released;
    // The page may have aborted the request meanwhile: then there is nobody to hand it to.
    delivered = route.fulfill({ response }).catch(() => {});
    await delivered;
  };
  await page.route(pattern, handler, { times: 1 });
  return {
    fetched: fetchedPromise,
    release: async () => {
      open();
      await fetchedPromise;
      await delivered;
    },
    settled: settled.finally(() => {
      page.off('requestfinished', onFinished);
      page.off('requestfailed', onFailed);
    }),
  };
}

/** Lets the page handle what it just received and draw it: two animation frames. */
const frames = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

/** A link inside the panel, followed the way the panel's own links do (no page load). */
const follow = (page: Page, path: string) =>
  page.evaluate((to) => {
    history.pushState(null, '', to);
    window.dispatchEvent(new Event('aw-route-change'));
  }, path);

describe('panel data loading in a real browser', () => {
  let site: FixtureSite;
  let app: TestApp;
  let token: string;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePanelBuilt();
    ({ site, app, token } = await startQueueApp({ series: ['demo-academy', 'film-collection'] }));
    // Nothing downloads: the queue test adds and removes items and watches only the list.
    expect((await app.request('POST', '/api/queue/stop', { token })).status).toBe(200);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, token);
  }, 120_000);

  beforeEach((context) => {
    onTestFailed(async () => {
      await mkdir(SCREENSHOTS, { recursive: true });
      await page?.screenshot({ path: join(SCREENSHOTS, `failed-loading-${context.task.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
    await site?.close();
  });

  it("going from one series to another, the first one's late answer never replaces the second", async () => {
    await page.goto(`${app.url}/library`);
    await page.getByRole('link', { name: /^Film Collection/ }).waitFor();
    const first = await holdNextAnswer(page, /\/api\/anime\/demo-academy$/);
    await follow(page, '/series/demo-academy');
    await first.fetched;
    // Pending looks the same on every page: the one load-state element.
    await page.locator('aw-series-page aw-load-state[state="pending"]').getByRole('status').waitFor();

    await follow(page, '/series/film-collection');
    await page.getByRole('heading', { level: 1, name: 'Film Collection' }).waitFor();
    await first.release();
    const how = await first.settled;
    await frames(page);
    expect(await page.getByRole('heading', { level: 1 }).allTextContents()).toEqual(['Film Collection']);
    expect(await page.title()).toContain('Film Collection');
    // Leaving the first series aborted its load: the late answer had nobody to go to.
    expect(how).toBe('failed');
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 60_000);

  it('the queue page never goes back to a state older than the live event it just got', async () => {
    const added = await app.request('POST', '/api/queue/add', { token, body: { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 1 }] } });
    expect(added.status).toBe(201);
    const [firstId] = added.body.item_ids as string[];
    await page.goto(`${app.url}/queue`);
    const row = (code: string) => page.locator('aw-queue-page tbody tr', { hasText: code });
    await row('S01E01').waitFor();

    // The next reload (for the second item's download_added) is held with the state of that moment: both items.
    const stale = await holdNextAnswer(page, /\/api\/queue\/status$/);
    expect((await app.request('POST', '/api/queue/add', { token, body: { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 2 }] } })).status).toBe(
      201,
    );
    await stale.fetched;
    // Then the first item goes away: download_removed, and the page loads the newer state.
    expect((await app.request('DELETE', `/api/queue/${firstId}`, { token })).status).toBeLessThan(300);
    await row('S01E02').waitFor();
    await row('S01E01').waitFor({ state: 'detached' });

    // The older answer arrives last: it must not bring the removed item back.
    await stale.release();
    const how = await stale.settled;
    await frames(page);
    expect(await row('S01E01').count()).toBe(0);
    expect(await row('S01E02').count()).toBe(1);
    // The event's reload ended the older load.
    expect(how).toBe('failed');
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
