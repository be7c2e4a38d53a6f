import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { LiveClient, wsUrl } from '../ws/ws-client.ts';
import { Receiver } from '../notifications/receiver.ts';
import { ensurePanelBuilt, launchBrowser } from './browser.ts';

/**
 * A person in the loop: the fixture's "type the characters" check, which no script of ours
 * passes, is solved from the panel. The solver's own Chromium shows the check; the panel (a
 * second, real Chromium) shows its screencast frames and forwards a click, typed keys and a
 * click on the submit button; the search that waited for the site then completes by itself.
 */
describe('Provider check solved by a person from the panel', () => {
  let site: FixtureSite;
  let app: TestApp;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let live: LiveClient;
  let token: string;
  let receiver: Receiver;

  beforeAll(async () => {
    await ensurePanelBuilt();
    site = await startFixtureSite({ seriesCount: 1, guard: { mode: 'captcha' } });
    app = await startTestApp({ env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_SOLVER: 'auto' } });
    token = await app.login();
    receiver = await Receiver.start();
    const hook = await app.request('POST', '/api/webhooks', {
      token,
      body: { name: 'checks', url: `${receiver.url}/hook`, kind: 'json', events: ['provider_check'] },
    });
    expect(hook.status).toBe(201);
    live = await LiveClient.open(wsUrl(app.url, `?token=${token}`));
    browser = await launchBrowser({ width: 1100, height: 900 });
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    live?.close();
    await browser?.close();
    await app?.dispose();
    await site?.close();
    await receiver?.stop();
  });

  it('needs a session for the list, the live view and the input', async () => {
    expect((await app.request('GET', '/api/provider/checks')).status).toBe(401);
    expect((await app.request('GET', '/api/provider/checks/127.0.0.1/frame')).status).toBe(401);
    expect((await app.request('POST', '/api/provider/checks/127.0.0.1/input', { body: { type: 'text', text: 'x' } })).status).toBe(401);
    const none = await app.request('POST', '/api/provider/checks/127.0.0.1/input', { token, body: { type: 'text', text: 'x' } });
    expect(none.status).toBe(404);
    expect(none.body.error.message).toContain('No provider check is waiting');
    const bad = await app.request('POST', '/api/provider/checks/127.0.0.1/input', { token, body: { type: 'key', key: '<script>' } });
    expect(bad.status).toBe(422);
  });

  it('shows the banner, the live view, takes the characters and the clicks, and the waiting search goes on', async () => {
    await page.goto(`${app.url}/login`);
    await page.locator('#password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/library');

    // The search needs the site: it waits for the check instead of failing.
    const searching = app.request('POST', '/api/anime/search', { token, body: { query: 'demo' } });
    const waiting = await live.waitFor((message) => message.type === 'provider_check' && message.data.state === 'waiting', 'provider_check waiting');
    expect(waiting.data).toMatchObject({ site: '127.0.0.1', state: 'waiting' });
    expect(waiting.data.reason).toMatch(/check/);
    const health = await app.request('GET', '/api/health');
    expect(health.body.provider).toMatchObject({ status: 'check', needs_person: true });

    const banner = page.getByRole('alert').filter({ hasText: 'shows a check no machine could pass' });
    await banner.waitFor({ timeout: 30_000 });
    await banner.getByRole('link', { name: 'Solve it now' }).click();
    await page.waitForURL('**/provider-check/127.0.0.1');
    const view = page.getByRole('img', { name: 'Live view of the provider check' });
    await view.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => {
      const image = document.querySelector('aw-app')?.shadowRoot?.querySelector('aw-provider-check-page')?.shadowRoot?.querySelector('img');
      return image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0;
    });
    const frameSize = await view.evaluate((image: HTMLImageElement) => ({
      width: Number(image.getAttribute('width')),
      height: Number(image.getAttribute('height')),
    }));
    expect(frameSize.width).toBeGreaterThan(300);

    // Where a person sees the field and the button on the picture (read from the check's own tab, as eyes would).
    const check = app.running.services.personChecks.find('127.0.0.1')!;
    const middle = async (selector: string) => {
      const box = (await check.page.locator(selector).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const layout = { field: await middle('#aw-code'), submit: await middle('#aw-captcha button[type="submit"]') };
    const code = site.guard.stats.lastCaptcha!;
    expect(code).toMatch(/^[A-Z0-9]{5}$/);

    const clickInView = async (point: { x: number; y: number }) => {
      const box = (await view.boundingBox())!;
      await page.mouse.click(box.x + (point.x / frameSize.width) * box.width, box.y + (point.y / frameSize.height) * box.height);
    };
    await clickInView(layout.field);
    const typing = page.getByLabel('Type to the page');
    await typing.click();
    await page.keyboard.type(code, { delay: 30 });
    await clickInView(layout.submit);

    await page.getByText('The check is solved. Waiting work goes on by itself.').waitFor({ timeout: 60_000 });
    const passed = await live.waitFor((message) => message.type === 'provider_check' && message.data.state === 'passed', 'provider_check passed');
    expect(passed.data.site).toBe('127.0.0.1');

    const result = await searching;
    expect(result.status).toBe(200);
    expect(JSON.stringify(result.body)).toMatch(/Demo Academy/);
    expect(site.guard.stats.passes).toBe(1);
    expect(site.guard.stats.refusals).not.toContain('wrong characters');
    expect((await app.request('GET', '/api/health')).body.provider.status).toBe('ok');
    expect((await app.request('GET', '/api/provider/checks', { token })).body.checks).toEqual([]);
    // Webhooks heard of it too: the check waiting, then passed.
    const hooked = (await receiver.waitForRequests(2)).map((request) => JSON.parse(request.body));
    expect(hooked.map((body) => [body.event, body.data.state])).toEqual([
      ['provider_check', 'waiting'],
      ['provider_check', 'passed'],
    ]);
    // The banner is gone once the check is over.
    await page.goto(`${app.url}/library`);
    await page.getByRole('heading', { level: 1 }).or(page.locator('aw-library-page')).first().waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'shows a check no machine could pass' }).count()).toBe(0);
  }, 240_000);
});
