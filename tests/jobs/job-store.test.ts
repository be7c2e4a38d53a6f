import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createJobStore } from '../../jobs/store/index.ts';
import { SqliteBackend } from '../../jobs/store/SqliteBackend.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

describe('job store selection (JOBS_STORE)', () => {
  it('sqlite is the default backend, on the given file', async () => {
    const temp = await makeTempDir();
    try {
      const store = await createJobStore({ kind: 'sqlite', sqliteFile: join(temp.path, 'jobs.db'), dataDir: temp.path, env: {} });
      expect(store.backend).toBeInstanceOf(SqliteBackend);
      expect(store.backend.name).toBe('SQLite');
      await store.close();
    } finally {
      await temp.remove();
    }
  });

  it('mongodb without MONGODB_URL says what to set', async () => {
    await expect(createJobStore({ kind: 'mongodb', sqliteFile: '', dataDir: '/nonexistent', env: {} })).rejects.toThrow(/MONGODB_URL.*JOBS_STORE=sqlite/);
  });

  it('mongodb-memory without a mongod binary fails fast and says how to fix it', async () => {
    const temp = await makeTempDir();
    try {
      const started = Date.now();
      const error = await createJobStore({ kind: 'mongodb-memory', sqliteFile: '', dataDir: temp.path, env: {} }).then(
        () => undefined,
        (failure: Error) => failure,
      );
      expect(error?.message).toMatch(/JOBS_STORE=mongodb-memory needs a mongod binary/);
      expect(error?.message).toContain('MONGOMS_SYSTEM_BINARY=/path/to/mongod');
      expect(error?.message).toContain('JOBS_STORE=sqlite');
      // "Fast" here means it did not try a download (which would hang without network), not a timing target.
      expect(Date.now() - started).toBeLessThan(20_000);
      const missing = await createJobStore({
        kind: 'mongodb-memory',
        sqliteFile: '',
        dataDir: temp.path,
        env: { MONGOMS_SYSTEM_BINARY: join(temp.path, 'no-mongod') },
      }).then(
        () => undefined,
        (failure: Error) => failure,
      );
      expect(missing?.message).toMatch(/MONGOMS_SYSTEM_BINARY=.*no-mongod does not exist/);
    } finally {
      await temp.remove();
    }
  });

  it('the app refuses to start with JOBS_STORE=mongodb-memory and no mongod, with the same advice', async () => {
    await expect(startTestApp({ env: { JOBS_STORE: 'mongodb-memory' } })).rejects.toThrow(/MONGOMS_SYSTEM_BINARY=\/path\/to\/mongod.*JOBS_STORE=sqlite/);
  });

  it('an unreachable MongoDB fails start-up with the driver error, and nothing is left unhandled', async () => {
    const url = 'mongodb://127.0.0.1:1/aniworld?serverSelectionTimeoutMS=300&connectTimeoutMS=300';
    await expect(startTestApp({ env: { JOBS_STORE: 'mongodb', MONGODB_URL: url } })).rejects.toThrow(/ECONNREFUSED|Server selection timed out/);
  });
});
