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
}, 60_000);
afterAll(async () => {
  for (const app of apps) await app.stop().catch(() => {});
  await db?.end();
  await server?.stop();
  await temp?.remove();
});

/** A worker in this process that asks for the lock every 100 ms (15 s in production). */
async function worker(): Promise<TestApp> {
  const app = await startTestApp({ root: temp.path, env: { ANIWORLD_ROLE: 'worker', ANIWORLD_DATABASE_URL: server.url, ANIWORLD_WATCH: 'true' }, start: { watcherRetryMs: 100 } });
  apps.push(app);
  return app;
}

const watcher = async (url: string) => (await (await fetch(`${url}/health`)).json()).watcher;
const state = async (url: string) => (await watcher(url)).state;
/** Server processes (pids) holding the watcher lock; there must never be more than one. */
const holders = async () => (await db.query<{ pid: number }>("select pid from pg_locks where locktype = 'advisory' and objid = $1 and granted", [0x616e6978])).rows.map((row) => row.pid);

describe('scale-out: one folder watcher per cluster', () => {
  it('one worker watches, the other stands by; when the watcher stops or loses its connection, the other takes over', async () => {
    const first = await worker();
    await expect.poll(() => state(first.url)).toBe('watching');
    const second = await worker();
    expect(await watcher(second.url)).toEqual({ status: 'ok', mode: 'off', state: 'standby', elected: false });
    expect(await watcher(first.url)).toMatchObject({ status: 'ok', state: 'watching', elected: true });
    expect(await holders()).toHaveLength(1);

    await first.stop();
    await expect.poll(() => state(second.url)).toBe('watching');
    expect(await holders()).toHaveLength(1);

    // The server ends the holder's session (a network cut, a restarted pooler): the lock goes with it.
    const third = await worker();
    expect(await state(third.url)).toBe('standby');
    const [holder] = await holders();
    await db.query('select pg_terminate_backend($1)', [holder]);
    await expect.poll(async () => (await Promise.all([state(second.url), state(third.url)])).sort()).toEqual(['standby', 'watching']);
    expect(await holders()).toHaveLength(1);
    expect((await holders())[0]).not.toBe(holder);
    await Promise.all([second.stop(), third.stop()]);
  });

  it('a killed worker process frees the lock at once, and a standby takes over', async () => {
    const dataDir = join(temp.path, 'killed');
    await mkdir(dataDir, { recursive: true });
    const killed = await startRole('worker', { dataDir, mediaDir: join(temp.path, 'media'), databaseUrl: server.url, providerUrl: 'http://127.0.0.1:9' });
    try {
      await expect.poll(() => state(killed.url), { timeout: 10_000 }).toBe('watching');
      const standby = await worker();
      expect(await state(standby.url)).toBe('standby');
      await killed.stop('SIGKILL');
      await expect.poll(() => state(standby.url), { timeout: 10_000 }).toBe('watching');
      await standby.stop();
    } finally {
      await killed.stop('SIGKILL');
    }
  }, 60_000);
});
