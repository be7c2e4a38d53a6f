import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { largeFileBytes } from '../../scripts/fixture-site/media.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { inContext } from '../../backend/db/context.ts';
import { freeBytes } from '../../backend/adapters/disk-space.ts';
import { itemOf, nextEvent, waitUntil, writeQueueConfig } from './queue-helpers.ts';

/**
 * A media folder on a small tmpfs of its own: a real full disk. Mounting needs root; elsewhere
 * the test is skipped with a message.
 */
const run = promisify(execFile);
const FILE_BYTES = 3_000_000;
let temp: { path: string; remove: () => Promise<void> };
let media = '';
let mounted = false;
let why = '';

beforeAll(async () => {
  temp = await makeTempDir();
  media = join(temp.path, 'media');
  await mkdir(media, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', media]);
    mounted = true;
  } catch (error) {
    why = (error as Error).message;
  }
});
afterAll(async () => {
  if (mounted) await run('umount', ['-l', media]).catch(() => {});
  await temp?.remove();
});

describe('a full disk', () => {
  let site: FixtureSite;
  let app: TestApp;
  afterAll(async () => {
    await app?.dispose();
    await site?.close();
  });

  it('holds the queue with "disk full" in health and the status, keeps the .part, and goes on by itself when there is room again', async (context) => {
    if (!mounted) {
      console.warn(`skipped: cannot mount a small tmpfs for the media folder (needs root): ${why}`);
      return context.skip();
    }
    site = await startFixtureSite({ seriesCount: 0 });
    site.controls.largeFileBytes = FILE_BYTES;
    await writeQueueConfig(temp.path, { hosters: ['Vidoza'] });
    app = await startTestApp({ root: temp.path, env: { ANIWORLD_PROVIDER_URL: site.url } });
    const token = await app.login();
    const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
    const status = async () => (await call('GET', '/api/queue/status')).body;
    expect((await call('POST', '/api/anime/add', { key: 'demo-academy' })).status).toBe(201);

    // Leave about half the file's worth of room.
    const filler = join(media, 'filler.bin');
    await writeFile(filler, Buffer.alloc(Math.max(0, (await freeBytes(media)) - FILE_BYTES / 2)));
    const failed: string[] = [];
    const stop = app.running.services.events.subscribe((event) => {
      if (event.type === 'download_failed') failed.push(String(event.data.item_id));
    });
    const [id] = (await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 1 }] })).body.item_ids as string[];
    const path = await inContext(app.running.orm, () => app.running.services.series.episodeTarget('demo-academy', 1, 1, 'German Dub', 'mp4'));

    const held = await waitUntil(async () => {
      const now = await status();
      return now.waiting?.reason === 'disk_full' && itemOf(now, id)?.status === 'pending' && itemOf(now, id)?.error ? now : undefined;
    }, 'the queue to wait for disk space');
    expect(held.waiting.message).toMatch(/^Disk full: the media folder has no room left for S01E01 .*; waiting for space for \d+ s \(next try in \d+ s\)$/);
    expect(itemOf(held, id).error).toMatch(/^Disk full: /);
    const health = (await app.request('GET', '/api/health')).body;
    expect(health).toMatchObject({
      status: 'degraded',
      queue: { status: 'degraded', waiting: { reason: 'disk_full', message: expect.stringMatching(/^Disk full/) } },
    });
    const kept = (await stat(`${path}.part`)).size;
    expect(kept).toBeGreaterThan(0);

    const done = nextEvent(app, 'download_complete', (event) => event.data.item_id === id, 90_000);
    await rm(filler);
    await done;
    stop();
    expect(failed).toEqual([]);
    expect((await readFile(path)).equals(largeFileBytes(0, FILE_BYTES))).toBe(true);
    const media206 = site.stats.requests.filter((request) => request.path.startsWith('/media/mp4/')).map((request) => String(request.headers.range ?? ''));
    expect(media206.some((range) => Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0) > 0)).toBe(true);
    expect((await status()).waiting).toBeNull();
  }, 120_000);
});
