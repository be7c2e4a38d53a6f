import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startFixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const HOUR = 3600_000;

/**
 * Schedules through the real app and its SQLite job file: the rescan runs on first start,
 * a restart neither repeats it nor pushes it back, and a run missed while the app was down
 * is caught up at start.
 */
describe('scheduled jobs', () => {
  let app: TestApp | undefined;
  let root: string;
  const temps: (() => Promise<void>)[] = [];

  afterEach(async () => {
    await app?.dispose();
    app = undefined;
    for (const remove of temps.splice(0)) await remove();
  });

  const freshRoot = async () => {
    const temp = await makeTempDir();
    temps.push(temp.remove);
    return temp.path;
  };

  const rescan = async (target: TestApp) =>
    (await target.running.services.jobs.list('rescan-library')).find((job) => job.state === 'repeating' || job.state === 'running' || job.state === 'queued');
  const editJobs = (sql: string, ...params: unknown[]) => {
    const db = new Database(join(root, 'data', 'jobs.db'));
    try {
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  };

  it('rescans at first start, keeps the schedule across restarts and catches up a missed run', async () => {
    root = await freshRoot();
    app = await startTestApp({ root });
    await expect.poll(async () => (await rescan(app!))?.lastRunAt ?? null, { timeout: 20_000 }).not.toBeNull();
    await expect.poll(async () => (await rescan(app!))?.state).toBe('repeating');
    const first = (await rescan(app))!;
    expect(Date.parse(first.nextRunAt!) - Date.parse(first.lastRunAt!)).toBe(6 * HOUR);
    const names = (await app.running.services.jobs.list())
      .filter((job) => job.state === 'repeating')
      .map((job) => job.name)
      .sort();
    expect(names).toEqual(['prune-activity', 'prune-sessions', 'refresh-series', 'rescan-library']);
    const health = (await app.request('GET', '/api/health')).body.jobs;
    expect(health).toMatchObject({ status: 'ok', store: 'sqlite', state: 'running', role: 'processing', counts: { repeating: 4 } });

    // A restart neither runs it again nor moves the next run.
    await app.stop();
    app = await startTestApp({ root });
    const afterRestart = (await rescan(app))!;
    expect(afterRestart.lastRunAt).toBe(first.lastRunAt);
    expect(afterRestart.nextRunAt).toBe(first.nextRunAt);

    // Down for seven hours, with a next run that a naive every() would have pushed to the future:
    // the stored lastRunAt shows the run is overdue, so it runs right after the start.
    await app.stop();
    const sevenHoursAgo = Date.now() - 7 * HOUR;
    editJobs(`UPDATE agenda_jobs SET last_run_at = ?, next_run_at = ? WHERE name = 'rescan-library' AND type = 'single'`, sevenHoursAgo, Date.now() + 5 * HOUR);
    app = await startTestApp({ root });
    await expect.poll(async () => Date.parse((await rescan(app!))?.lastRunAt ?? '0'), { timeout: 20_000 }).toBeGreaterThan(sevenHoursAgo + HOUR);
  }, 90_000);

  it('follows the interval settings: 0 turns the rescan off', async () => {
    root = await freshRoot();
    app = await startTestApp({ root, env: { ANIWORLD_RESCAN_INTERVAL_HOURS: '0' } });
    const repeating = (await app.running.services.jobs.list()).filter((job) => job.state === 'repeating' || job.name === 'rescan-library');
    expect(repeating.map((job) => job.name)).not.toContain('rescan-library');
  });

  it('ANIWORLD_ROLE=api only enqueues: no schedules, no processing, no watcher', async () => {
    root = await freshRoot();
    app = await startTestApp({ root, env: { ANIWORLD_ROLE: 'api', ANIWORLD_WATCH: 'true' } });
    const health = (await app.request('GET', '/api/health')).body;
    expect(health.jobs).toMatchObject({ status: 'ok', store: 'sqlite', role: 'enqueue-only' });
    expect(health.watcher).toMatchObject({ status: 'disabled', mode: 'off' });
    expect(await app.running.services.jobs.list()).toEqual([]);
  });

  it('with downloads.queue_missing_after_scan, a rescan queues the missing episodes of monitored series', async () => {
    const site = await startFixtureSite({ seriesCount: 3 });
    try {
      root = await freshRoot();
      await mkdir(join(root, 'data'), { recursive: true });
      await writeFile(
        join(root, 'data', 'config.json'),
        JSON.stringify({ provider: { requests_per_second: 50 }, downloads: { queue_missing_after_scan: true } }),
      );
      app = await startTestApp({ root, env: { ANIWORLD_PROVIDER_URL: site.url } });
      const token = await app.login();
      // Let the first-start rescan (of an empty library) finish before adding a series.
      await expect.poll(async () => (await rescan(app!))?.state, { timeout: 20_000 }).toBe('repeating');
      expect((await app.request('POST', '/api/anime/add', { token, body: { key: 'demo-academy' } })).status).toBe(201);
      await app.running.services.jobs.enqueue('rescan-library', {});
      await expect.poll(async () => (await app!.request('GET', '/api/queue/status', { token })).body.statistics.total_items, { timeout: 20_000 }).toBe(5);
    } finally {
      await app?.dispose();
      app = undefined;
      await site.close();
    }
  }, 60_000);
});
