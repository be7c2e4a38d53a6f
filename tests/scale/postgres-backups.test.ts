import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

let server: PostgresServer;
let app: TestApp | undefined;
beforeAll(async () => {
  server = await startPostgres();
}, 180_000);
afterAll(async () => {
  await app?.dispose();
  await server?.stop();
});

describe('database backups on PostgreSQL', () => {
  it('answer 409 with the reason (pg_dump) instead of pretending, and write nothing', async () => {
    app = await startTestApp({ env: { ANIWORLD_DATABASE_URL: await server.createDatabase('backups') } });
    const token = await app.login();
    for (const [method, path] of [
      ['GET', '/api/system/backups'],
      ['POST', '/api/system/backups'],
      ['POST', '/api/system/backups/aniworld-20261124T031500000Z-manual.db/restore'],
      ['GET', '/api/system/backups/aniworld-20261124T031500000Z-manual.db'],
    ] as const) {
      const answer = await app.request(method, path, { token });
      expect(answer.status, `${method} ${path}`).toBe(409);
      expect(answer.body.error.code).toBe('backup_unsupported');
      expect(answer.body.error.message).toMatch(/PostgreSQL.*pg_dump/);
    }
    const upload = await fetch(`${app.url}/api/system/backups/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Blob([new Uint8Array(1024)]),
    });
    expect(upload.status).toBe(409);
    expect((await readdir(join(app.dataDir, 'backups')).catch(() => [] as string[])).filter((name) => /\.db/.test(name))).toEqual([]);
    // Run now works here too: the tasks live in the same PostgreSQL.
    expect((await app.request('POST', '/api/system/tasks/prune-sessions/run', { token })).status).toBe(202);
  }, 120_000);
});
