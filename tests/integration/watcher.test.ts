import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import type { DomainEvent } from '../../backend/events/bus.ts';

/**
 * The folder watcher through the real app: real media folder, real library service, provider
 * data from the local fixture site. A file dropped into one series' folder rescans that series
 * only, and its missing list shrinks without a library scan.
 */
let site: FixtureSite;
let root: string;
let removeRoot: () => Promise<void>;
let app: TestApp;
let token: string;

const DEMO = 'Demo Academy (2019)';

beforeAll(async () => {
  site = await startFixtureSite({ seriesCount: 3 });
  ({ path: root, remove: removeRoot } = await makeTempDir());
  await mkdir(join(root, 'data'), { recursive: true });
  await writeFile(join(root, 'data', 'config.json'), JSON.stringify({ provider: { requests_per_second: 50 } }));
  app = await startTestApp({ root, env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_WATCH: 'true' } });
  token = await app.login();
  for (const key of ['demo-academy', 'tom-and-jerrys-grosse-reise']) {
    expect((await app.request('POST', '/api/anime/add', { token, body: { key } })).status).toBe(201);
  }
});

afterAll(async () => {
  await app?.dispose();
  await site?.close();
  await removeRoot?.();
});

/** The log line of a watcher that is ready in `mode`; tests wait for it instead of polling health. */
const watching = (mode: 'inotify' | 'polling') => (line: Record<string, unknown>) => line.msg === 'watching the media folder' && line.mode === mode;

async function watcherHealth(target: TestApp) {
  return (await target.request('GET', '/api/health')).body.watcher;
}

async function missing(target: TestApp, key: string) {
  const list = await target.request('GET', '/api/anime', { token: await target.login() });
  return list.body.find((series: { key: string }) => series.key === key).missing_episodes;
}

/** Records scan events from now on; `until` resolves at the first series scan of `key`. */
function recordScans(target: TestApp) {
  const scans: DomainEvent[] = [];
  const stop = target.running.services.events.subscribe((event) => {
    if (event.type.startsWith('scan_')) scans.push(event);
  });
  const until = (key: string) =>
    new Promise<void>((resolve) => {
      const check = target.running.services.events.subscribe((event) => {
        if (event.type === 'scan_complete' && event.data.scope === 'series' && event.data.key === key) {
          check();
          resolve();
        }
      });
    });
  return { scans, stop, until };
}

describe('folder watcher', () => {
  it('rescans only the series whose folder changed, and its missing list shrinks', async () => {
    await app.waitForLog(watching('inotify'));
    expect(await watcherHealth(app)).toMatchObject({ status: 'ok', mode: 'inotify', state: 'watching' });
    expect(await missing(app, 'demo-academy')).toEqual({ 1: [1, 2, 3], 2: [1, 2] });
    const recorder = recordScans(app);
    const scanned = recorder.until('demo-academy');
    await mkdir(join(app.mediaDir, DEMO, 'Season 01'), { recursive: true });
    // Ignored: unfinished downloads and dotfiles never trigger a scan.
    await writeFile(join(app.mediaDir, DEMO, 'Season 01', 'Demo Academy - S01E03 - Third.mp4.part'), 'partial');
    await writeFile(join(app.mediaDir, DEMO, '.aniworld.json.tmp'), '{}');
    await writeFile(join(app.mediaDir, DEMO, 'Season 01', 'Demo Academy - S01E01 - First.mp4'), Buffer.alloc(4096, 1));
    await scanned;
    recorder.stop();
    expect(await missing(app, 'demo-academy')).toEqual({ 1: [2, 3], 2: [1, 2] });
    const scopes = recorder.scans
      .filter((event) => event.type === 'scan_started')
      .map((event) => `${event.data.scope}:${'key' in event.data ? event.data.key : ''}`);
    expect(scopes).toEqual(['series:demo-academy']);
  });

  it('watches by polling when library.watch_polling is set (network shares)', async () => {
    const polling = await app.restart({ ANIWORLD_WATCH_POLLING: 'true' });
    app = polling;
    await polling.waitForLog(watching('polling'));
    expect(await watcherHealth(polling)).toMatchObject({ status: 'ok', mode: 'polling', state: 'watching' });
    const recorder = recordScans(polling);
    const scanned = recorder.until('demo-academy');
    await writeFile(join(polling.mediaDir, DEMO, 'Season 01', 'Demo Academy - S01E02 - Second.mkv'), Buffer.alloc(4096, 2));
    await scanned;
    recorder.stop();
    expect(await missing(polling, 'demo-academy')).toEqual({ 1: [3], 2: [1, 2] });
    expect(recorder.scans.some((event) => 'scope' in event.data && event.data.scope === 'library')).toBe(false);
  }, 60_000);

  it('is off with library.watch=false and says so in health', async () => {
    const off = await app.restart({ ANIWORLD_WATCH: 'false', ANIWORLD_WATCH_POLLING: '' });
    app = off;
    expect(await watcherHealth(off)).toEqual({ status: 'disabled', mode: 'off', state: 'off' });
  });

  it('applies library.watch and library.watch_polling live, without a restart', async () => {
    // No environment pin: the settings file decides.
    const live = await app.restart({ ANIWORLD_WATCH: '', ANIWORLD_WATCH_POLLING: '' });
    app = live;
    await live.waitForLog(watching('inotify'));
    expect(await watcherHealth(live)).toMatchObject({ mode: 'inotify', state: 'watching' });
    let mark = live.logs.length;
    await live.running.services.settings.patch({ library: { watch: false } });
    await live.waitForLog((line) => line.msg === 'folder watching is off (library.watch=false)', mark);
    expect(await watcherHealth(live)).toEqual({ status: 'disabled', mode: 'off', state: 'off' });
    mark = live.logs.length;
    await live.running.services.settings.patch({ library: { watch: true, watch_polling: true } });
    await live.waitForLog(watching('polling'), mark);
    expect(await watcherHealth(live)).toMatchObject({ mode: 'polling', state: 'watching' });
  }, 60_000);
});
