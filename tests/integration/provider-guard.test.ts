import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { ensureMedia } from '../../scripts/fixture-site/media.ts';
import { findChromium } from '../../backend/adapters/browser/embedded-browser.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { nextEvent, writeQueueConfig } from './queue-helpers.ts';

if (!findChromium())
  throw new Error('Chromium is not installed (/usr/bin/chromium): run scripts/install-system-deps.sh as root. This suite drives the real browser.');

/**
 * The whole app behind the fixture's anti-bot guard with the embedded solver on (as a user gets
 * it by default): search, add and download work, the check is solved once and its pass reused,
 * an expired pass is solved again, and the guard is never hammered.
 */
let site: FixtureSite;
let app: TestApp;
let token: string;

beforeAll(async () => {
  site = await startFixtureSite({ seriesCount: 0, guard: { mode: 'click' } });
  const temp = await makeTempDir();
  await writeQueueConfig(temp.path, { hosters: ['Vidoza'] });
  app = await startTestApp({ root: temp.path, env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_SOLVER: 'auto' } });
  token = await app.login();
});
afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });

describe("the app behind the provider's anti-bot check", { timeout: 120_000 }, () => {
  it('the browser is not started at boot', async () => {
    expect((await call('GET', '/api/health')).body.provider).toMatchObject({ status: 'ok', solver: 'embedded', checked_at: null });
    expect(site.guard.stats.puzzles).toBe(0);
  });

  it('searches, adds and downloads through the check, solving it once', async () => {
    const search = await call('POST', '/api/anime/search', { query: 'demo' });
    expect(search.status).toBe(200);
    expect(search.body.map((result: { key: string }) => result.key)).toContain('demo-academy');
    expect(site.guard.stats).toMatchObject({ puzzles: 1, passes: 1, refusals: [] });

    const added = await call('POST', '/api/anime/add', { key: 'demo-academy' });
    expect(added.status).toBe(201);

    const done = nextEvent(app, 'download_complete', (event) => event.data.key === 'demo-academy', 60_000);
    const queued = await call('POST', '/api/queue/add', {
      serie_id: 'demo-academy',
      serie_folder: 'x',
      serie_name: 'x',
      episodes: [{ season: 1, episode: 1 }],
    });
    expect(queued.status).toBe(201);
    const event = await done;
    expect((await readFile(String(event.data.file_path))).equals((await ensureMedia()).mp4)).toBe(true);

    // One solve for all of it; the provider pages after it went through with the pass.
    expect(site.guard.stats.passes).toBe(1);
    const health = (await call('GET', '/api/health')).body.provider;
    expect(health).toMatchObject({ status: 'ok', solver: 'embedded', transport: 'http' });
    expect(Date.parse(health.pass_expires_at)).toBeGreaterThan(Date.now());
    // The media request carried the same User-Agent the pass is bound to.
    const agents = new Set(
      site.stats.requests.filter((request) => /^\/(anime|media|redirect|vidoza)\//.test(request.path)).map((request) => request.headers['user-agent']),
    );
    expect(agents.size).toBe(1);
    expect([...agents][0]).not.toMatch(/Headless/);

    const passes = join(app.dataDir, 'provider-passes.json');
    expect((await stat(passes)).mode & 0o777).toBe(0o600);
  });

  it('solves again after the pass expired, once, and never hammers the check', async () => {
    site.guard.expirePasses();
    const before = { ...site.guard.stats };
    const searches = await Promise.all(['demo', 'academy', 'demo academy'].map((query) => call('POST', '/api/anime/search', { query })));
    expect(searches.map((search) => search.status)).toEqual([200, 200, 200]);
    expect(site.guard.stats.passes).toBe(before.passes + 1);
    expect(site.guard.stats.puzzles).toBe(before.puzzles + 1);
    // Three plain requests met the check, plus the browser's first look: no retry storm.
    expect(site.guard.stats.challenges - before.challenges).toBeLessThanOrEqual(4);
  });
});
