import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { access, readFile, stat } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import { ensureMedia, largeFileBytes } from '../../scripts/fixture-site/media.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { inContext } from '../../backend/db/context.ts';
import { itemOf, nextEvent, startQueueApp, waitUntil } from './queue-helpers.ts';

const run = promisify(execFile);
let site: FixtureSite;
let app: TestApp;
let token: string;

beforeAll(async () => {
  ({ site, app, token } = await startQueueApp({
    series: ['demo-academy', 'challenge-on-voe', 'broken-hoster', 'film-collection', 'still-running', 'hidden-languages'],
  }));
});
afterAll(async () => {
  for (const line of app?.logs ?? []) if (Number(line.level) >= 50) console.error(JSON.stringify(line).slice(0, 1500));
  await app?.dispose();
  await site?.close();
});
beforeEach(async () => {
  site.clearFaults();
  site.controls.slowBytesPerSecond = 0;
  site.controls.largeFileBytes = undefined;
  await app.running.services.settings.patch({ downloads: { hosters: ['Vidoza', 'VOE', 'Vidmoly'], max_attempts: 2, concurrency: 2 } });
  await call('POST', '/api/queue/start');
});

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
const status = async () => (await call('GET', '/api/queue/status')).body;
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const target = (key: string, season: number, episode: number, language: string, ext: string) =>
  inContext(app.running.orm, () => app.running.services.series.episodeTarget(key, season, episode, language, ext));

async function queue(key: string, episodes: { season: number; episode: number }[], extra: Record<string, unknown> = {}): Promise<string[]> {
  const result = await call('POST', '/api/queue/add', { serie_id: key, serie_folder: 'ignored', serie_name: 'ignored', episodes, ...extra });
  expect(result.status).toBe(201);
  return result.body.item_ids;
}

const partPast = (path: string, bytes: number) =>
  waitUntil(async () => ((await stat(`${path}.part`).catch(() => undefined))?.size ?? 0) > bytes, `${bytes} bytes in ${path}.part`);

/** Queues S01E01 of `key` (3 MB through Vidoza at `bytesPerSecond`) and waits until its .part holds more than `partPast` bytes. */
async function downloadUnderWay(key: string, options: { bytesPerSecond: number; partPast: number }): Promise<{ id: string; path: string }> {
  site.controls.largeFileBytes = 3_000_000;
  site.controls.slowBytesPerSecond = options.bytesPerSecond;
  await app.running.services.settings.patch({ downloads: { hosters: ['Vidoza'] } });
  const [id] = await queue(key, [{ season: 1, episode: 1 }]);
  const path = await target(key, 1, 1, 'German Dub', 'mp4');
  await partPast(path, options.partPast);
  return { id, path };
}

describe('download queue', () => {
  it('needs authentication', async () => {
    expect((await app.request('GET', '/api/queue/status')).status).toBe(401);
  });

  it('downloads an MP4 episode to its templated name, byte-identical, and marks it downloaded', async () => {
    const done = nextEvent(app, 'download_complete', (event) => event.data.key === 'demo-academy' && event.data.episode === 1);
    const [id] = await queue('demo-academy', [{ season: 1, episode: 1 }]);
    const event = await done;
    const expected = await target('demo-academy', 1, 1, 'German Dub', 'mp4');
    expect(event.data).toMatchObject({
      item_id: id,
      key: 'demo-academy',
      folder: 'Demo Academy (2019)',
      file_path: expected,
      hoster: 'Vidoza',
      language: 'German Dub',
    });
    expect(expected.startsWith(join(app.mediaDir, 'Demo Academy (2019)', 'Season 01'))).toBe(true);
    expect((await readFile(expected)).equals((await ensureMedia()).mp4)).toBe(true);
    expect(await exists(`${expected}.part`)).toBe(false);

    const item = itemOf(await status(), id);
    expect(item).toMatchObject({
      status: 'completed',
      key: 'demo-academy',
      folder: 'Demo Academy (2019)',
      serie_name: 'Demo Academy',
      season: 1,
      episode: 1,
      hoster: 'Vidoza',
      language_used: 'German Dub',
      file_path: expected,
      error: null,
    });
    expect(item.progress.percent).toBe(100);
    const detail = (await call('GET', '/api/anime/demo-academy')).body;
    expect(detail.missing_episodes['1']).not.toContain(1);
  });

  it('downloads an HLS episode and remuxes it to MP4 of the right duration', async () => {
    await app.running.services.settings.patch({ downloads: { hosters: ['Vidmoly'] } });
    const done = nextEvent(app, 'download_complete', (event) => event.data.key === 'demo-academy' && event.data.episode === 2);
    await queue('demo-academy', [{ season: 1, episode: 2 }]);
    const event = await done;
    expect(event.data.hoster).toBe('Vidmoly');
    const path = String(event.data.file_path);
    expect(path.endsWith('.mp4')).toBe(true);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration,format_name', '-of', 'json', path]);
    const format = JSON.parse(stdout).format;
    expect(format.format_name).toContain('mp4');
    expect(Number(format.duration)).toBeCloseTo(3, 0);
  });

  it('follows the language preference with fallback, or the language the item asks for', async () => {
    await app.running.services.settings.patch({ downloads: { languages: ['English Dub', 'German Sub', 'German Dub'] } });
    const fallback = nextEvent(app, 'download_complete', (event) => event.data.key === 'demo-academy' && event.data.episode === 3);
    await queue('demo-academy', [{ season: 1, episode: 3 }]);
    expect((await fallback).data.language).toBe('German Sub');
    await app.running.services.settings.patch({ downloads: { languages: ['German Dub', 'German Sub', 'English Sub'] } });

    const asked = nextEvent(app, 'download_complete', (event) => event.data.key === 'hidden-languages' && event.data.episode === 2);
    const [id] = await queue('hidden-languages', [{ season: 1, episode: 2 }], { language: 'English Dub' });
    expect((await asked).data.language).toBe('English Dub');
    expect(itemOf(await status(), id)).toMatchObject({ language: 'English Dub', language_used: 'English Dub' });
    expect(String((await asked).data.file_path)).toBe(await target('hidden-languages', 1, 2, 'English Dub', 'mp4'));
  });

  it('uses the next hoster when the first answers with a captcha or is broken', async () => {
    await app.running.services.settings.patch({ downloads: { hosters: ['VOE', 'Vidoza', 'Vidmoly'] } });
    const viaVidoza = nextEvent(app, 'download_complete', (event) => event.data.key === 'challenge-on-voe');
    const viaVidmoly = nextEvent(app, 'download_complete', (event) => event.data.key === 'broken-hoster');
    await queue('challenge-on-voe', [{ season: 1, episode: 1 }]);
    await queue('broken-hoster', [{ season: 1, episode: 1 }]);
    expect((await viaVidoza).data.hoster).toBe('Vidoza');
    expect((await viaVidmoly).data.hoster).toBe('Vidmoly');
  });

  it('fails at once with its reason when the episode is not offered in the wanted language', async () => {
    const failed = nextEvent(app, 'download_failed', (event) => event.data.key === 'demo-academy');
    const [id] = await queue('demo-academy', [{ season: 1, episode: 2 }], { language: 'English Dub' });
    const event = await failed;
    expect(event.data.error).toBe('No hoster offers English Dub for S01E02 (the provider has German Dub, German Sub)');
    expect(itemOf(await status(), id)).toMatchObject({ status: 'failed', attempts: 1, error: event.data.error });
    expect((await call('DELETE', `/api/queue/${id}`)).status).toBe(200);
  });

  it('a captcha on every hoster holds the queue instead of failing the episode; it goes on by itself when a hoster works again', async () => {
    await app.running.services.settings.patch({ downloads: { hosters: ['VOE'] } });
    const [id] = await queue('challenge-on-voe', [{ season: 1, episode: 2 }]);
    const waiting = await waitUntil(async () => {
      const now = await status();
      return now.waiting && itemOf(now, id)?.status === 'pending' && itemOf(now, id)?.error ? now : undefined;
    }, 'the queue to wait for the provider');
    // The VOE links' redirect on the provider answers the check: the cause comes first.
    const cause = /(answered with an anti-bot challenge|asked for a captcha instead of sending us to VOE).*; waiting for the provider \(next try in \d+ s\)$/;
    expect(waiting.waiting).toMatchObject({ reason: 'provider', message: expect.stringMatching(cause) });
    expect(itemOf(waiting, id)).toMatchObject({ status: 'pending', attempts: 0, error: expect.stringMatching(cause) });
    expect(waiting.failed_downloads.map((item: { id: string }) => item.id)).not.toContain(id);
    expect((await app.request('GET', '/api/health')).body.queue).toMatchObject({ status: 'degraded', waiting: { reason: 'provider' } });

    const done = nextEvent(app, 'download_complete', (event) => event.data.item_id === id, 60_000);
    await app.running.services.settings.patch({ downloads: { hosters: ['VOE', 'Vidoza'] } });
    expect((await done).data.hoster).toBe('Vidoza');
    expect((await status()).waiting).toBeNull();
  }, 90_000);

  it('a hoster answering 5xx holds the queue longer than max_attempts, never fails the item, and it finishes by itself when the hoster is back', async () => {
    await app.running.services.settings.patch({ downloads: { hosters: ['Vidoza'], max_attempts: 2 } });
    site.failNext('/media/mp4/', { status: 500, times: 1000 });
    const failed: string[] = [];
    const stop = app.running.services.events.subscribe((event) => {
      if (event.type === 'download_failed') failed.push(String(event.data.item_id));
    });
    const [id] = await queue('film-collection', [{ season: 0, episode: 1 }]);
    // More attempts at the hoster than max_attempts allowed before.
    const held = await waitUntil(
      async () => {
        const now = await status();
        return now.waiting && site.stats.count('/media/mp4/') > 2 && itemOf(now, id)?.error ? now : undefined;
      },
      'the queue to try more than max_attempts times',
      60_000,
    );
    expect(itemOf(held, id)).toMatchObject({
      status: 'pending',
      error: expect.stringMatching(/^Vidoza is broken \(HTTP 500\) \(film 1\); waiting for the provider/),
    });

    site.clearFaults();
    await nextEvent(app, 'download_complete', (event) => event.data.item_id === id, 60_000);
    stop();
    expect(failed).toEqual([]);
    expect(itemOf(await status(), id)).toMatchObject({ status: 'completed', error: null });
  }, 90_000);

  it('never queues the same episode and language twice while it is open', async () => {
    await call('POST', '/api/queue/stop');
    const first = await call('POST', '/api/queue/add', {
      serie_id: 'demo-academy',
      episodes: [
        { season: 2, episode: 1 },
        { season: 2, episode: 2 },
      ],
    });
    const again = await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 2, episode: 1 }] });
    expect(first.body.item_ids).toHaveLength(2);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ item_ids: [], skipped: [{ season: 2, episode: 1, reason: 'already in the queue' }] });
    expect((await call('POST', '/api/queue/add', { serie_id: 'no-such-series', episodes: [{ season: 1, episode: 1 }] })).status).toBe(404);
    expect((await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [] })).status).toBe(422);
    for (const id of first.body.item_ids) expect((await call('DELETE', `/api/queue/${id}`)).status).toBe(200);
  });

  it('orders by priority, then by the order given to reorder, and starts them in that order', async () => {
    await call('POST', '/api/queue/stop');
    await app.running.services.settings.patch({ downloads: { concurrency: 1 } });
    const [low] = await queue('demo-academy', [{ season: 2, episode: 1 }], { priority: 'low' });
    const [a, b] = await queue(
      'demo-academy',
      [
        { season: 1, episode: 3 },
        { season: 2, episode: 2 },
      ],
      { language: 'German Dub' },
    );
    const [high] = await queue('hidden-languages', [{ season: 1, episode: 1 }], { priority: 'high' });
    expect((await call('POST', '/api/queue/reorder', { item_ids: [b, a] })).status).toBe(200);
    expect((await status()).pending_queue.map((item: any) => item.id)).toEqual([high, b, a, low]);
    expect((await call('PATCH', `/api/queue/${low}`, { priority: 50 })).body.priority).toBe(50);
    expect((await status()).pending_queue.map((item: any) => item.id)).toEqual([low, high, b, a]);

    const started: string[] = [];
    const stop = app.running.services.events.subscribe((event) => {
      if (event.type === 'download_complete') started.push(String(event.data.item_id));
    });
    const last = nextEvent(app, 'download_complete', (event) => event.data.item_id === a);
    expect((await call('POST', '/api/queue/start')).body).toEqual({ is_running: true, is_paused: false });
    await last;
    stop();
    expect(started).toEqual([low, high, b, a]);
    expect((await call('DELETE', '/api/queue/completed')).body.removed).toBeGreaterThanOrEqual(4);
    expect((await status()).completed_downloads).toEqual([]);
  });

  it('pauses and resumes one item (resuming with Range), and removing an item deletes it and its .part', async () => {
    const { id, path } = await downloadUnderWay('still-running', { bytesPerSecond: 600_000, partPast: 200_000 });

    const paused = await call('POST', `/api/queue/${id}/pause`);
    expect(paused.body.status).toBe('paused');
    const kept = (await stat(`${path}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(itemOf(await status(), id).status).toBe('paused');

    site.controls.slowBytesPerSecond = 0;
    const requestsBefore = site.stats.requests.length;
    const done = nextEvent(app, 'download_complete', (event) => event.data.item_id === id);
    expect((await call('POST', `/api/queue/${id}/resume`)).status).toBe(200);
    await done;
    const media = site.stats.requests.slice(requestsBefore).filter((request) => request.path.startsWith('/media/mp4/'));
    expect(Number(/^bytes=(\d+)-$/.exec(String(media[0].headers.range))?.[1])).toBeGreaterThanOrEqual(kept);
    expect((await readFile(path)).equals(largeFileBytes(0, 3_000_000))).toBe(true);

    site.controls.slowBytesPerSecond = 300_000;
    const [other] = await queue('still-running', [{ season: 1, episode: 2 }]);
    const otherPath = await target('still-running', 1, 2, 'German Dub', 'mp4');
    await partPast(otherPath, 50_000);
    const removed = nextEvent(app, 'download_removed', (event) => event.data.item_id === other);
    expect((await call('DELETE', `/api/queue/${other}`)).body).toEqual({ id: other, removed: true });
    expect((await removed).data).toMatchObject({ key: 'still-running', folder: 'Still Running (2024)' });
    expect(await exists(`${otherPath}.part`)).toBe(false);
    expect(await exists(otherPath)).toBe(false);
    expect(itemOf(await status(), other)).toBeUndefined();
    expect((await call('DELETE', `/api/queue/${other}`)).status).toBe(404);
  });

  it('cancel stops a running download within a second and keeps it, with its .part, until a retry resumes it with Range', async () => {
    const { id, path } = await downloadUnderWay('film-collection', { bytesPerSecond: 400_000, partPast: 100_000 });

    const asked = performance.now();
    const cancelled = await call('POST', `/api/queue/${id}/cancel`);
    expect((performance.now() - asked) / 1000).toBeLessThan(1);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled', error: 'Cancelled' });
    // Stopped: the .part no longer grows.
    const kept = (await stat(`${path}.part`)).size;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stat(`${path}.part`)).size).toBe(kept);
    const afterCancel = await status();
    expect(afterCancel.active_downloads.map((item: { id: string }) => item.id)).not.toContain(id);
    expect(afterCancel.failed_downloads.find((item: { id: string }) => item.id === id)).toMatchObject({ status: 'cancelled' });
    // Cancelling again changes nothing; a completed item cannot be cancelled.
    expect((await call('POST', `/api/queue/${id}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    // "Retry all" leaves what the user cancelled alone.
    expect((await call('POST', '/api/queue/retry', {})).body.retried).not.toContain(id);
    expect(itemOf(await status(), id).status).toBe('cancelled');

    site.controls.slowBytesPerSecond = 0;
    const requestsBefore = site.stats.requests.length;
    const done = nextEvent(app, 'download_complete', (event) => event.data.item_id === id);
    expect((await call('POST', '/api/queue/retry', { item_ids: [id] })).body).toEqual({ retried: [id] });
    await done;
    const media = site.stats.requests.slice(requestsBefore).filter((request) => request.path.startsWith('/media/mp4/'));
    expect(Number(/^bytes=(\d+)-$/.exec(String(media[0].headers.range))?.[1])).toBeGreaterThanOrEqual(kept);
    expect((await readFile(path)).equals(largeFileBytes(0, 3_000_000))).toBe(true);
    const completedCancel = await call('POST', `/api/queue/${id}/cancel`);
    expect(completedCancel.status).toBe(409);
    expect(completedCancel.body.error.message).toMatch(/already completed/);
    expect((await call('POST', '/api/queue/not-an-item/cancel')).status).toBe(404);
  });

  it('pauses and resumes the whole queue, and reports it', async () => {
    site.controls.largeFileBytes = 2_000_000;
    site.controls.slowBytesPerSecond = 400_000;
    const [id] = await queue('film-collection', [{ season: 0, episode: 2 }]);
    await waitUntil(async () => itemOf(await status(), id)?.status === 'downloading', 'the download to start');
    const pausedEvent = nextEvent(app, 'queue_paused');
    expect((await call('POST', '/api/queue/pause')).body).toEqual({ is_running: true, is_paused: true });
    await pausedEvent;
    const paused = await status();
    expect(paused.is_paused).toBe(true);
    expect(itemOf(paused, id).status).toBe('paused');
    site.controls.slowBytesPerSecond = 0;
    const done = nextEvent(app, 'download_complete', (event) => event.data.item_id === id);
    expect((await call('POST', '/api/queue/resume')).body).toEqual({ is_running: true, is_paused: false });
    await done;
  });
});

describe('items added by another process', () => {
  it('picks up a pending item written straight to the database (as `aniworld queue add` does) without any local event', async () => {
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(join(app.dataDir, 'aniworld.db'));
    other.pragma('busy_timeout = 5000');
    const id = `cli-${Date.now()}`;
    const now = new Date().toISOString();
    const done = nextEvent(app, 'download_complete', (event) => event.data.item_id === id, 40_000);
    other
      .prepare(
        `insert into download_item (id, series_key, series_folder, series_name, season, episode, status, priority, position, created_at, updated_at)
      values (?, 'film-collection', 'Film Collection (2015)', 'Film Collection', 1, 1, 'pending', 0, ?, ?, ?)`,
      )
      .run(id, Date.now(), now, now);
    other.close();
    const event = await done;
    expect(event.data).toMatchObject({ item_id: id, key: 'film-collection', season: 1, episode: 1 });
    expect(await exists(event.data.file_path as string)).toBe(true);
  }, 60_000);
});
