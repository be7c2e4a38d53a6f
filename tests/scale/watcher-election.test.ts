import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';
import { startRole } from './cluster.ts';

/**
 * One folder watcher per cluster: workers on one PostgreSQL elect the one that watches with a
 * session-level advisory lock; the others stand by and take over when it goes away.
 */
let server: PostgresServer;
let temp: { path: string; remove: () => Promise<void> };
let db: pg.Client;
const apps: TestApp[] = [];

beforeAll(async () => {
  [server, temp] = await Promise.all([startPostgres(), makeTempDir('aniworld-election-')]);
  await mkdir(join(temp.path, 'media'), { recursive: true });
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
}, 180_000);
afterAll(async () => {
  for (const app of apps) await app.stop().catch(() => {});
  await db?.end();
  await server?.stop();
  await temp?.remove();
});

/** A worker in this process that asks for the lock every 100 ms (15 s in production). */
async function worker(): Promise<TestApp> {
  const app = await startTestApp({
    root: temp.path,
    env: { ANIWORLD_ROLE: 'worker', ANIWORLD_DATABASE_URL: server.url, ANIWORLD_WATCH: 'true' },
    start: { watcherRetryMs: 100 },
  });
  apps.push(app);
  return app;
}

const watcher = async (url: string) => (await (await fetch(`${url}/health`)).json()).watcher;
const state = async (url: string) => (await watcher(url)).state;
/** Server processes (pids) holding the watcher lock; there must never be more than one. */
const holders = async () =>
  (await db.query<{ pid: number }>("select pid from pg_locks where locktype = 'advisory' and objid = $1 and granted", [0x616e6978])).rows.map((row) => row.pid);

// What a worker logs as the election changes; the test waits for these instead of for a while.
const WATCHING = 'watching the media folder';
const LOST = 'this process lost the lock';
const logged = (msg: string) => (line: Record<string, unknown>) => line.msg === msg;
/** Resolves with the worker that logged `msg` after its log index in `from` (the first of them to do so). */
const firstToLog = (msg: string, from: Map<TestApp, number>) =>
  Promise.race([...from].map(async ([app, index]) => (await app.waitForLog(logged(msg), index), app)));

describe('scale-out: one folder watcher per cluster', () => {
  it('one worker watches, the other stands by; when the watcher stops or loses its connection, the other takes over', async () => {
    const first = await worker();
    await first.waitForLog(logged(WATCHING));
    expect(await state(first.url)).toBe('watching');
    const second = await worker();
    expect(await watcher(second.url)).toEqual({ status: 'ok', mode: 'off', state: 'standby', elected: false });
    expect(await watcher(first.url)).toMatchObject({ status: 'ok', state: 'watching', elected: true });
    expect(await holders()).toHaveLength(1);

    await first.stop();
    await second.waitForLog(logged(WATCHING));
    expect(await state(second.url)).toBe('watching');
    expect(await holders()).toHaveLength(1);

    // The server ends the holder's session (a network cut, a restarted pooler): the lock goes with it.
    const third = await worker();
    expect(await state(third.url)).toBe('standby');
    const [holder] = await holders();
    const before = new Map([second, third].map((app) => [app, app.logs.length]));
    await db.query('select pg_terminate_backend($1)', [holder]);
    // The old holder notices and stops watching; then one of the two (either may win) takes the lock and watches.
    await second.waitForLog(logged(LOST), before.get(second));
    const winner = await firstToLog(WATCHING, before);
    const loser = winner === second ? third : second;
    expect(await state(winner.url)).toBe('watching');
    expect(await state(loser.url)).toBe('standby');
    expect(await holders()).toHaveLength(1);
    expect((await holders())[0]).not.toBe(holder);
    await Promise.all([second.stop(), third.stop()]);
  }, 120_000);

  it('a killed worker process frees the lock at once, and a standby takes over', async () => {
    const dataDir = join(temp.path, 'killed');
    await mkdir(dataDir, { recursive: true });
    const killed = await startRole('worker', { dataDir, mediaDir: join(temp.path, 'media'), databaseUrl: server.url, providerUrl: 'http://127.0.0.1:9' });
    try {
      await killed.waitForLine((line) => line.includes(`"msg":"${WATCHING}"`));
      const standby = await worker();
      expect(await state(standby.url)).toBe('standby');
      await killed.stop('SIGKILL');
      await standby.waitForLog(logged(WATCHING));
      expect(await state(standby.url)).toBe('watching');
      await standby.stop();
    } finally {
      await killed.stop('SIGKILL');
    }
    // A separate server process starts here (startRole alone allows it two minutes to be ready).
  }, 240_000);
});
