import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../backend/adapters/logger.ts';
import { systemClock } from '../../backend/adapters/clock.ts';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { SettingsStore } from '../../config/store.ts';
import { settingsSchema } from '../../config/schema.ts';
import { createJobRunner, type JobRunner } from '../../jobs/runner.ts';
import { createJobStore, type JobStore } from '../../jobs/store/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

/**
 * Two processes storing the job of one queue item at the same moment (the API process retrying
 * the item, the worker handing it back after it stopped) on the shared PostgreSQL job store:
 * one job, so that only one worker ever runs a transfer into the item's .part.
 */
let server: PostgresServer;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let orm: Orm;
let settings: SettingsStore;
const runners: JobRunner[] = [];
const stores: JobStore[] = [];
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  [server, temp] = await Promise.all([startPostgres(), makeTempDir('aniworld-pg-unique-')]);
  orm = await openDatabase({ file: join(temp.path, 'aniworld.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
  settings = new SettingsStore({
    file: join(temp.path, 'config.json'),
    backupDir: join(temp.path, 'backups'),
    envSettings: {},
    initial: settingsSchema.parse({}),
    clock: systemClock,
  });
}, 180_000);

afterAll(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  // The runner leaves the connection pool to its owner: close it before the server stops.
  for (const store of stores.splice(0)) await store.backend.disconnect();
  await orm?.close();
  await server?.stop();
  await temp?.remove();
});

/** A runner on its own connection pool, as each process of a scale-out has; it only stores jobs. */
async function processRunner(): Promise<JobRunner> {
  const store = await createJobStore({ kind: 'postgres', postgresUrl: server.url, sqliteFile: join(temp.path, 'unused.db'), dataDir: temp.path, env: {} });
  const runner = createJobRunner(store, { orm, settings, logger, definitions: [] });
  runners.push(runner);
  stores.push(store);
  await runner.ready();
  return runner;
}

describe('PostgreSQL job store: unique keys', () => {
  it('stores the job of one key once when two processes store it at the same moment', async () => {
    const [api, worker] = await Promise.all([processRunner(), processRunner()]);
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      // Both processes look for the key and find none; their inserts wait on the table lock
      // until both are in: the interleaving of two saves racing, made certain.
      await db.query('begin');
      await db.query('lock table agenda_jobs in share mode');
      const saves = Promise.all([
        api.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x', priority: 5 }),
        worker.enqueue('download-episode', { itemId: 'x' }, { uniqueKey: 'download:x', priority: 7 }),
      ]);
      for (;;) {
        const { rows } = await db.query("select count(*)::int as waiting from pg_locks where relation = 'agenda_jobs'::regclass and not granted");
        if (rows[0].waiting === 2) break;
        // Each poll is a round trip to the server: the saves get there in between.
        await db.query('select pg_sleep(0.01)');
      }
      await db.query('commit');
      await saves;
      const stored = await api.list('download-episode');
      expect(stored.map((job) => job.payload)).toEqual([{ itemId: 'x' }]);
      const { rows } = await db.query("select count(*)::int as count from agenda_jobs where data->>'_uniqueKey' = 'download:x'");
      expect(rows[0].count).toBe(1);
    } finally {
      await db.query('rollback').catch(() => {});
      await db.end();
    }
  }, 60_000);

  it('removes duplicates an older store holds when it starts, keeping the running one', async () => {
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      await db.query('drop index if exists agenda_jobs_unique_key_idx');
      await db.query('insert into agenda_jobs (name, data, next_run_at) values (\'download-episode\', \'{"itemId":"y","_uniqueKey":"download:y"}\', now())');
      const {
        rows: [running],
      } = await db.query(
        'insert into agenda_jobs (name, data, locked_at) values (\'download-episode\', \'{"itemId":"y","_uniqueKey":"download:y"}\', now()) returning id',
      );
      await processRunner();
      const { rows } = await db.query("select id from agenda_jobs where data->>'_uniqueKey' = 'download:y'");
      expect(rows).toEqual([{ id: running.id }]);
      const { rows: index } = await db.query("select indexname from pg_indexes where indexname = 'agenda_jobs_unique_key_idx'");
      expect(index).toHaveLength(1);
    } finally {
      await db.end();
    }
  }, 60_000);
});
