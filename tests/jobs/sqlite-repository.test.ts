import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { JobParameters } from 'agenda';
import { SqliteBackend } from '../../jobs/store/SqliteBackend.ts';
import type { SqliteJobRepository } from '../../jobs/store/SqliteJobRepository.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * The repository half of Agenda's backend contract, called the way Agenda calls it.
 * Time-dependent behaviour (debounce windows, lock expiry) runs on a fake Date.
 */
const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function job(overrides: Partial<JobParameters> = {}): JobParameters {
  return { name: 'work', priority: 0, nextRunAt: T0, type: 'normal', data: {}, ...overrides };
}

describe('SqliteJobRepository', () => {
  let backend: SqliteBackend;
  let repo: SqliteJobRepository;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    backend = new SqliteBackend({ path: ':memory:' });
    await backend.connect();
    repo = backend.repository;
  });

  afterEach(async () => {
    vi.useRealTimers();
    await backend.disconnect();
  });

  it('stores a job and reads every field back with its type', async () => {
    const saved = await repo.saveJob(
      job({
        data: { itemId: 'a1', nested: { n: 2 } },
        priority: 10,
        repeatInterval: 5000,
        repeatTimezone: 'Europe/Berlin',
        startDate: at(1),
        endDate: at(2),
        skipDays: [0, 6],
        fork: false,
        disabled: false,
      }),
      { lastModifiedBy: 'test' },
    );
    expect(saved._id).toBeTypeOf('string');
    const loaded = await repo.getJobById(saved._id!);
    expect(loaded).toMatchObject({
      name: 'work',
      priority: 10,
      nextRunAt: T0,
      type: 'normal',
      data: { itemId: 'a1', nested: { n: 2 } },
      repeatInterval: 5000,
      repeatTimezone: 'Europe/Berlin',
      startDate: at(1),
      endDate: at(2),
      skipDays: [0, 6],
      fork: false,
      disabled: false,
      lastModifiedBy: 'test',
    });
    expect(loaded!.lockedAt).toBeUndefined();
    expect(await repo.getJobById('no-such-id')).toBeNull();
  });

  it('updates by id without touching the fields the processor owns', async () => {
    const saved = await repo.saveJob(job(), undefined);
    await repo.saveJobState({ ...saved, lastRunAt: at(5), lastFinishedAt: at(6) }, undefined);
    const updated = await repo.saveJob({ ...job({ data: { v: 2 }, priority: 5 }), _id: saved._id }, undefined);
    expect(updated).toMatchObject({ data: { v: 2 }, priority: 5, lastRunAt: at(5), lastFinishedAt: at(6) });
  });

  it('returns the given job unchanged when saving by id a job that was removed', async () => {
    const saved = await repo.saveJob(job(), undefined);
    await repo.removeJobs({ id: saved._id });
    const again = { ...saved, data: { gone: true } };
    expect(await repo.saveJob(again, undefined)).toBe(again);
  });

  it('saveJobState writes the run fields and fails for a job that no longer exists', async () => {
    const saved = await repo.saveJob(job(), undefined);
    await repo.saveJobState(
      { ...saved, lockedAt: at(1), lastRunAt: at(1), progress: 40, failCount: 2, failReason: 'boom', failedAt: at(2), nextRunAt: null },
      { lastModifiedBy: 'w1' },
    );
    expect(await repo.getJobById(saved._id!)).toMatchObject({
      lockedAt: at(1),
      lastRunAt: at(1),
      progress: 40,
      failCount: 2,
      failReason: 'boom',
      failedAt: at(2),
      nextRunAt: null,
      lastModifiedBy: 'w1',
    });
    await repo.removeJobs({ id: saved._id });
    await expect(repo.saveJobState(saved, undefined)).rejects.toThrow(/cannot be updated/);
  });

  describe("type 'single'", () => {
    it('keeps one job per name and updates it', async () => {
      const first = await repo.saveJob(job({ type: 'single', repeatInterval: 1000, nextRunAt: at(1000), data: { v: 1 } }), undefined);
      const second = await repo.saveJob(job({ type: 'single', repeatInterval: 2000, nextRunAt: at(2000), data: { v: 2 } }), undefined);
      expect(second._id).toBe(first._id);
      expect(second).toMatchObject({ repeatInterval: 2000, nextRunAt: at(2000), data: { v: 2 } });
      expect((await repo.queryJobs({ name: 'work' })).total).toBe(1);
    });

    it('does not move an existing nextRunAt when the new one is now or past', async () => {
      await repo.saveJob(job({ type: 'single', nextRunAt: at(60_000) }), undefined);
      const again = await repo.saveJob(job({ type: 'single', nextRunAt: at(-1) }), undefined);
      expect(again.nextRunAt).toEqual(at(60_000));
    });

    it('keeps lastRunAt across a re-save (what restarts rely on)', async () => {
      const first = await repo.saveJob(job({ type: 'single', repeatInterval: 1000 }), undefined);
      await repo.saveJobState({ ...first, lastRunAt: at(-5000) }, undefined);
      const again = await repo.saveJob(job({ type: 'single', repeatInterval: 1000, nextRunAt: at(1000) }), undefined);
      expect(again.lastRunAt).toEqual(at(-5000));
    });
  });

  describe('unique', () => {
    it('upserts on a data path and leaves other keys alone', async () => {
      const a = await repo.saveJob(job({ data: { itemId: 'x', n: 1 }, unique: { 'data.itemId': 'x' } }), undefined);
      const b = await repo.saveJob(job({ data: { itemId: 'x', n: 2 }, unique: { 'data.itemId': 'x' } }), undefined);
      const c = await repo.saveJob(job({ data: { itemId: 'y', n: 3 }, unique: { 'data.itemId': 'y' } }), undefined);
      expect(b._id).toBe(a._id);
      expect(b.data).toEqual({ itemId: 'x', n: 2 });
      expect(c._id).not.toBe(a._id);
      expect((await repo.queryJobs({})).total).toBe(2);
    });

    it('matches numbers, booleans, nested paths and other job names separately', async () => {
      const a = await repo.saveJob(
        job({ data: { id: 7, on: true, deep: { k: 'v' } }, unique: { 'data.id': 7, 'data.on': true, 'data.deep.k': 'v' } }),
        undefined,
      );
      const b = await repo.saveJob(
        job({ data: { id: 7, on: true, deep: { k: 'v' } }, unique: { 'data.id': 7, 'data.on': true, 'data.deep.k': 'v' } }),
        undefined,
      );
      const other = await repo.saveJob(job({ name: 'other', data: { id: 7 }, unique: { 'data.id': 7 } }), undefined);
      const off = await repo.saveJob(job({ data: { id: 7, on: false }, unique: { 'data.id': 7, 'data.on': false } }), undefined);
      expect(b._id).toBe(a._id);
      expect(other._id).not.toBe(a._id);
      expect(off._id).not.toBe(a._id);
    });

    it('insertOnly returns the existing job unchanged', async () => {
      const a = await repo.saveJob(job({ data: { k: 1, v: 'first' }, unique: { 'data.k': 1 }, uniqueOpts: { insertOnly: true } }), undefined);
      const b = await repo.saveJob(job({ data: { k: 1, v: 'second' }, unique: { 'data.k': 1 }, uniqueOpts: { insertOnly: true } }), undefined);
      expect(b._id).toBe(a._id);
      expect(b.data).toEqual({ k: 1, v: 'first' });
    });

    it('rejects operators and unknown fields instead of building a query from them', async () => {
      await expect(repo.saveJob(job({ unique: { $where: '1' } }), undefined)).rejects.toThrow(/not supported/);
      await expect(repo.saveJob(job({ unique: { 'data.a"b': 1 } }), undefined)).rejects.toThrow(/Unsupported/);
      await expect(repo.saveJob(job({ unique: { password: 1 } }), undefined)).rejects.toThrow(/Unsupported/);
    });
  });

  describe('debounce', () => {
    const debounced = (data: unknown, debounce: { delay: number; maxWait?: number; strategy?: 'trailing' | 'leading' }) =>
      job({ data, nextRunAt: new Date(), unique: { 'data.key': 'k' }, uniqueOpts: { debounce } });

    it('trailing: each save pushes the run to delay after the last save', async () => {
      const first = await repo.saveJob(debounced({ key: 'k', n: 1 }, { delay: 1000 }), undefined);
      expect(first.nextRunAt).toEqual(at(1000));
      expect(first.debounceStartedAt).toEqual(T0);
      vi.setSystemTime(at(600));
      const second = await repo.saveJob(debounced({ key: 'k', n: 2 }, { delay: 1000 }), undefined);
      expect(second._id).toBe(first._id);
      expect(second.nextRunAt).toEqual(at(1600));
      expect(second.data).toEqual({ key: 'k', n: 2 });
      expect(second.debounceStartedAt).toEqual(T0);
    });

    it('trailing with maxWait: runs now once the window is older than maxWait, then starts a new window', async () => {
      await repo.saveJob(debounced({ key: 'k' }, { delay: 1000, maxWait: 2500 }), undefined);
      vi.setSystemTime(at(2000));
      expect((await repo.saveJob(debounced({ key: 'k' }, { delay: 1000, maxWait: 2500 }), undefined)).nextRunAt).toEqual(at(3000));
      vi.setSystemTime(at(2600));
      const forced = await repo.saveJob(debounced({ key: 'k' }, { delay: 1000, maxWait: 2500 }), undefined);
      expect(forced.nextRunAt).toEqual(at(2600));
      expect(forced.debounceStartedAt).toBeUndefined();
    });

    it('leading: the first save runs now, later saves in the window only update the data', async () => {
      const first = await repo.saveJob(debounced({ key: 'k', n: 1 }, { delay: 1000, strategy: 'leading' }), undefined);
      expect(first.nextRunAt).toEqual(T0);
      vi.setSystemTime(at(500));
      const second = await repo.saveJob(debounced({ key: 'k', n: 2 }, { delay: 1000, strategy: 'leading' }), undefined);
      expect(second.nextRunAt).toEqual(T0);
      expect(second.data).toEqual({ key: 'k', n: 2 });
    });
  });

  describe('locking', () => {
    it('getNextJobToRun takes the earliest nextRunAt, then the highest priority, then the oldest', async () => {
      await repo.saveJob(job({ data: { id: 'late-high' }, nextRunAt: at(10), priority: 20 }), undefined);
      await repo.saveJob(job({ data: { id: 'early-low' }, nextRunAt: at(0), priority: -10 }), undefined);
      await repo.saveJob(job({ data: { id: 'early-high-1' }, nextRunAt: at(0), priority: 10 }), undefined);
      await repo.saveJob(job({ data: { id: 'early-high-2' }, nextRunAt: at(0), priority: 10 }), undefined);
      await repo.saveJob(job({ name: 'other', data: { id: 'other' }, nextRunAt: at(-100), priority: 99 }), undefined);
      const order: string[] = [];
      for (;;) {
        const next = await repo.getNextJobToRun('work', at(100), at(-600_000), T0, { lastModifiedBy: 'w' });
        if (!next) break;
        expect(next.lockedAt).toEqual(T0);
        expect(next.lastModifiedBy).toBe('w');
        order.push((next.data as { id: string }).id);
      }
      expect(order).toEqual(['early-high-1', 'early-high-2', 'early-low', 'late-high']);
    });

    it('only takes jobs due before the next scan, never disabled ones, and never a locked one twice', async () => {
      await repo.saveJob(job({ data: { id: 'future' }, nextRunAt: at(10_000) }), undefined);
      await repo.saveJob(job({ data: { id: 'disabled' }, disabled: true }), undefined);
      await repo.saveJob(job({ data: { id: 'due' } }), undefined);
      const first = await repo.getNextJobToRun('work', at(5000), at(-600_000), T0, undefined);
      expect(first?.data).toEqual({ id: 'due' });
      expect(await repo.getNextJobToRun('work', at(5000), at(-600_000), T0, undefined)).toBeUndefined();
      expect((await repo.getNextJobToRun('work', at(20_000), at(-600_000), T0, undefined))?.data).toEqual({ id: 'future' });
    });

    it('re-locks a job whose lock is older than the lock deadline (its worker died)', async () => {
      await repo.saveJob(job(), undefined);
      const locked = await repo.getNextJobToRun('work', at(0), at(-600_000), T0, { lastModifiedBy: 'dead' });
      await repo.saveJobState({ ...locked!, nextRunAt: null, lastRunAt: T0 }, undefined);
      vi.setSystemTime(at(5 * 60_000));
      expect(await repo.getNextJobToRun('work', at(5 * 60_000), at(5 * 60_000 - 600_000), undefined, undefined)).toBeUndefined();
      vi.setSystemTime(at(11 * 60_000));
      const relocked = await repo.getNextJobToRun('work', at(11 * 60_000), at(60_000), undefined, { lastModifiedBy: 'alive' });
      expect(relocked?._id).toBe(locked!._id);
      expect(relocked?.lockedAt).toEqual(at(11 * 60_000));
      expect(relocked?.lastModifiedBy).toBe('alive');
    });

    it('lockJob locks only an unlocked, enabled job whose nextRunAt still matches', async () => {
      const saved = await repo.saveJob(job(), undefined);
      expect(await repo.lockJob({ ...saved, nextRunAt: at(1) }, undefined)).toBeUndefined();
      const locked = await repo.lockJob(saved, { lastModifiedBy: 'w' });
      expect(locked?.lockedAt).toEqual(T0);
      expect(await repo.lockJob(saved, undefined)).toBeUndefined();
      const disabled = await repo.saveJob(job({ disabled: true }), undefined);
      expect(await repo.lockJob(disabled, undefined)).toBeUndefined();
    });

    it('unlockJob leaves a job that is running (nextRunAt null) locked; unlockJobs unlocks all given', async () => {
      const a = await repo.saveJob(job({ data: { id: 'a' } }), undefined);
      const b = await repo.saveJob(job({ data: { id: 'b' } }), undefined);
      const lockedA = (await repo.lockJob(a, undefined))!;
      const lockedB = (await repo.lockJob(b, undefined))!;
      await repo.saveJobState({ ...lockedB, nextRunAt: null }, undefined);
      await repo.unlockJob(lockedA);
      await repo.unlockJob({ ...lockedB, nextRunAt: null });
      expect((await repo.getJobById(a._id!))!.lockedAt).toBeUndefined();
      expect((await repo.getJobById(b._id!))!.lockedAt).toEqual(T0);
      await repo.unlockJobs([b._id!]);
      expect((await repo.getJobById(b._id!))!.lockedAt).toBeUndefined();
      await repo.unlockJobs([]);
    });
  });

  describe('remove, disable, enable', () => {
    beforeEach(async () => {
      await repo.saveJob(job({ name: 'a', data: { item: 1, tag: 'x' } }), undefined);
      await repo.saveJob(job({ name: 'a', data: { item: 2, tag: 'y' } }), undefined);
      await repo.saveJob(job({ name: 'b', data: { item: 1, tag: 'x' } }), undefined);
      await repo.saveJob(job({ name: 'c', data: 'plain' }), undefined);
    });

    it('removes by id, ids, name, names, notNames and data, and nothing without criteria', async () => {
      const all = (await repo.queryJobs({ sort: { name: 'asc' } })).jobs;
      expect(await repo.removeJobs({})).toBe(0);
      expect(await repo.removeJobs({ id: all[0]._id })).toBe(1);
      expect(await repo.removeJobs({ ids: [all[1]._id, 'missing'] })).toBe(1);
      expect(await repo.removeJobs({ notNames: ['b'] })).toBe(1);
      expect(await repo.getDistinctJobNames()).toEqual(['b']);
      expect(await repo.removeJobs({ names: ['a', 'b'] })).toBe(1);
      expect(await repo.purgeAllJobs()).toBe(0);
    });

    it('matches data partially and combines it with the name', async () => {
      expect(await repo.removeJobs({ name: 'a', data: { item: 1 } })).toBe(1);
      expect(await repo.removeJobs({ data: 'plain' })).toBe(1);
      expect(await repo.removeJobs({ data: { tag: 'x' } })).toBe(1);
      expect(await repo.removeJobs({ name: 'a' })).toBe(1);
      expect(await repo.purgeAllJobs()).toBe(0);
    });

    it('disables and enables by the same filters and counts only changed jobs', async () => {
      expect(await repo.disableJobs({})).toBe(0);
      expect(await repo.disableJobs({ name: 'a' })).toBe(2);
      expect(await repo.disableJobs({ name: 'a' })).toBe(0);
      expect(await repo.disableJobs({ data: { tag: 'x' } })).toBe(1);
      expect((await repo.queryJobs({ state: 'paused' })).total).toBe(3);
      expect((await repo.queryJobs({ includeDisabled: false })).total).toBe(1);
      expect(await repo.enableJobs({ names: ['a', 'b'] })).toBe(3);
      expect((await repo.queryJobs({ state: 'paused' })).total).toBe(0);
    });
  });

  describe('queryJobs and overview', () => {
    beforeEach(async () => {
      await repo.saveJob(job({ name: 'dl', data: { id: 'queued' }, nextRunAt: at(-1000), priority: 1 }), undefined);
      await repo.saveJob(job({ name: 'dl', data: { id: 'scheduled' }, nextRunAt: at(60_000), priority: 2 }), undefined);
      const running = await repo.saveJob(job({ name: 'dl', data: { id: 'running' }, nextRunAt: at(-2000), priority: 3 }), undefined);
      await repo.lockJob(running, undefined);
      const failed = await repo.saveJob(job({ name: 'dl', data: { id: 'failed' }, priority: 4 }), undefined);
      await repo.saveJobState(
        { ...failed, nextRunAt: null, lastRunAt: at(-10), failedAt: at(-5), lastFinishedAt: at(-5), failCount: 1, failReason: 'x' },
        undefined,
      );
      const completed = await repo.saveJob(job({ name: 'dl', data: { id: 'completed' }, priority: 5 }), undefined);
      await repo.saveJobState({ ...completed, nextRunAt: null, lastRunAt: at(-10), lastFinishedAt: at(-8) }, undefined);
      await repo.saveJob(job({ name: 'scan', type: 'single', data: { id: 'repeating' }, repeatInterval: 3600_000, nextRunAt: at(3600_000) }), undefined);
      await repo.saveJob(job({ name: 'hook', data: { id: 'paused' }, disabled: true, nextRunAt: at(-1) }), undefined);
    });

    it('computes the state of every job the way Agenda does', async () => {
      const { jobs, total } = await repo.queryJobs({});
      expect(total).toBe(7);
      const states = Object.fromEntries(jobs.map((entry) => [(entry.data as { id: string }).id, entry.state]));
      expect(states).toEqual({
        queued: 'queued',
        scheduled: 'scheduled',
        running: 'running',
        failed: 'failed',
        completed: 'completed',
        repeating: 'repeating',
        paused: 'queued',
      });
    });

    it('filters by state in the database and paginates after the filter', async () => {
      for (const state of ['queued', 'scheduled', 'running', 'failed', 'completed', 'repeating'] as const) {
        const result = await repo.queryJobs({ state });
        expect(result.jobs.every((entry) => entry.state === state)).toBe(true);
        expect(result.total).toBe(state === 'queued' ? 2 : 1);
      }
      expect((await repo.queryJobs({ state: 'paused' })).jobs.map((entry) => (entry.data as { id: string }).id)).toEqual(['paused']);
      const page = await repo.queryJobs({ name: 'dl', sort: { priority: 'desc' }, skip: 1, limit: 2 });
      expect(page.total).toBe(5);
      expect(page.jobs.map((entry) => (entry.data as { id: string }).id)).toEqual(['failed', 'running']);
      const rest = await repo.queryJobs({ name: 'dl', sort: { priority: 'desc' }, skip: 3 });
      expect(rest.jobs.map((entry) => (entry.data as { id: string }).id)).toEqual(['scheduled', 'queued']);
    });

    it('sorts by each field, nulls last, with the official default (newest nextRunAt first)', async () => {
      const ids = async (sort?: Parameters<SqliteJobRepository['queryJobs']>[0]) =>
        (await repo.queryJobs(sort)).jobs.map((entry) => (entry.data as { id: string }).id);
      expect(await ids({ name: 'dl', sort: { nextRunAt: 'asc' } })).toEqual(['running', 'queued', 'scheduled', 'failed', 'completed']);
      // failed and completed tie on lastRunAt: insertion order decides.
      expect(await ids({ name: 'dl' })).toEqual(['scheduled', 'queued', 'running', 'failed', 'completed']);
      expect(await ids({ names: ['scan', 'hook'], sort: { name: 'asc' } })).toEqual(['paused', 'repeating']);
      expect(await ids({ name: 'dl', sort: { lastFinishedAt: 'desc' } })).toEqual(['failed', 'completed', 'queued', 'scheduled', 'running']);
    });

    it('finds by id, ids, search text and data', async () => {
      const all = (await repo.queryJobs({})).jobs;
      expect((await repo.queryJobs({ id: all[0]._id })).jobs).toHaveLength(1);
      expect((await repo.queryJobs({ ids: [all[0]._id, all[1]._id] })).total).toBe(2);
      expect((await repo.queryJobs({ search: 'CA' })).jobs.map((entry) => entry.name)).toEqual(['scan']);
      expect((await repo.queryJobs({ search: '%' })).total).toBe(0);
      expect((await repo.queryJobs({ data: { id: 'failed' } })).jobs[0].failReason).toBe('x');
    });

    it('gives an overview per name, the names and the queue size', async () => {
      const overview = await repo.getJobsOverview();
      expect(overview.find((entry) => entry.name === 'dl')).toEqual({
        name: 'dl',
        total: 5,
        running: 1,
        scheduled: 1,
        queued: 1,
        completed: 1,
        failed: 1,
        repeating: 0,
        paused: 0,
      });
      expect(overview.find((entry) => entry.name === 'hook')).toMatchObject({ total: 1, queued: 1, paused: 1 });
      expect(await repo.getDistinctJobNames()).toEqual(['dl', 'hook', 'scan']);
      expect(await repo.getQueueSize()).toBe(3);
    });
  });
});

describe('SqliteBackend connection ownership', () => {
  it('closes a connection it opened from a path, but not one it was given', async () => {
    const temp = await makeTempDir();
    try {
      const owned = new SqliteBackend({ path: join(temp.path, 'jobs.db') });
      await owned.connect();
      expect(owned.ownsConnection).toBe(true);
      expect(owned.repository.database.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(owned.repository.database.pragma('busy_timeout', { simple: true })).toBe(5000);
      const database = owned.repository.database;
      await owned.disconnect();
      expect(database.open).toBe(false);

      const shared = new Database(join(temp.path, 'shared.db'));
      const borrowed = new SqliteBackend({ database: shared });
      await borrowed.connect();
      expect(borrowed.ownsConnection).toBe(false);
      await borrowed.repository.saveJob(job(), undefined);
      await borrowed.disconnect();
      expect(shared.open).toBe(true);
      expect(shared.prepare('select count(*) as n from agenda_jobs').get()).toEqual({ n: 1 });
      const direct = new SqliteBackend(shared);
      await direct.connect();
      expect(direct.ownsConnection).toBe(false);
      expect((await direct.repository.queryJobs({})).total).toBe(1);
      await direct.disconnect();
      expect(shared.open).toBe(true);
      shared.close();
    } finally {
      await temp.remove();
    }
  });
});
