import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { RequestContext } from '@mikro-orm/core';
import { systemClock } from '../../backend/adapters/clock.ts';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { SettingsStore } from '../../config/store.ts';
import { settingsSchema } from '../../config/schema.ts';
import { defineJob, type AnyJobDefinition, type JobServices } from '../../jobs/definition.ts';
import { createJobRunner, type JobRunner } from '../../jobs/runner.ts';
import { createJobStore } from '../../jobs/store/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { capturedLogger } from '../helpers/loggers.ts';

/**
 * The runner with its real parts: SQLite job store and ORM in a temp dir, the real settings
 * store. Only the job definitions are the test's own, so that they can report what they saw.
 */
describe('job runner', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let orm: Orm;
  let settings: SettingsStore;
  const runners: JobRunner[] = [];
  const { logger, logs } = capturedLogger();

  beforeEach(async () => {
    temp = await makeTempDir();
    orm = await openDatabase({ file: join(temp.path, 'aniworld.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
    settings = new SettingsStore({
      file: join(temp.path, 'config.json'),
      backupDir: join(temp.path, 'backups'),
      envSettings: {},
      initial: settingsSchema.parse({}),
      clock: systemClock,
    });
  });

  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await orm.close();
    await temp.remove();
  });

  async function runner(
    definitions: AnyJobDefinition[],
    options: { services?: JobServices; drainMs?: number; start?: boolean; processEveryMs?: number } = {},
  ): Promise<JobRunner> {
    const store = await createJobStore({ kind: 'sqlite', sqliteFile: join(temp.path, 'jobs.db'), dataDir: temp.path, env: {} });
    const created = createJobRunner(store, { orm, settings, logger, definitions, processEveryMs: options.processEveryMs ?? 100, drainMs: options.drainMs });
    runners.push(created);
    if (options.start !== false) await created.start(options.services ?? {});
    return created;
  }

  /** A definition whose runs the test can watch and release. */
  function probe(options: { concurrency?: AnyJobDefinition['concurrency']; ignoreSignal?: boolean } = {}) {
    const started: { payload: unknown; hasContext: boolean; signal: AbortSignal }[] = [];
    const waiters: (() => void)[] = [];
    let release: () => void = () => {};
    let gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let running = 0;
    let maxRunning = 0;
    const definition = defineJob({
      name: 'download-episode',
      needs: [],
      concurrency: options.concurrency,
      async run(context) {
        running++;
        maxRunning = Math.max(maxRunning, running);
        started.push({ payload: context.payload, hasContext: RequestContext.getEntityManager() !== undefined, signal: context.signal });
        for (const wake of waiters.splice(0)) wake();
        try {
          await (options.ignoreSignal
            ? gate
            : Promise.race([gate, new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason)))]));
        } finally {
          running--;
        }
      },
    });
    return {
      definition,
      started,
      get maxRunning() {
        return maxRunning;
      },
      releaseAll() {
        release();
        gate = new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      async waitForStarts(count: number) {
        while (started.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      },
    };
  }

  it('runs an enqueued job at once, on its own EntityManager fork, with the payload as given', async () => {
    const job = probe();
    const jobs = await runner([job.definition]);
    await jobs.enqueue('download-episode', { itemId: 'a' });
    await job.waitForStarts(1);
    expect(job.started[0]).toMatchObject({ payload: { itemId: 'a' }, hasContext: true });
    expect((await jobs.list('download-episode'))[0]).toMatchObject({ state: 'running', payload: { itemId: 'a' } });
    job.releaseAll();
    await expect.poll(async () => (await jobs.list('download-episode')).length).toBe(0);
  });

  it('pause holds new and queued jobs of a name, resume runs them by priority, then in queue order', async () => {
    const job = probe();
    const jobs = await runner([job.definition]);
    await jobs.pause('download-episode');
    await jobs.enqueue('download-episode', { itemId: 'low' }, { priority: -5 });
    await jobs.enqueue('download-episode', { itemId: 'first' });
    await jobs.enqueue('download-episode', { itemId: 'high' }, { priority: 10 });
    await jobs.enqueue('download-episode', { itemId: 'second' });
    expect((await jobs.list()).map((entry) => entry.state)).toEqual(['paused', 'paused', 'paused', 'paused']);
    expect(job.started).toHaveLength(0);
    await jobs.resume('download-episode');
    for (let index = 1; index <= 4; index++) {
      await job.waitForStarts(index);
      job.releaseAll();
    }
    expect(job.started.map((run) => (run.payload as { itemId: string }).itemId)).toEqual(['high', 'first', 'second', 'low']);
  });

  it('stores a job with a unique key once', async () => {
    const job = probe();
    const jobs = await runner([job.definition]);
    await jobs.pause('download-episode');
    await jobs.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x', priority: 1 });
    await jobs.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x', priority: 7 });
    const listed = await jobs.list('download-episode');
    expect(listed).toHaveLength(1);
    expect(listed[0].payload).toEqual({ itemId: 'x' });
  });

  it('runs a unique key again when it was queued while its job ran (the finished job does not swallow it)', async () => {
    const job = probe();
    const jobs = await runner([job.definition]);
    await jobs.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x' });
    await job.waitForStarts(1);
    // Paused and resumed while the first run is ending: the second enqueue must give a second run.
    const again = jobs.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x' });
    job.releaseAll();
    await again;
    await job.waitForStarts(2);
    job.releaseAll();
    await expect.poll(async () => jobs.list('download-episode')).toEqual([]);
    expect(job.started).toHaveLength(2);
  });

  it('reads onlyIf of a key queued while its job ran only once that job is gone from the store', async () => {
    const job = probe();
    const jobs = await runner([job.definition]);
    await jobs.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x' });
    await job.waitForStarts(1);
    const storedWhenAsked: number[] = [];
    let wanted = false;
    await jobs.enqueue(
      'download-episode',
      { itemId: 'x' },
      {
        uniqueKey: 'download:x',
        onlyIf: async () => {
          storedWhenAsked.push((await jobs.list('download-episode')).length);
          return wanted;
        },
      },
    );
    expect(storedWhenAsked).toEqual([]);
    // Decided after the enqueue and before the job ended (a retry made in another process).
    wanted = true;
    job.releaseAll();
    await job.waitForStarts(2);
    expect(storedWhenAsked).toEqual([0]);
    job.releaseAll();
    await expect.poll(async () => jobs.list('download-episode')).toEqual([]);
    // false stores nothing.
    await jobs.enqueue('download-episode', { itemId: 'y' }, { uniqueKey: 'download:y', onlyIf: async () => false });
    expect(await jobs.list('download-episode')).toEqual([]);
  });

  it('stores a unique key queued while its job ran when the runner stops as that job ends', async () => {
    const job = probe();
    const jobs = await runner([job.definition]);
    await jobs.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x' });
    await job.waitForStarts(1);
    await jobs.pause('download-episode');
    await jobs.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x', priority: 3 });
    job.releaseAll();
    await jobs.stop();
    expect(logs.filter((line) => Number(line.level) >= 50)).toEqual([]);

    const next = await runner([job.definition], { start: false });
    const stored = await next.list('download-episode');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ payload: { itemId: 'x' } });
  });

  it('cancel removes queued jobs and aborts a matching running one', async () => {
    const job = probe();
    const jobs = await runner([job.definition]);
    await jobs.enqueue('download-episode', { itemId: 'running' });
    await job.waitForStarts(1);
    await jobs.enqueue('download-episode', { itemId: 'waiting' }, { runAt: new Date(Date.now() + 3600_000) });
    expect(await jobs.cancel('download-episode', { itemId: 'waiting' })).toBe(1);
    await jobs.cancel('download-episode', { itemId: 'running' });
    expect(job.started[0].signal.aborted).toBe(true);
    await expect.poll(async () => jobs.list('download-episode')).toEqual([]);
  });

  it('starts the next stored job as soon as a slot frees, not at the next poll', async () => {
    const job = probe({ concurrency: 1 });
    // A poll far beyond the test's patience: only the nudge after a finished job can start the next.
    const jobs = await runner([job.definition], { processEveryMs: 60_000 });
    await jobs.enqueue('download-episode', { itemId: 'first' });
    await jobs.enqueue('download-episode', { itemId: 'second' });
    await jobs.enqueue('download-episode', { itemId: 'third' });
    for (let index = 1; index <= 3; index++) {
      await job.waitForStarts(index);
      job.releaseAll();
    }
    expect(job.started.map((run) => (run.payload as { itemId: string }).itemId)).toEqual(['first', 'second', 'third']);
  }, 10_000);

  it('applies the concurrency from settings, live', async () => {
    const job = probe({ concurrency: (current) => current.downloads.concurrency });
    await settings.patch({ downloads: { concurrency: 1 } });
    const jobs = await runner([job.definition]);
    for (const itemId of ['a', 'b', 'c', 'd']) await jobs.enqueue('download-episode', { itemId });
    await job.waitForStarts(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(job.maxRunning).toBe(1);
    await settings.patch({ downloads: { concurrency: 3 } });
    await job.waitForStarts(3);
    expect(job.maxRunning).toBe(3);
    job.releaseAll();
    await job.waitForStarts(4);
    job.releaseAll();
  });

  it('stop lets a job finish within the drain time', async () => {
    const job = probe();
    const jobs = await runner([job.definition], { drainMs: 5000 });
    await jobs.enqueue('download-episode', { itemId: 'a' });
    await job.waitForStarts(1);
    // The job ends while the runner is stopping (not after a while, which a loaded machine stretches).
    const stopping = jobs.stop();
    expect(jobs.state).toBe('stopping');
    job.releaseAll();
    await stopping;
    expect(job.started[0].signal.aborted).toBe(false);
    expect(jobs.state).toBe('stopped');
    const reopened = await runner([job.definition], { start: false });
    expect(await reopened.list()).toEqual([]);
  });

  it('stop aborts a job that outlives the drain time; one that ignores it is unlocked and runs again after a restart', async () => {
    const polite = probe();
    const jobs = await runner([polite.definition], { drainMs: 100 });
    await jobs.enqueue('download-episode', { itemId: 'polite' });
    await polite.waitForStarts(1);
    await jobs.stop();
    expect(polite.started[0].signal.aborted).toBe(true);

    const stubborn = probe({ ignoreSignal: true });
    const second = await runner([stubborn.definition], { drainMs: 100 });
    // The aborted job failed (no retry configured): it stays in the store as failed.
    expect((await second.list()).map((entry) => entry.state)).toEqual(['failed']);
    await second.enqueue('download-episode', { itemId: 'stubborn' });
    await stubborn.waitForStarts(1);
    await second.stop();
    expect(logs.some((line) => line.msg === 'jobs still running at shutdown; they will run again after the next start')).toBe(true);
    stubborn.releaseAll();

    const third = probe();
    await runner([third.definition]);
    await third.waitForStarts(1);
    expect(third.started[0].payload).toEqual({ itemId: 'stubborn' });
    third.releaseAll();
  });

  it('registers only the definitions whose services are wired', async () => {
    const needsSeries = defineJob({ name: 'refresh-series', needs: ['series'], async run() {} });
    const needsAuth = defineJob({ name: 'prune-sessions', needs: ['auth'], async run() {} });
    const jobs = await runner([needsSeries, needsAuth], { services: { auth: { pruneSessions: async () => 0 } } });
    expect(jobs.registered).toEqual(['prune-sessions']);
  });

  it('without start() only enqueues (ANIWORLD_ROLE=api) and reports itself as enqueue-only', async () => {
    const job = probe();
    const api = await runner([job.definition], { start: false });
    await api.enqueue('download-episode', { itemId: 'for-a-worker' });
    expect(await api.health()).toMatchObject({ status: 'ok', store: 'sqlite', role: 'enqueue-only', counts: { queued: 1 } });
    expect(job.started).toHaveLength(0);
    const worker = await runner([job.definition]);
    await job.waitForStarts(1);
    expect(job.started[0].payload).toEqual({ itemId: 'for-a-worker' });
    expect(await worker.health()).toMatchObject({ role: 'processing', counts: { running: 1 } });
    job.releaseAll();
  });
  it('"run now" makes a schedule due at once, and refuses while that job runs', async () => {
    const runs: (() => void)[] = [];
    const waiters: (() => void)[] = [];
    const definition = defineJob({
      name: 'prune-sessions',
      needs: [],
      run: () =>
        new Promise<void>((resolve) => {
          runs.push(resolve);
          for (const wake of waiters.splice(0)) wake();
        }),
    });
    const waitForRuns = async (count: number) => {
      while (runs.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    const created = await runner([definition]);
    // A first start has never run the schedule: it is due at once.
    await waitForRuns(1);
    await expect(created.runNow('prune-sessions')).rejects.toMatchObject({ status: 409, code: 'task_running' });
    runs[0]();
    await expect.poll(async () => (await created.list('prune-sessions'))[0]?.state).toBe('repeating');
    const schedule = (await created.list('prune-sessions'))[0];
    expect(schedule.repeating).toBe(true);
    const firstRun = schedule.lastRunAt;
    expect(await created.runNow('prune-sessions')).toBe('scheduled');
    await waitForRuns(2);
    runs[1]();
    const jobs = await created.list('prune-sessions');
    // Still the one repeating job, no second one beside it.
    expect(jobs).toHaveLength(1);
    expect(jobs[0].lastRunAt).not.toBe(firstRun);
  });
});
