import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { Agenda, type Job } from 'agenda';
import { SqliteBackend } from '../../jobs/store/SqliteBackend.ts';

/** The backend driven by Agenda itself: what a job author sees. */
describe('Agenda on the SQLite backend', () => {
  const agendas: Agenda[] = [];
  const make = (options: { processEvery?: number; removeOnComplete?: boolean } = {}) => {
    const agenda = new Agenda({
      backend: new SqliteBackend({ path: ':memory:' }),
      processEvery: options.processEvery ?? 60_000,
      removeOnComplete: options.removeOnComplete,
    });
    agendas.push(agenda);
    return agenda;
  };

  afterEach(async () => {
    for (const agenda of agendas.splice(0)) await agenda.stop();
  });

  it('starts a saved job at once through the in-process channel, not at the next poll', async () => {
    const agenda = make({ processEvery: 60_000 });
    const ran = new Promise<unknown>((resolve) =>
      agenda.define('hello', async (job: Job) => {
        resolve(job.attrs.data);
      }),
    );
    await agenda.start();
    await agenda.now('hello', { to: 'world' });
    expect(await ran).toEqual({ to: 'world' });
  });

  it('retries a failing job with its backoff and reports exhaustion', async () => {
    // Retries are saved without a notification, so a short poll picks them up.
    const agenda = make({ processEvery: 50 });
    const attempts: number[] = [];
    agenda.define(
      'flaky',
      async (job: Job) => {
        attempts.push((job.attrs.failCount ?? 0) + 1);
        throw new Error(`attempt ${attempts.length} failed`);
      },
      { backoff: ({ attempt }) => (attempt < 3 ? 10 : null) },
    );
    const exhausted = once(agenda, 'retry exhausted:flaky');
    await agenda.start();
    await agenda.now('flaky', {});
    const [error] = await exhausted;
    expect((error as Error).message).toBe('attempt 3 failed');
    expect(attempts).toEqual([1, 2, 3]);
    await expect.poll(async () => (await agenda.queryJobs({ name: 'flaky' })).jobs[0]?.lockedAt).toBeUndefined();
    const { jobs } = await agenda.queryJobs({ name: 'flaky' });
    expect(jobs[0]).toMatchObject({ state: 'failed', failCount: 3, failReason: 'attempt 3 failed', nextRunAt: null });
  });

  it('removes a completed one-time job when removeOnComplete is set, and keeps it otherwise', async () => {
    const agenda = make();
    agenda.define('removed', async () => {}, { removeOnComplete: true });
    agenda.define('kept', async () => {});
    await agenda.start();
    const removed = once(agenda, 'complete:removed');
    const kept = once(agenda, 'complete:kept');
    await agenda.now('removed', {});
    await agenda.now('kept', {});
    await Promise.all([removed, kept]);
    await new Promise((resolve) => setImmediate(resolve));
    await expect.poll(async () => (await agenda.queryJobs({ name: 'removed' })).total).toBe(0);
    expect((await agenda.queryJobs({ name: 'kept' })).jobs[0].state).toBe('completed');
  });

  it('every() keeps one repeating job per name and records lastRunAt', async () => {
    const agenda = make();
    agenda.define('tick', async () => {});
    await agenda.start();
    const ran = once(agenda, 'complete:tick');
    await agenda.every(3600_000, 'tick');
    await agenda.every(3600_000, 'tick');
    await ran;
    const { jobs } = await agenda.queryJobs({ name: 'tick' });
    expect(jobs).toHaveLength(1);
    expect(jobs[0].state).toBe('repeating');
    expect(jobs[0].lastRunAt).toBeInstanceOf(Date);
    expect(jobs[0].nextRunAt!.getTime() - jobs[0].lastRunAt!.getTime()).toBe(3600_000);
  });

  it('disabled jobs wait until enabled', async () => {
    const agenda = make();
    let runs = 0;
    agenda.define('gated', async () => {
      runs++;
    });
    await agenda.start();
    await agenda.create('gated', {}).disable().save();
    await agenda.now('noop', {}).catch(() => {});
    expect(runs).toBe(0);
    expect(await agenda.enable({ name: 'gated' })).toBe(1);
    const done = once(agenda, 'complete:gated');
    await agenda.now('gated', { second: true });
    await done;
    expect(runs).toBeGreaterThanOrEqual(1);
  });

  it('nowDebounced folds a burst of saves into one run with the last data', async () => {
    const agenda = make({ processEvery: 100 });
    const seen: unknown[] = [];
    agenda.define('index', async (job: Job) => {
      seen.push(job.attrs.data);
    });
    await agenda.start();
    const done = once(agenda, 'complete:index');
    for (let n = 1; n <= 5; n++) await agenda.nowDebounced('index', { key: 'k', n }, { 'data.key': 'k' }, 150);
    await done;
    expect(seen).toEqual([{ key: 'k', n: 5 }]);
  });

  it('keeps a persistent job log when logging is on', async () => {
    const backend = new SqliteBackend({ path: ':memory:' });
    const agenda = new Agenda({ backend, processEvery: 60_000, logging: true });
    agendas.push(agenda);
    agenda.define('logged', async () => {});
    agenda.define('broken', async () => {
      throw new Error('nope');
    });
    await agenda.start();
    const done = Promise.all([once(agenda, 'complete:logged'), once(agenda, 'complete:broken')]);
    await agenda.now('logged', {});
    await agenda.now('broken', {});
    await done;
    await expect.poll(async () => (await agenda.getLogs({ jobName: 'broken', event: 'fail' })).total).toBeGreaterThan(0);
    const failures = await agenda.getLogs({ jobName: 'broken', event: 'fail', limit: 1 });
    expect(failures.entries[0]).toMatchObject({ level: 'error', jobName: 'broken', error: 'nope' });
    const started = await agenda.getLogs({ event: ['start'], sort: 'asc' });
    expect(started.entries.map((entry) => entry.jobName).sort()).toEqual(['broken', 'logged']);
    expect(await agenda.clearLogs({ jobName: 'logged' })).toBeGreaterThan(0);
    expect((await agenda.getLogs({ jobName: 'logged' })).total).toBe(0);
  });
});
