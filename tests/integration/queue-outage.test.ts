import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, stat } from 'node:fs/promises';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { largeFileBytes } from '../../scripts/fixture-site/media.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { inContext } from '../../backend/db/context.ts';
import { itemOf, startQueueApp, waitUntil } from './queue-helpers.ts';

/**
 * The provider dies in the middle of two downloads and stays away for longer than every retry
 * the queue used to allow: nothing fails for good, health says so, and everything finishes after
 * it is back without anyone touching the API.
 */
const FILE_BYTES = 3_000_000;
const MAX_ATTEMPTS = 3;
let site: FixtureSite;
let app: TestApp;
let token: string;

beforeAll(async () => {
  ({ site, app, token } = await startQueueApp({ downloads: { hosters: ['Vidoza'], max_attempts: MAX_ATTEMPTS, concurrency: 2 }, series: ['demo-academy'] }));
});
afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
const status = async () => (await call('GET', '/api/queue/status')).body;
const target = (episode: number) =>
  inContext(app.running.orm, () => app.running.services.series.episodeTarget('demo-academy', 1, episode, 'German Dub', 'mp4'));
const partSize = async (path: string) => (await stat(`${path}.part`).catch(() => undefined))?.size ?? 0;

describe('a provider outage', () => {
  it('holds the queue while the provider is away, fails nothing, reports it, and finishes everything by itself when it is back', async () => {
    site.controls.largeFileBytes = FILE_BYTES;
    site.controls.slowBytesPerSecond = 300_000;
    const added = await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [1, 2, 3].map((episode) => ({ season: 1, episode })) });
    const ids = added.body.item_ids as string[];
    const paths = await Promise.all([1, 2, 3].map((episode) => target(episode)));
    await waitUntil(async () => (await partSize(paths[0])) > 100_000 && (await partSize(paths[1])) > 100_000, 'two downloads under way');
    const failed: string[] = [];
    const completed = new Set<string>();
    const stop = app.running.services.events.subscribe((event) => {
      if (event.type === 'download_failed') failed.push(String(event.data.item_id));
      if (event.type === 'download_complete') completed.add(String(event.data.item_id));
    });

    const port = site.port;
    await site.close();
    // Away for longer than all attempts took before (max_attempts, 1 s and 2 s apart): the queue
    // has looked at the provider more often than that and it still did not answer.
    const held = await waitUntil(
      async () => {
        const now = await status();
        return (now.waiting?.tries ?? 0) >= MAX_ATTEMPTS && ids.every((id) => itemOf(now, id)?.status === 'pending') ? now : undefined;
      },
      'the queue to wait out the outage',
      60_000,
    );
    expect(held.waiting).toMatchObject({
      reason: 'provider',
      message: expect.stringMatching(/^The provider did not answer for \d+ s \(.+\); waiting for the provider \(next try in \d+ s\)$/),
    });
    // The two that were under way say why they wait; the third has not started yet.
    for (const id of ids.slice(0, 2)) expect(itemOf(held, id).error).toMatch(/^The provider did not answer for \d+ s .*waiting for the provider/);
    expect(held.failed_downloads).toEqual([]);
    const health = (await app.request('GET', '/api/health')).body;
    expect(health).toMatchObject({ status: 'degraded', provider: { status: 'down' }, queue: { status: 'degraded', waiting: { reason: 'provider' } } });
    expect(health.provider.last_error).toBeTruthy();
    // The two that were under way kept their .part.
    expect(await partSize(paths[0])).toBeGreaterThan(100_000);
    expect(await partSize(paths[1])).toBeGreaterThan(100_000);

    site = await startFixtureSite({ seriesCount: 0, port });
    site.controls.largeFileBytes = FILE_BYTES;
    const allDone = waitUntil(async () => completed.size === ids.length, 'every download to complete after the outage', 90_000);
    await allDone;
    stop();
    expect(failed).toEqual([]);
    for (const path of paths) expect((await readFile(path)).equals(largeFileBytes(0, FILE_BYTES))).toBe(true);
    // The downloads under way went on from their .part.
    const ranges = site.stats.requests.filter((request) => request.path.startsWith('/media/mp4/')).map((request) => String(request.headers.range ?? ''));
    expect(ranges.filter((range) => /^bytes=[1-9]\d*-$/.test(range)).length).toBeGreaterThanOrEqual(2);
    const after = await status();
    expect(after.waiting).toBeNull();
    expect((await app.request('GET', '/api/health')).body).toMatchObject({ provider: { status: 'ok' }, queue: { status: 'ok', waiting: null } });
  }, 180_000);
});
