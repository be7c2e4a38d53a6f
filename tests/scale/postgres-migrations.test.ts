import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../backend/db/postgres.ts';
import { POSTGRES_MIGRATIONS } from '../../backend/db/migrations-postgres/index.ts';
import { inContext } from '../../backend/db/context.ts';
import { Series } from '../../backend/modules/series/series.entity.ts';
import { Episode } from '../../backend/modules/series/episode.entity.ts';
import { DownloadItem } from '../../backend/modules/queue/download-item.entity.ts';
import { Webhook } from '../../backend/modules/notifications/webhook.entity.ts';
import { episodeView } from '../../backend/modules/series/series.view.ts';
import { downloadItemView } from '../../backend/modules/queue/queue.view.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';
import { SeriesListView } from '../../backend/modules/series/series-list.view.ts';
import { settingsSchema } from '../../config/schema.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBus } from '../../backend/events/bus.ts';
import { FakeClock } from '../../backend/adapters/clock.ts';
import { LibraryScanService } from '../../backend/modules/series/library-scan.service.ts';
import type { MediaRoot } from '../../backend/modules/series/media-root.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { silentLogger } from '../helpers/loggers.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 180_000);
afterAll(async () => {
  await server?.stop();
});

describe('PostgreSQL migrations', () => {
  it('produce exactly the schema the entities describe', async () => {
    const orm = await openPostgres({ url: server.url });
    try {
      const drift = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(drift.trim(), 'entities changed without a PostgreSQL migration: write one in backend/db/migrations-postgres').toBe('');
      expect((await orm.migrator.getExecuted()).map((migration) => migration.name)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.name));
    } finally {
      await orm.close();
    }
  });

  it('let processes that start together migrate once', async () => {
    const url = await server.createDatabase('together');
    const orms = await Promise.all([openPostgres({ url }), openPostgres({ url }), openPostgres({ url })]);
    try {
      const rows = await orms[0].em.getConnection().execute('select count(*)::int as count from mikro_orm_migrations');
      expect(rows[0].count).toBe(POSTGRES_MIGRATIONS.length);
    } finally {
      await Promise.all(orms.map((orm) => orm.close()));
    }
  });

  it('can go down and up again', async () => {
    const url = await server.createDatabase('downup');
    const orm = await openPostgres({ url });
    try {
      await orm.migrator.down({ to: 0 });
      expect(await orm.migrator.getExecuted()).toEqual([]);
      await orm.migrator.up();
      expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
    } finally {
      await orm.close();
    }
  });

  it('store a 3 GiB episode and a 1000-character path, read back as a JSON number and the same text', async () => {
    const url = await server.createDatabase('wide');
    const orm = await openPostgres({ url });
    const threeGib = 3 * 2 ** 30;
    const longPath = `/media/${'x'.repeat(985)}/S01E01.mkv`;
    const longUrl = `https://hooks.example.org/${'a'.repeat(1000)}`;
    try {
      await inContext(orm, async () => {
        const series = orm.em.create(Series, {
          key: 'one-piece',
          folder: 'F'.repeat(300),
          name: 'N'.repeat(300),
          site: 'https://aniworld.to',
          link: `https://aniworld.to/anime/stream/${'l'.repeat(300)}`,
          cover: `https://aniworld.to/${'c'.repeat(400)}.jpg`,
        });
        orm.em.create(Episode, { series, season: 1, number: 1, titleDe: 'T'.repeat(400), languages: [], downloaded: true, filePath: longPath, size: threeGib });
        orm.em.create(DownloadItem, {
          id: 'big',
          seriesKey: 'one-piece',
          seriesFolder: 'F'.repeat(300),
          seriesName: 'N'.repeat(300),
          season: 1,
          episode: 1,
          status: 'completed',
          downloadedBytes: threeGib,
          totalBytes: threeGib,
          filePath: longPath,
        });
        orm.em.create(Webhook, { id: 'hook', name: 'long', url: longUrl, kind: 'json', secret: 's'.repeat(500) });
        await orm.em.flush();
      });
      const { episode, item, hook } = await inContext(orm, async () => ({
        episode: await orm.em.findOneOrFail(Episode, { number: 1 }),
        item: await orm.em.findOneOrFail(DownloadItem, { id: 'big' }),
        hook: await orm.em.findOneOrFail(Webhook, { id: 'hook' }),
      }));
      expect(episode.size).toBe(threeGib);
      expect(episode.filePath).toBe(longPath);
      expect([item.downloadedBytes, item.totalBytes, item.filePath]).toEqual([threeGib, threeGib, longPath]);
      expect([hook.url, hook.secret?.length]).toEqual([longUrl, 500]);
      // The wire contract stays JSON numbers, never strings.
      expect(JSON.parse(JSON.stringify(episodeView(episode, '/media/F', true))).size).toBe(threeGib);
      expect(JSON.parse(JSON.stringify(downloadItemView(item))).progress).toMatchObject({ downloaded_bytes: threeGib, total_bytes: threeGib, total_mb: 3072 });
    } finally {
      await orm.close();
    }
  });

  it('widen the columns of a database that already holds rows', async () => {
    const url = await server.createDatabase('upgrade');
    const orm = await openPostgres({ url });
    try {
      await orm.migrator.down({ to: 'Migration20261124000000_initial' });
      const connection = orm.em.getConnection();
      await connection.execute(
        `insert into series (id, key, folder, name, site, link, created_at, updated_at) values (1, 'one-piece', 'One Piece', 'One Piece', 'https://aniworld.to', 'https://aniworld.to/anime/stream/one-piece', now(), now())`,
      );
      await connection.execute(
        `insert into episode (series_id, season, number, file_path, size, created_at, updated_at) values (1, 1, 1, '/media/One Piece/S01E01.mkv', 2000000000, now(), now())`,
      );
      await connection.execute(
        `insert into download_item (id, series_key, series_folder, series_name, season, episode, downloaded_bytes, total_bytes, created_at, updated_at) values ('item', 'one-piece', 'One Piece', 'One Piece', 1, 1, 1000, 2000000000, now(), now())`,
      );
      await orm.migrator.up();
      expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
      const rows = await connection.execute(
        `select e.size, e.file_path, d.downloaded_bytes, d.total_bytes, pg_typeof(e.size)::text as size_type from episode e, download_item d`,
      );
      expect(rows).toEqual([
        { size: '2000000000', file_path: '/media/One Piece/S01E01.mkv', downloaded_bytes: '1000', total_bytes: '2000000000', size_type: 'bigint' },
      ]);
      // A new episode still gets an id after the existing one.
      await connection.execute(`insert into episode (series_id, season, number, size, created_at, updated_at) values (1, 1, 2, ${3 * 2 ** 30}, now(), now())`);
      expect(await connection.execute('select id, size from episode order by id')).toEqual([
        { id: 1, size: '2000000000' },
        { id: 2, size: String(3 * 2 ** 30) },
      ]);
    } finally {
      await orm.close();
    }
  });

  it('renumber a hook whose deliveries got the same sequence twice, and start each counter after its last number', async () => {
    const url = await server.createDatabase('claims');
    const orm = await openPostgres({ url });
    try {
      await orm.migrator.down({ to: 'Migration20261127000000_wide_columns' });
      const connection = orm.em.getConnection();
      for (const id of ['raced', 'calm'])
        await connection.execute(
          `insert into webhook (id, name, url, kind, created_at, updated_at) values ('${id}', '${id}', 'http://127.0.0.1:9/', 'json', now(), now())`,
        );
      for (const [id, hookId, sequence] of [
        [1, 'raced', 1],
        [2, 'raced', 2],
        [3, 'calm', 1],
        [4, 'raced', 2],
        [5, 'raced', 3],
      ] as const) {
        await connection.execute(
          `insert into webhook_delivery (id, webhook_id, sequence, event, payload, created_at) values (${id}, '${hookId}', ${sequence}, 'download_complete', '{}', now())`,
        );
      }
      await orm.migrator.up();
      expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
      expect(await connection.execute('select id, sequence from webhook_delivery order by id')).toEqual([
        { id: 1, sequence: 1 },
        { id: 2, sequence: 2 },
        { id: 3, sequence: 1 },
        { id: 4, sequence: 3 },
        { id: 5, sequence: 4 },
      ]);
      expect(await connection.execute('select id, last_sequence from webhook order by id')).toEqual([
        { id: 'calm', last_sequence: 1 },
        { id: 'raced', last_sequence: 4 },
      ]);
    } finally {
      await orm.close();
    }
  });

  it('count upgradable episodes in the library list from the stored jsonb languages', async () => {
    const url = await server.createDatabase('upgradable');
    const orm = await openPostgres({ url });
    try {
      await inContext(orm, async () => {
        const wants = (key: string, preferredLanguage: string | null) =>
          orm.em.create(Series, { key, folder: key, name: key, site: 'aniworld.to', link: `https://aniworld.to/anime/stream/${key}`, preferredLanguage });
        const first = wants('first', null);
        const second = wants('second', 'German Sub');
        const episode = (series: typeof first, number: number, language: string | null, languages: string[]) =>
          orm.em.create(Episode, {
            series,
            season: 1,
            number,
            languages,
            onProvider: true,
            downloaded: true,
            filePath: `S01E0${number}.mp4`,
            language: language as never,
          });
        episode(first, 1, 'German Sub', ['German Dub', 'German Sub']);
        episode(first, 2, 'German Sub', ['German Sub']);
        episode(first, 3, null, ['German Dub', 'German Sub']);
        episode(first, 4, 'German Dub', ['German Dub', 'German Sub']);
        episode(second, 1, 'German Dub', ['German Dub', 'German Sub']);
        await orm.em.flush();
      });
      const settings = settingsSchema.parse({});
      const view = new SeriesListView({ orm, settings: { current: () => settings, subscribe: () => () => {} } });
      const summaries = await inContext(orm, async () => (await view.body()).summaries);
      expect(summaries.map((summary) => [summary.key, summary.upgradable_count])).toEqual([
        ['first', 1],
        ['second', 1],
      ]);
    } finally {
      await orm.close();
    }
  });

  it('keep the scan signature and directory stamp of each series, and a rescan in a new process sees changes', async () => {
    const url = await server.createDatabase('stamps');
    const temp = await makeTempDir('aniworld-pg-stamps-');
    const root = join(temp.path, 'media');
    await mkdir(join(root, 'Show', 'Season 01'), { recursive: true });
    await writeFile(join(root, 'Show', '.aniworld.json'), JSON.stringify({ key: 'show', name: 'Show' }));
    await writeFile(join(root, 'Show', 'Season 01', 'Show - S01E01.mkv'), '');
    const logger = silentLogger();
    // A minute ahead: the directories just written count as settled.
    const scanner = (orm: Awaited<ReturnType<typeof openPostgres>>) =>
      new LibraryScanService({
        orm,
        root: { path: () => root } as MediaRoot,
        events: new EventBus(),
        logger,
        clock: new FakeClock(Date.now() + 60_000),
        providerUrl: () => 'https://aniworld.to',
      });
    try {
      const first = await openPostgres({ url });
      try {
        expect((await scanner(first).scanLibrary()).episodes_added).toBe(1);
        const [row] = await first.em.getConnection().execute('select scan_signature, scan_stamp from series');
        expect(row.scan_stamp).toMatch(/\|Season 01=/);
        expect((await scanner(first).scanLibrary()).changed).toBe(0);
      } finally {
        await first.close();
      }
      await writeFile(join(root, 'Show', 'Season 01', 'Show - S01E02.mkv'), '');
      const second = await openPostgres({ url });
      try {
        expect((await scanner(second).scanLibrary()).episodes_added).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await temp.remove();
    }
  });
});
