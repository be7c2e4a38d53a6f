import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agenda, type Job } from 'agenda';
import { SqliteBackend } from '../../jobs/store/SqliteBackend.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * The backend's connection over its life, as a user builds it (`new SqliteBackend({ path })`, so it
 * owns its connection) and as Agenda drives it: Agenda connects once, in its constructor, and its
 * stop() disconnects. Every Agenda here polls once a minute, so a job that runs within the test
 * was started by the in-process notification channel.
 */
describe('SqliteBackend connect, disconnect and reconnect', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let file: string;
  const agendas: Agenda[] = [];
  const backends: SqliteBackend[] = [];

  beforeEach(async () => {
    temp = await makeTempDir('aniworld-sqlite-reconnect-');
    file = join(temp.path, 'jobs.db');
  });

  afterEach(async () => {
    for (const agenda of agendas.splice(0)) await agenda.stop();
    for (const backend of backends.splice(0)) await backend.close();
    await temp.remove();
  });

  const backendOn = (path = file) => {
    const backend = new SqliteBackend({ path });
    backends.push(backend);
    return backend;
  };
  const agendaOn = (backend: SqliteBackend, name?: string) => {
    const agenda = new Agenda({ backend, name, processEvery: 60_000 });
    agendas.push(agenda);
    return agenda;
  };
  /**
   * Queues `name` now and resolves with the data of the run once it completed here. The listener is
   * set up after now() resolved (see the test of that). Agendas on one backend also re-emit each
   * other's job events, as notifications without attrs: those are not this run.
   */
  const runNow = async (agenda: Agenda, name: string, data: Record<string, unknown>) => {
    const queued = await agenda.now(name, data);
    for (;;) {
      const [job] = (await once(agenda, `complete:${name}`)) as [Job | { source?: string }];
      if ('attrs' in job && String(job.attrs._id) === String(queued.attrs._id)) return job.attrs.data;
    }
  };

  it('connect after disconnect opens the file again, with its jobs and its settings', async () => {
    const backend = backendOn();
    await backend.connect();
    const first = backend.repository.database;
    await backend.repository.saveJob({ name: 'kept', priority: 0, nextRunAt: null, type: 'normal', data: { n: 1 } }, undefined);
    await backend.disconnect();
    expect(first.open).toBe(false);
    expect(backend.repository.connected).toBe(false);

    await backend.connect();
    const second = backend.repository.database;
    expect(second).not.toBe(first);
    expect(second.open).toBe(true);
    expect(second.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect((await backend.repository.queryJobs({ name: 'kept' })).jobs.map((job) => job.data)).toEqual([{ n: 1 }]);
  });

  it('disconnect is idempotent, also before the first connect', async () => {
    const backend = backendOn();
    await backend.disconnect();
    await backend.connect();
    await backend.connect();
    const db = backend.repository.database;
    await backend.disconnect();
    await backend.disconnect();
    expect(db.open).toBe(false);
    expect(backend.repository.connected).toBe(false);
  });

  it('an Agenda stopped (so its backend disconnected) can be queried and started again', async () => {
    const backend = backendOn();
    const agenda = agendaOn(backend);
    agenda.define('greet', async () => {});
    await agenda.ready;
    await agenda.start();
    expect(await runNow(agenda, 'greet', { round: 1 })).toEqual({ round: 1 });
    await agenda.stop();
    expect(backend.repository.connected).toBe(false);

    // Agenda does not call connect() again: the next use opens the file.
    expect((await agenda.queryJobs({ name: 'greet' })).total).toBe(1);
    await agenda.start();
    expect(await runNow(agenda, 'greet', { round: 2 })).toEqual({ round: 2 });
    expect((await agenda.queryJobs({ name: 'greet' })).jobs.map((job) => job.data)).toEqual(expect.arrayContaining([{ round: 1 }, { round: 2 }]));
  });

  it('a second Agenda on the same backend works: alongside the first, after it stopped, and when made after that', async () => {
    const backend = backendOn();
    const first = agendaOn(backend, 'first');
    const second = agendaOn(backend, 'second');
    for (const agenda of [first, second]) agenda.define('work', async () => {});
    await Promise.all([first.ready, second.ready]);
    await first.start();
    await second.start();

    await first.stop();
    expect(backend.repository.connected).toBe(false);
    // Still started at once: stopping the first left the shared channel connected for the second.
    expect(backend.notificationChannel.state).toBe('connected');
    expect(await runNow(second, 'work', { by: 'second' })).toEqual({ by: 'second' });

    const third = agendaOn(backend, 'third');
    third.define('work', async () => {});
    await third.ready;
    await third.start();
    await second.stop();
    expect(await runNow(third, 'work', { by: 'third' })).toEqual({ by: 'third' });
    await third.stop();
    expect(backend.notificationChannel.state).toBe('disconnected');
    expect((await backend.repository.queryJobs({ name: 'work' })).total).toBe(2);
  });

  it('now() resolves once the job is stored, before it starts, so listeners set up after it see the run', async () => {
    const backend = backendOn();
    const agenda = agendaOn(backend);
    let started = false;
    agenda.define('later', async () => {
      started = true;
    });
    await agenda.ready;
    await agenda.start();
    await agenda.now('later', {});
    expect(started).toBe(false);
    await once(agenda, 'start:later');
    await once(agenda, 'complete:later');
    expect(started).toBe(true);
  });

  it('an in-memory database keeps its jobs across a disconnect (a reopened one would be empty)', async () => {
    const backend = backendOn(':memory:');
    const agenda = agendaOn(backend);
    agenda.define('remembered', async () => {});
    await agenda.ready;
    await agenda.start();
    await runNow(agenda, 'remembered', { n: 1 });
    await agenda.stop();
    expect((await agenda.queryJobs({ name: 'remembered' })).total).toBe(1);
  });

  it('close() is final: the store refuses later use instead of reopening', async () => {
    const backend = backendOn();
    await backend.connect();
    const db = backend.repository.database;
    await backend.close();
    expect(db.open).toBe(false);
    await expect(backend.repository.queryJobs({})).rejects.toThrow('The SQLite job store has been closed');
    await expect(backend.connect()).rejects.toThrow('The SQLite job store has been closed');
  });

  it('a borrowed connection is never closed, and one its owner closed fails with a message that says so', async () => {
    const shared = new Database(file);
    const backend = new SqliteBackend({ database: shared });
    const agenda = agendaOn(backend);
    agenda.define('borrowed', async () => {});
    await agenda.ready;
    await agenda.start();
    await runNow(agenda, 'borrowed', {});
    await agenda.stop();
    expect(shared.open).toBe(true);
    await backend.disconnect();
    expect(shared.open).toBe(true);
    expect((await backend.repository.queryJobs({ name: 'borrowed' })).total).toBe(1);

    shared.close();
    await backend.disconnect();
    await expect(backend.connect()).rejects.toThrow('The SQLite connection given to the job store has been closed by its owner');
  });

  it('stores a failure reason that is not a string (a forked job reports what its child sent)', async () => {
    const backend = backendOn();
    await backend.connect();
    const repository = backend.repository;
    const saved = await repository.saveJob({ name: 'forked', priority: 0, nextRunAt: null, type: 'normal', data: {} }, undefined);
    await repository.saveJobState(
      { ...saved, failReason: { message: 'child failed' } as never, failCount: 1, failedAt: new Date(), lastFinishedAt: new Date() },
      undefined,
    );
    expect((await repository.getJobById(String(saved._id)))?.failReason).toBe('child failed');
    await repository.saveJobState({ ...saved, failReason: { code: 7 } as never, failCount: 2, failedAt: new Date(), lastFinishedAt: new Date() }, undefined);
    expect((await repository.getJobById(String(saved._id)))?.failReason).toBe('{"code":7}');
  });
});
