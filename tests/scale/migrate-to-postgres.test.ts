import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { cli } from '../cli/cli-harness.ts';
import { openPostgres } from '../../backend/db/postgres.ts';
import type { EntityName } from '@mikro-orm/core';
import type { Orm } from '../../backend/db/orm.ts';
import { ENTITIES } from '../../backend/db/entities.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';
import { waitUntil } from './cluster.ts';

let server: PostgresServer;
let site: FixtureSite;
let temp: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  [server, site, temp] = await Promise.all([startPostgres(), startFixtureSite({ seriesCount: 0 }), makeTempDir()]);
}, 180_000);
afterAll(async () => {
  await Promise.all([server?.stop(), site?.close()]);
  await temp?.remove();
});

/** Every table as rows sorted by primary key, with the values the ORM reads back (dates, JSON, booleans). */
async function snapshot(orm: Orm): Promise<Record<string, unknown[]>> {
  const em = orm.em.fork();
  const result: Record<string, unknown[]> = {};
  for (const entity of ENTITIES as readonly unknown[] as EntityName<object>[]) {
    const meta = orm.getMetadata().get(entity);
    const rows = await em.find(entity, {}, { orderBy: { [meta.primaryKeys[0]]: 'asc' } as never });
    result[meta.tableName] = rows.map((row) =>
      Object.fromEntries(
        meta.props
          .filter((prop: { kind: string }) => prop.kind === 'scalar' || prop.kind === 'm:1')
          .map((prop: { name: string }) => {
            const value = (row as Record<string, unknown>)[prop.name];
            return [
              prop.name,
              value instanceof Date ? value.toISOString() : value && typeof value === 'object' && 'id' in value ? (value as { id: unknown }).id : value,
            ];
          }),
      ),
    );
  }
  return result;
}

describe('aniworld migrate-to-postgres', () => {
  let app: TestApp;
  let before: Record<string, unknown[]>;

  it('copies every series, episode, queue item, webhook, delivery, session and credential', async () => {
    app = await startTestApp({ root: temp.path, env: { ANIWORLD_PROVIDER_URL: site.url } });
    const token = await app.login();
    const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
    const hook = await call('POST', '/api/webhooks', {
      name: 'receiver',
      url: 'http://127.0.0.1:9/hook',
      kind: 'json',
      events: ['series_added'],
      secret: 's3cret',
    });
    expect(hook.status).toBe(201);
    for (const key of ['demo-academy', 'still-running']) expect((await call('POST', '/api/anime/add', { key })).status).toBe(201);
    // Stopped: the items stay queued, nothing downloads.
    await call('POST', '/api/queue/stop');
    await call('POST', '/api/queue/add', {
      serie_id: 'demo-academy',
      serie_folder: 'x',
      serie_name: 'x',
      episodes: [
        { season: 1, episode: 1 },
        { season: 2, episode: 2 },
      ],
      priority: 2,
    });
    await waitUntil(async () => (await call('GET', `/api/webhooks/${hook.body.id}/deliveries`)).body?.total >= 2, 'two webhook deliveries recorded', 20_000);
    await app.stop();

    const { openDatabase } = await import('../../backend/db/orm.ts');
    const sqlite = await openDatabase({ file: `${app.dataDir}/aniworld.db`, journal: 'wal', backupDir: `${app.dataDir}/backups` });
    before = await snapshot(sqlite);
    await sqlite.close();
    for (const table of ['series', 'episode', 'download_item', 'webhook', 'webhook_delivery', 'user_session', 'credential'])
      expect(before[table].length, table).toBeGreaterThan(0);

    const result = await cli(temp.path, ['migrate-to-postgres', '--url', server.url], {
      env: { ANIWORLD_DATA_DIR: app.dataDir, ANIWORLD_MEDIA_DIR: app.mediaDir },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/episode\s+\d+/);

    const postgres = await openPostgres({ url: server.url });
    try {
      expect(await snapshot(postgres)).toEqual(before);
      // New rows get ids after the copied ones.
      const next = await postgres.em
        .getConnection()
        .execute(
          "insert into series (key, folder, name, site, link, created_at, updated_at) values ('new-one', 'New', 'New', 's', 'l', now(), now()) returning id",
        );
      expect(Number(next[0].id)).toBeGreaterThan(Math.max(...before.series.map((row: any) => row.id)));
    } finally {
      await postgres.close();
    }
  }, 120_000);

  it('the copy serves the same library and login on PostgreSQL, and a second copy is refused', async () => {
    const again = await cli(temp.path, ['migrate-to-postgres', server.url], { env: { ANIWORLD_DATA_DIR: app.dataDir, ANIWORLD_MEDIA_DIR: app.mediaDir } });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds rows/);

    const onPostgres = await startTestApp({ root: temp.path, env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_DATABASE_URL: server.url } });
    try {
      const login = await onPostgres.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } });
      expect(login.status).toBe(200);
      const token = login.body.access_token;
      const keys = (await onPostgres.request('GET', '/api/anime', { token })).body.map((series: { key: string }) => series.key);
      expect(keys).toEqual(expect.arrayContaining(['demo-academy', 'still-running']));
      const queue = (await onPostgres.request('GET', '/api/queue/status', { token })).body;
      expect(queue.pending_queue.map((item: { episode: number }) => item.episode).sort()).toEqual([1, 2]);
      expect((await onPostgres.request('GET', '/api/webhooks', { token })).body.map((hook: { name: string }) => hook.name)).toEqual(['receiver']);
    } finally {
      await onPostgres.dispose();
    }
  }, 120_000);
});
