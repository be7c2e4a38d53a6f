import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { largeFileBytes } from '../../scripts/fixture-site/media.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { LiveClient } from '../ws/ws-client.ts';
import { Receiver } from '../notifications/receiver.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';
import { ApiClient, startRole, waitUntil, writeClusterConfig, type ClusterOptions } from './cluster.ts';

/**
 * Scale-out end to end: one API process and two workers (real `node backend/main.ts` children)
 * on one PostgreSQL, one media folder and the fixture provider site.
 */
let server: PostgresServer;
let site: FixtureSite;
let temp: { path: string; remove: () => Promise<void> };
let options: ClusterOptions;
let apiProcess: ServerProcess;
const workers: ServerProcess[] = [];
let api: ApiClient;
let live: LiveClient;
let db: pg.Client;
let receiver: Receiver;

const FILE_BYTES = 256 * 1024;

beforeAll(async () => {
  [server, site, temp] = await Promise.all([startPostgres(), startFixtureSite({ seriesCount: 1 }), makeTempDir('aniworld-scale-')]);
  const dataDir = join(temp.path, 'config');
  await writeClusterConfig(dataDir);
  // A lock lifetime of 5 s: a killed worker's download is taken over quickly.
  options = {
    dataDir,
    mediaDir: join(temp.path, 'media'),
    databaseUrl: server.url,
    providerUrl: site.url,
    env: { ANIWORLD_JOB_LOCK_SECONDS: '5', LOG_LEVEL: 'info' },
  };
  // The API first: it migrates the database and writes the shared secret.
  apiProcess = await startRole('api', options);
  workers.push(...(await Promise.all([startRole('worker', options), startRole('worker', options)])));
  api = new ApiClient(apiProcess.url);
  const token = await api.login();
  receiver = await Receiver.start();
  expect((await api.call('POST', '/api/webhooks', { name: 'complete', url: `${receiver.url}/hook`, kind: 'json', events: ['download_complete'] })).status).toBe(
    201,
  );
  for (const key of ['demo-academy', 'film-collection', 'still-running', 'generated-series-001', 'tom-and-jerrys-grosse-reise'])
    expect((await api.call('POST', '/api/anime/add', { key })).status).toBe(201);
  live = await LiveClient.open(`${apiProcess.url.replace('http', 'ws')}/ws/connect?token=${token}`);
  await live.join('downloads');
  await live.join('download_progress');
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
  // Four processes and PostgreSQL start here; on a loaded 2-core machine that alone can take minutes.
}, 300_000);

afterAll(async () => {
  for (const line of [apiProcess, ...workers].filter(Boolean).flatMap((process) => process.output))
    if (/"level":(40|50|60)/.test(line)) console.error(line.slice(0, 1500));
  live?.socket.close();
  await db?.end();
  await receiver?.stop();
  await Promise.all([apiProcess, ...workers].filter(Boolean).map((process) => process.stop()));
  await Promise.all([site?.close(), server?.stop()]);
  await temp?.remove();
});

async function queue(key: string, episodes: { season: number; episode: number }[]): Promise<string[]> {
  const result = await api.call('POST', '/api/queue/add', { serie_id: key, serie_folder: 'ignored', serie_name: 'ignored', episodes });
  expect(result.status).toBe(201);
  return result.body.item_ids;
}

const status = async () => (await api.call('GET', '/api/queue/status')).body;

/** Queues one episode served at `bytesPerSecond` and waits until its download has passed `progressPast` bytes. */
async function downloadUnderWay(
  key: string,
  episode: { season: number; episode: number },
  options: { bytes: number; bytesPerSecond: number; progressPast: number },
): Promise<string> {
  site.controls.largeFileBytes = options.bytes;
  site.controls.slowBytesPerSecond = options.bytesPerSecond;
  site.stats.reset();
  const [id] = await queue(key, [episode]);
  await live.waitFor(
    (message) => message.type === 'download_progress' && message.data.item_id === id && message.data.progress.downloaded_bytes > options.progressPast,
    `progress past ${options.progressPast} bytes`,
  );
  return id;
}

describe('scale-out: one API process, two workers, one PostgreSQL', () => {
  it('workers answer only the health check, the API process everything', async () => {
    const health = await fetch(`${workers[0].url}/health`);
    expect(health.status).toBe(200);
    // Same secret (shared config volume), so a valid token: still nothing but health there.
    expect((await fetch(`${workers[0].url}/api/queue/status`, { headers: { authorization: `Bearer ${api.token}` } })).status).toBe(404);
    expect((await fetch(`${workers[0].url}/`)).status).toBe(404);
    expect((await api.call('GET', '/api/queue/status')).status).toBe(200);
    const jobs = (await (await fetch(`${apiProcess.url}/api/health`)).json()).checks?.jobs ?? (await (await fetch(`${apiProcess.url}/api/health`)).json()).jobs;
    expect(JSON.stringify(jobs)).toContain('postgres');
  });

  it('downloads 10 queued episodes exactly once each, complete, with live progress on the API process', async () => {
    site.controls.largeFileBytes = FILE_BYTES;
    site.controls.slowBytesPerSecond = FILE_BYTES;
    site.stats.reset();
    const ids = [
      ...(await queue('demo-academy', [
        { season: 1, episode: 1 },
        { season: 1, episode: 2 },
        { season: 1, episode: 3 },
        { season: 2, episode: 1 },
        { season: 2, episode: 2 },
      ])),
      ...(await queue('film-collection', [
        { season: 0, episode: 1 },
        { season: 0, episode: 2 },
      ])),
      ...(await queue('still-running', [{ season: 1, episode: 1 }])),
      ...(await queue('generated-series-001', [
        { season: 1, episode: 1 },
        { season: 1, episode: 2 },
      ])),
    ];
    expect(ids).toHaveLength(10);
    const finished = await waitUntil(
      async () => {
        const body = await status();
        return body.completed_downloads.filter((item: any) => ids.includes(item.id)).length + body.failed_downloads.length === 10 && body;
      },
      '10 downloads to finish',
      90_000,
    );
    expect(finished.failed_downloads.map((item: any) => `${item.status}: ${item.error}`)).toEqual([]);

    // Exactly once: one media GET per episode, one "complete" per item.
    expect(site.stats.count('/media/mp4/', 'GET')).toBe(10);
    for (const item of finished.completed_downloads.filter((entry: any) => ids.includes(entry.id))) {
      const file = await readFile(item.file_path);
      expect(file.equals(largeFileBytes(0, FILE_BYTES)), item.file_path).toBe(true);
      await expect(stat(`${item.file_path}.part`)).rejects.toThrow(/ENOENT/);
    }
    for (const id of ids) {
      await live.waitFor((message) => message.type === 'download_complete' && message.data.item_id === id, `download_complete of ${id}`);
      expect(live.messages.filter((message) => message.type === 'download_complete' && message.data.item_id === id)).toHaveLength(1);
      expect(
        live.messages.some((message) => message.type === 'download_progress' && message.data.item_id === id),
        `progress of ${id}`,
      ).toBe(true);
    }
    // Log lines come through pipes, which the test may read after the WebSocket messages.
    const completeLine = (id: string) => (line: string) => line.includes('"download complete"') && line.includes(id);
    for (const id of ids) await Promise.race(workers.map((worker) => worker.waitForLine(completeLine(id))));
    const completions = [apiProcess, ...workers].flatMap((process) => process.output.filter((line) => line.includes('"download complete"')));
    expect(completions).toHaveLength(10);
    expect(apiProcess.output.filter((line) => line.includes('"download complete"'))).toEqual([]);
    expect([apiProcess, ...workers].map((process) => process.child.exitCode)).toEqual([null, null, null]);

    // Webhooks: each download_complete is recorded as one delivery (by the worker it happened on),
    // not again by the API process that also sees it. A slow answer may be retried (at least once
    // on the wire), but always as that same delivery.
    const deliveriesByItem = () => {
      const byItem = new Map<string, Set<string>>();
      for (const request of receiver.requests) {
        const item = JSON.parse(request.body).data.item_id as string;
        byItem.set(item, (byItem.get(item) ?? new Set()).add(String(request.headers['x-aniworld-delivery'])));
      }
      return byItem;
    };
    await waitUntil(async () => deliveriesByItem().size >= 10, 'webhooks for 10 downloads');
    expect([...deliveriesByItem().keys()].sort()).toEqual([...ids].sort());
    for (const deliveries of deliveriesByItem().values()) expect(deliveries.size).toBe(1);
    const { rows } = await db.query(
      "select count(*)::int as count, count(distinct payload->'data'->>'item_id')::int as items from webhook_delivery where event = 'download_complete'",
    );
    expect(rows[0]).toEqual({ count: 10, items: 10 });
  }, 120_000);

  it('a worker killed mid-download loses its lock; the other one finishes the file from its .part', async () => {
    const bytes = 2 * 1024 * 1024;
    const id = await downloadUnderWay('still-running', { season: 1, episode: 2 }, { bytes, bytesPerSecond: 200 * 1024, progressPast: 400 * 1024 });
    const { rows } = await db.query("select last_modified_by from agenda_jobs where name = 'download-episode' and locked_at is not null");
    expect(rows).toHaveLength(1);
    const runningOn = workers.find((worker) => String(rows[0].last_modified_by).endsWith(`:${worker.child.pid}`));
    expect(runningOn, `job locked by ${rows[0].last_modified_by}`).toBeDefined();
    const survivor = workers.find((worker) => worker !== runningOn)!;
    await runningOn!.stop('SIGKILL');
    site.controls.slowBytesPerSecond = 0;

    const done = await live.waitFor((message) => message.type === 'download_complete' && message.data.item_id === id, 'download_complete after the takeover');
    expect((await readFile(done.data.file_path)).equals(largeFileBytes(0, bytes))).toBe(true);
    const ranges = site.stats.requests
      .filter((request) => request.path.startsWith('/media/mp4/') && request.method === 'GET')
      .map((request) => request.headers.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[1]).toMatch(/^bytes=[1-9]\d*-/);
    // The survivor logs the completion (read through a pipe, maybe after the WebSocket message).
    await survivor.waitForLine((line) => line.includes('"download complete"') && line.includes(id));
    expect(live.messages.filter((message) => message.type === 'download_complete' && message.data.item_id === id)).toHaveLength(1);
    expect([apiProcess.child.exitCode, survivor.child.exitCode]).toEqual([null, null]);
    // The survivor recorded the webhook for the download it finished; the killed worker never did.
    const deliveries = await waitUntil(async () => {
      const { rows } = await db.query(
        "select count(*)::int as count, count(distinct payload->'data'->>'item_id')::int as items from webhook_delivery where event = 'download_complete'",
      );
      return rows[0].count >= 11 && rows[0];
    }, 'the webhook delivery of the resumed download');
    expect(deliveries).toEqual({ count: 11, items: 11 });
  }, 120_000);

  it('a speed limit set through the API process applies on the worker at once, also to a running download', async () => {
    const bytes = 4 * 1024 * 1024;
    const limit = 256 * 1024;
    site.controls.largeFileBytes = bytes;
    site.controls.slowBytesPerSecond = 0;
    expect((await api.call('PUT', '/api/config', { downloads: { speed_limit_bytes_per_second: limit } })).status).toBe(200);
    const queued = performance.now();
    const [id] = await queue('film-collection', [{ season: 1, episode: 1 }]);
    // The worker holds to the limit: 1 MiB takes over 3 s at 256 KiB/s (a quarter second of burst
    // and one chunk aside); unlimited, curl moves the whole 4 MiB from loopback in moments.
    const limited = await live.waitFor(
      (message) => message.type === 'download_progress' && message.data.item_id === id && message.data.progress.downloaded_bytes >= 1024 * 1024,
      'progress past 1 MiB',
    );
    expect((performance.now() - queued) / 1000).toBeGreaterThan(3);
    expect(limited.data.progress.downloaded_bytes).toBeLessThan(bytes / 2);

    // Lifted while the download runs: the rest (over 10 s at the limit) arrives at once.
    const lifted = performance.now();
    expect((await api.call('PUT', '/api/config', { downloads: { speed_limit_bytes_per_second: 0 } })).status).toBe(200);
    const done = await live.waitFor(
      (message) => message.type === 'download_complete' && message.data.item_id === id,
      'download_complete after the limit was lifted',
    );
    expect((performance.now() - lifted) / 1000).toBeLessThan(6);
    expect((await readFile(done.data.file_path)).equals(largeFileBytes(0, bytes))).toBe(true);
    expect(
      workers
        .filter((worker) => worker.child.exitCode === null)
        .some((worker) => worker.output.some((line) => line.includes('settings changed by another process'))),
    ).toBe(true);
  }, 60_000);

  it('cancel through the API process stops the download on its worker within a heartbeat; retry resumes it there or elsewhere', async () => {
    const bytes = 2 * 1024 * 1024;
    const id = await downloadUnderWay(
      'tom-and-jerrys-grosse-reise',
      { season: 1, episode: 1 },
      { bytes, bytesPerSecond: 256 * 1024, progressPast: 256 * 1024 },
    );
    expect((await api.call('POST', `/api/queue/${id}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    // The worker notices at its next heartbeat (1 s) and stops; the item stays cancelled.
    const asked = performance.now();
    const stopped = (line: string) => line.includes('"download stopped') && line.includes(id);
    await Promise.race(workers.map((worker) => worker.waitForLine(stopped)));
    expect((performance.now() - asked) / 1000).toBeLessThan(2.5);
    expect((await api.call('GET', `/api/queue/${id}`)).body).toMatchObject({ status: 'cancelled' });

    site.controls.slowBytesPerSecond = 0;
    expect((await api.call('POST', '/api/queue/retry', { item_ids: [id] })).body).toEqual({ retried: [id] });
    const done = await live.waitFor((message) => message.type === 'download_complete' && message.data.item_id === id, 'download_complete after the retry');
    expect((await readFile(done.data.file_path)).equals(largeFileBytes(0, bytes))).toBe(true);
    const ranges = site.stats.requests
      .filter((request) => request.path.startsWith('/media/mp4/') && request.method === 'GET')
      .map((request) => request.headers.range);
    expect(ranges.at(-1)).toMatch(/^bytes=[1-9]\d*-/);
  }, 60_000);

  it('a retry right after a cancel never runs a second transfer while the worker is still stopping the first', async () => {
    const bytes = 1024 * 1024;
    const id = await downloadUnderWay(
      'tom-and-jerrys-grosse-reise',
      { season: 1, episode: 2 },
      { bytes, bytesPerSecond: 256 * 1024, progressPast: 128 * 1024 },
    );
    // Cancel and retry at once, well within the worker's one-second heartbeat.
    expect((await api.call('POST', `/api/queue/${id}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    expect((await api.call('POST', '/api/queue/retry', { item_ids: [id] })).body).toEqual({ retried: [id] });
    const done = await live.waitFor(
      (message) => message.type === 'download_complete' && message.data.item_id === id,
      'download_complete after the quick retry',
    );
    const media = site.stats.requests.filter((request) => request.path.startsWith('/media/mp4/') && request.method === 'GET');
    const file = await readFile(done.data.file_path);
    // Should the file differ, say how it was fetched (which ranges, when, how large it came out).
    const fetched = JSON.stringify({
      size: file.length,
      requests: media.map((request) => ({ range: request.headers.range, startedAt: request.startedAt, endedAt: request.endedAt })),
    });
    expect(file.equals(largeFileBytes(0, bytes)), fetched).toBe(true);
    // One transfer at a time: the resumed request began only after the first one had ended.
    expect(media).toHaveLength(2);
    expect(media[1].startedAt).toBeGreaterThanOrEqual(media[0].endedAt!);
    // ...and the item got its job again as soon as the first one ended (from the worker, or from
    // the retry when it came after that), not from the API process's sweep for pending items
    // without a job, which comes every 10 s. (A bound under that; what it takes is the machine's.)
    expect(media[1].startedAt - media[0].endedAt!).toBeLessThan(9000);
    expect(media[1].headers.range).toMatch(/^bytes=[1-9]\d*-/);
    expect(live.messages.filter((message) => message.type === 'download_complete' && message.data.item_id === id)).toHaveLength(1);
  }, 60_000);

  it('a second API process: a stop made through one holds in the other, and a start there runs the queue again', async () => {
    site.controls.largeFileBytes = FILE_BYTES;
    site.controls.slowBytesPerSecond = 0;
    const second = await startRole('api', options);
    try {
      const other = new ApiClient(second.url);
      await other.login();
      expect((await api.call('POST', '/api/queue/stop')).status).toBe(200);
      expect((await other.call('GET', '/api/queue/status')).body).toMatchObject({ is_running: false });
      const added = await other.call('POST', '/api/queue/add', {
        serie_id: 'film-collection',
        serie_folder: 'ignored',
        serie_name: 'ignored',
        episodes: [{ season: 1, episode: 2 }],
      });
      expect(added.status).toBe(201);
      const [id] = added.body.item_ids as string[];
      // The item has its job, stored paused: no worker starts it. Nothing to wait for when
      // nothing may happen: look for a while that it stays that way.
      for (let look = 0; look < 15; look++) {
        const { rows } = await db.query("select disabled from agenda_jobs where name = 'download-episode' and data::text like $1", [`%${id}%`]);
        expect(rows).toEqual([{ disabled: true }]);
        expect((await other.call('GET', `/api/queue/${id}`)).body).toMatchObject({ status: 'pending' });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      expect((await other.call('POST', '/api/queue/start')).status).toBe(200);
      await live.waitFor(
        (message) => message.type === 'download_complete' && message.data.item_id === id,
        'download_complete after the start on the second API process',
      );
      expect((await status()).is_running).toBe(true);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
