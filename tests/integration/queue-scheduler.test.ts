import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { inContext } from '../../backend/db/context.ts';
import { itemOf, nextEvent, startQueueApp, waitUntil } from './queue-helpers.ts';

/** Agenda schedules the downloads: what the queue shows follows the jobs that really run. */
let site: FixtureSite;
let app: TestApp;
let token: string;

beforeAll(async () => {
  ({ site, app, token } = await startQueueApp({ downloads: { hosters: ['Vidoza'] }, series: ['demo-academy'] }));
});
afterAll(async () => {
  for (const line of app?.logs ?? []) if (Number(line.level) >= 50) console.error(JSON.stringify(line).slice(0, 1500));
  await app?.dispose();
  await site?.close();
});
beforeEach(async () => {
  site.controls.holdMedia = false;
  site.controls.slowBytesPerSecond = 0;
  site.controls.largeFileBytes = 3_000_000;
  await app.running.services.settings.patch({ downloads: { hosters: ['Vidoza'], concurrency: 2, speed_limit_bytes_per_second: 0 } });
});

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
const status = async () => (await call('GET', '/api/queue/status')).body;
const target = (season: number, episode: number) =>
  inContext(app.running.orm, () => app.running.services.series.episodeTarget('demo-academy', season, episode, 'German Dub', 'mp4'));
const partSize = async (path: string) => (await stat(`${path}.part`).catch(() => undefined))?.size ?? 0;

const downloadingIds = async () => (await status()).active_downloads.map((item: { id: string }) => item.id) as string[];
const runningJobs = async () =>
  new Set(
    (await app.running.services.jobs.list('download-episode'))
      .filter((job) => job.state === 'running')
      .map((job) => String((job.payload as { itemId: string }).itemId)),
  );

async function clearQueue(): Promise<void> {
  const all = await status();
  for (const item of [...all.active_downloads, ...all.pending_queue, ...all.failed_downloads]) await call('DELETE', `/api/queue/${item.id}`);
  await call('DELETE', '/api/queue/completed');
}

describe('the queue as Agenda runs it', () => {
  it('pausing one of two running downloads shows the other one and the next in line, never a third one that does not run', async () => {
    site.controls.slowBytesPerSecond = 150_000;
    const added = await call('POST', '/api/queue/add', {
      serie_id: 'demo-academy',
      episodes: [
        { season: 1, episode: 1 },
        { season: 1, episode: 2 },
        { season: 1, episode: 3 },
        { season: 2, episode: 2 },
      ],
    });
    const [first, , third, fourth] = added.body.item_ids as string[];
    const paths = [await target(1, 1), await target(1, 2), await target(1, 3)];
    await waitUntil(async () => (await partSize(paths[0])) > 30_000 && (await partSize(paths[1])) > 30_000, 'two downloads under way');

    expect((await call('POST', `/api/queue/${first}/pause`)).body.status).toBe('paused');
    // Until the third one runs, every look at the queue shows at most the concurrency, and every
    // item it calls downloading is one whose job Agenda is running.
    const seen: string[][] = [];
    await waitUntil(async () => {
      const downloading = await downloadingIds();
      seen.push(downloading);
      const running = await runningJobs();
      for (const id of downloading.filter((candidate) => !running.has(candidate))) {
        // Read again: the job may have ended between the two reads, then the item has moved on.
        if ((await downloadingIds()).includes(id)) expect((await runningJobs()).has(id), `${id} is shown as downloading without a running job`).toBe(true);
      }
      return downloading.includes(third) && downloading.length === 2 && (await partSize(paths[2])) > 0;
    }, 'the third download to run');
    for (const downloading of seen) expect(downloading.length).toBeLessThanOrEqual(2);
    expect(seen.flat()).not.toContain(first);
    expect(seen.flat()).not.toContain(fourth);
    expect(itemOf(await status(), fourth).status).toBe('pending');
    expect(itemOf(await status(), first).status).toBe('paused');
    await clearQueue();
  });

  it('a download that gets no bytes shows its speed falling to 0 and no time left', async () => {
    site.controls.slowBytesPerSecond = 400_000;
    const added = await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 2, episode: 1 }] });
    const [id] = added.body.item_ids as string[];
    await waitUntil(async () => (itemOf(await status(), id)?.progress.speed_bytes_per_second ?? 0) > 100_000, 'the download to run at speed');

    site.controls.holdMedia = true;
    const stalled = await waitUntil(async () => {
      const item = itemOf(await status(), id);
      return item?.status === 'downloading' && item.progress.speed_bytes_per_second === 0 ? item : undefined;
    }, 'the speed to fall to 0');
    expect(stalled.progress.eta_seconds).toBeNull();
    expect(stalled.progress.percent).toBeGreaterThan(0);
    // The WebSocket clients are told as well, not only /status.
    const event = await nextEvent(app, 'download_progress', (candidate) => candidate.data.item_id === id);
    expect(event.data.progress).toMatchObject({ speed_bytes_per_second: 0, eta_seconds: null });

    site.controls.holdMedia = false;
    site.controls.slowBytesPerSecond = 0;
    await nextEvent(app, 'download_complete', (candidate) => candidate.data.item_id === id);
    await clearQueue();
  });
});
