import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/sqlite';
import { openDatabase, ormConfig, nativeDatabase, type Orm } from '../../backend/db/orm.ts';
import { inContext } from '../../backend/db/context.ts';
import { Episode } from '../../backend/modules/series/episode.entity.ts';
import { Series } from '../../backend/modules/series/series.entity.ts';
import { DownloadItem } from '../../backend/modules/queue/download-item.entity.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const BEFORE_WIDE_COLUMNS = 'Migration20261124033000_series_scan_signature';
const BEFORE_CLAIMS = 'Migration20261127000000_wide_columns';
const THREE_GIB = 3 * 2 ** 30;
const LONG_PATH = `/media/${'Ein sehr langer Ordnername/'.repeat(37)}S01E01.mkv`.slice(0, 1000);

let orm: Orm | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await orm?.close();
  orm = undefined;
  await cleanup?.();
});

/** A database file as an older release left it: migrated up to `migration`, then filled by `fill`. */
async function databaseAt(file: string, backupDir: string, migration: string, fill: (db: Awaited<ReturnType<typeof nativeDatabase>>) => void): Promise<void> {
  const old = await MikroORM.init(ormConfig({ file, journal: 'wal', backupDir }));
  try {
    await old.migrator.up({ to: migration });
    const db = await nativeDatabase(old);
    db.pragma('foreign_keys = ON');
    fill(db);
  } finally {
    await old.close();
  }
}

/** An install as it was before the byte columns became bigint, holding rows of every kind the rebuild touches. */
async function databaseBeforeWideColumns(file: string, backupDir: string): Promise<void> {
  await databaseAt(file, backupDir, BEFORE_WIDE_COLUMNS, (db) => {
    const now = Date.UTC(2026, 10, 20);
    db.prepare("insert into series (id, key, folder, name, site, link, created_at, updated_at) values (?, ?, ?, ?, 'https://aniworld.to', ?, ?, ?)").run(
      1,
      'one-piece',
      'One Piece',
      'One Piece',
      'https://aniworld.to/anime/stream/one-piece',
      now,
      now,
    );
    db.prepare("insert into series (id, key, folder, name, site, link, created_at, updated_at) values (?, ?, ?, ?, 'https://aniworld.to', ?, ?, ?)").run(
      2,
      'naruto',
      'Naruto',
      'Naruto',
      'https://aniworld.to/anime/stream/naruto',
      now,
      now,
    );
    const episode = db.prepare(
      'insert into episode (id, series_id, season, number, title_de, languages, downloaded, file_path, size, created_at, updated_at) values (?, ?, ?, ?, ?, \'["de"]\', ?, ?, ?, ?, ?)',
    );
    episode.run(1, 1, 1, 1, 'Romance Dawn', 1, '/media/One Piece/Season 01/One Piece - S01E01.mkv', 1_500_000_000, now, now);
    episode.run(2, 1, 1, 2, null, 0, null, null, now, now);
    episode.run(3, 2, 1, 1, 'Uzumaki', 1, '/media/Naruto/Season 01/Naruto - S01E01.mkv', 2_000_000_000, now, now);
    // The newest episode was removed again: its id must not be handed out a second time.
    episode.run(9, 2, 1, 2, null, 0, null, null, now, now);
    db.prepare('delete from episode where id = 9').run();
    const item = db.prepare(
      'insert into download_item (id, series_key, series_folder, series_name, season, episode, status, priority, position, progress, downloaded_bytes, total_bytes, attempts, created_at, updated_at) values (?, ?, ?, ?, 1, ?, ?, 0, ?, ?, ?, ?, 0, ?, ?)',
    );
    item.run('item-1', 'one-piece', 'One Piece', 'One Piece', 2, 'downloading', 1, 42.5, 600_000_000, 1_400_000_000, now, now);
    item.run('item-2', 'naruto', 'Naruto', 'Naruto', 2, 'pending', 2, 0, 0, null, now, now);
  });
}

describe('migration wide_columns on SQLite', () => {
  it('rebuilds episode and download_item of an existing database without losing a row, an index or a foreign key', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    const file = join(temp.path, 'aniworld.db');
    await databaseBeforeWideColumns(file, join(temp.path, 'backups'));

    orm = await openDatabase({ file, journal: 'wal', backupDir: join(temp.path, 'backups') });
    expect(await orm.migrator.getPending()).toEqual([]);
    const db = await nativeDatabase(orm);

    const episodes = db.prepare('select id, series_id, season, number, title_de, languages, downloaded, file_path, size from episode order by id').all();
    expect(episodes).toEqual([
      {
        id: 1,
        series_id: 1,
        season: 1,
        number: 1,
        title_de: 'Romance Dawn',
        languages: '["de"]',
        downloaded: 1,
        file_path: '/media/One Piece/Season 01/One Piece - S01E01.mkv',
        size: 1_500_000_000,
      },
      { id: 2, series_id: 1, season: 1, number: 2, title_de: null, languages: '["de"]', downloaded: 0, file_path: null, size: null },
      {
        id: 3,
        series_id: 2,
        season: 1,
        number: 1,
        title_de: 'Uzumaki',
        languages: '["de"]',
        downloaded: 1,
        file_path: '/media/Naruto/Season 01/Naruto - S01E01.mkv',
        size: 2_000_000_000,
      },
    ]);
    expect(db.prepare('select id, status, position, progress, downloaded_bytes, total_bytes from download_item order by id').all()).toEqual([
      { id: 'item-1', status: 'downloading', position: 1, progress: 42.5, downloaded_bytes: 600_000_000, total_bytes: 1_400_000_000 },
      { id: 'item-2', status: 'pending', position: 2, progress: 0, downloaded_bytes: 0, total_bytes: null },
    ]);

    const columnType = (table: string, column: string) =>
      (db.prepare(`select type from pragma_table_info('${table}') where name = ?`).get(column) as { type: string }).type;
    expect([columnType('episode', 'size'), columnType('download_item', 'downloaded_bytes'), columnType('download_item', 'total_bytes')]).toEqual([
      'bigint',
      'bigint',
      'bigint',
    ]);
    const indexes = (table: string) =>
      (db.prepare(`select name from pragma_index_list('${table}') where origin = 'c' order by name`).all() as { name: string }[]).map((row) => row.name);
    expect(indexes('episode')).toEqual(['episode_series_id_index', 'episode_series_id_season_number_unique']);
    expect(indexes('download_item')).toEqual(['download_item_series_key_season_episode_index', 'download_item_status_priority_position_index']);
    expect(db.prepare("select name from sqlite_master where name like '%temp_alter%'").all()).toEqual([]);
    expect(db.prepare('pragma foreign_key_check').all()).toEqual([]);
    expect(db.prepare('select "table", "from", "to", on_delete from pragma_foreign_key_list(\'episode\')').all()).toEqual([
      { table: 'series', from: 'series_id', to: 'id', on_delete: 'CASCADE' },
    ]);

    // The unique index still refuses a duplicate episode, the foreign key still cascades, and
    // removed ids stay used.
    expect(() => db.prepare("insert into episode (series_id, season, number, languages, created_at, updated_at) values (1, 1, 1, '[]', 0, 0)").run()).toThrow(
      /UNIQUE/,
    );
    db.prepare('delete from series where id = 2').run();
    expect(db.prepare('select id from episode order by id').all()).toEqual([{ id: 1 }, { id: 2 }]);
    const next = db.prepare("insert into episode (series_id, season, number, languages, created_at, updated_at) values (1, 1, 3, '[]', 0, 0)").run();
    expect(Number(next.lastInsertRowid)).toBe(10);
  });

  it('stores a 3 GiB episode and a 1000-character path and reads them back as numbers and text', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    orm = await openDatabase({ file: join(temp.path, 'aniworld.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
    const current = orm;
    await inContext(current, async () => {
      const series = current.em.create(Series, {
        key: 'one-piece',
        folder: 'One Piece',
        name: 'One Piece',
        site: 'https://aniworld.to',
        link: 'https://aniworld.to/anime/stream/one-piece',
      });
      current.em.create(Episode, { series, season: 1, number: 1, languages: [], filePath: LONG_PATH, size: THREE_GIB });
      current.em.create(DownloadItem, {
        id: 'big',
        seriesKey: 'one-piece',
        seriesFolder: 'One Piece',
        seriesName: 'One Piece',
        season: 1,
        episode: 1,
        downloadedBytes: THREE_GIB - 1,
        totalBytes: THREE_GIB,
      });
      await current.em.flush();
    });
    const [episode, item] = await inContext(
      current,
      async () => [await current.em.findOneOrFail(Episode, { number: 1 }), await current.em.findOneOrFail(DownloadItem, { id: 'big' })] as const,
    );
    expect(episode.size).toBe(THREE_GIB);
    expect(episode.filePath).toBe(LONG_PATH);
    expect([item.downloadedBytes, item.totalBytes]).toEqual([THREE_GIB - 1, THREE_GIB]);
  });
});

describe('migration webhook_delivery_claims on SQLite', () => {
  it('renumbers a hook whose deliveries got the same sequence twice, and starts each counter after its last number', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    const file = join(temp.path, 'aniworld.db');
    await databaseAt(file, join(temp.path, 'backups'), BEFORE_CLAIMS, (db) => {
      const hook = db.prepare(
        "insert into webhook (id, name, url, kind, events, method, headers, enabled, created_at, updated_at) values (?, ?, 'http://127.0.0.1:9/', 'json', '[]', 'POST', '{}', 1, 0, 0)",
      );
      for (const id of ['raced', 'calm', 'empty']) hook.run(id, id);
      const delivery = db.prepare(
        "insert into webhook_delivery (id, webhook_id, sequence, event, payload, status, created_at) values (?, ?, ?, 'download_complete', '{}', ?, 0)",
      );
      // Two processes once took number 2 for two different events of the hook "raced".
      for (const [id, hookId, sequence, status] of [
        [1, 'raced', 1, 'delivered'],
        [2, 'raced', 2, 'delivered'],
        [3, 'calm', 1, 'delivered'],
        [4, 'raced', 2, 'pending'],
        [5, 'raced', 3, 'pending'],
        [6, 'calm', 2, 'pending'],
      ] as const)
        delivery.run(id, hookId, sequence, status);
    });

    orm = await openDatabase({ file, journal: 'wal', backupDir: join(temp.path, 'backups') });
    const db = await nativeDatabase(orm);
    expect(db.prepare('select id, webhook_id, sequence, status from webhook_delivery order by id').all()).toEqual([
      { id: 1, webhook_id: 'raced', sequence: 1, status: 'delivered' },
      { id: 2, webhook_id: 'raced', sequence: 2, status: 'delivered' },
      { id: 3, webhook_id: 'calm', sequence: 1, status: 'delivered' },
      { id: 4, webhook_id: 'raced', sequence: 3, status: 'pending' },
      { id: 5, webhook_id: 'raced', sequence: 4, status: 'pending' },
      { id: 6, webhook_id: 'calm', sequence: 2, status: 'pending' },
    ]);
    expect(db.prepare('select id, last_sequence from webhook order by id').all()).toEqual([
      { id: 'calm', last_sequence: 2 },
      { id: 'empty', last_sequence: 0 },
      { id: 'raced', last_sequence: 4 },
    ]);
    expect(() => db.prepare("insert into webhook_delivery (webhook_id, sequence, event, payload, created_at) values ('calm', 2, 'x', '{}', 0)").run()).toThrow(
      /UNIQUE/,
    );
  });
});

describe('migration episode_type on SQLite', () => {
  it('reads the type from the suffixes of titles stored before and takes the suffix off the title', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    const file = join(temp.path, 'aniworld.db');
    await databaseAt(file, join(temp.path, 'backups'), 'Migration20261127010000_webhook_delivery_claims', (db) => {
      db.prepare(
        "insert into series (id, key, folder, name, site, link, created_at, updated_at) values (1, 'naruto', 'Naruto', 'Naruto', 'https://aniworld.to', 'https://aniworld.to/anime/stream/naruto', 0, 0)",
      ).run();
      const episode = db.prepare(
        "insert into episode (id, series_id, season, number, title_de, title_en, languages, created_at, updated_at) values (?, 1, ?, ?, ?, ?, '[]', 0, 0)",
      );
      episode.run(1, 1, 1, 'Wer ist Naruto?', 'Enter: Naruto Uzumaki! [Episode 001]');
      episode.run(2, 0, 1, null, 'Hidden Leaf Village Grand Sports Festival! [OVA]');
      episode.run(3, 0, 2, 'Geheimmission', 'Ninja Clash in the Land of Snow [Movie]');
      episode.run(4, 0, 3, 'Ohne Zusatz', null);
      episode.run(5, 1, 2, 'Kein Zusatz', 'Brackets [inside] stay');
      episode.run(6, 0, 4, null, '[OVA]');
    });

    orm = await openDatabase({ file, journal: 'wal', backupDir: join(temp.path, 'backups') });
    const db = await nativeDatabase(orm);
    expect(db.prepare('select id, title_de, title_en, type from episode order by id').all()).toEqual([
      { id: 1, title_de: 'Wer ist Naruto?', title_en: 'Enter: Naruto Uzumaki!', type: 'episode' },
      { id: 2, title_de: null, title_en: 'Hidden Leaf Village Grand Sports Festival!', type: 'ova' },
      { id: 3, title_de: 'Geheimmission', title_en: 'Ninja Clash in the Land of Snow', type: 'movie' },
      { id: 4, title_de: 'Ohne Zusatz', title_en: null, type: 'movie' },
      { id: 5, title_de: 'Kein Zusatz', title_en: 'Brackets [inside] stay', type: 'episode' },
      { id: 6, title_de: null, title_en: null, type: 'ova' },
    ]);
    const stored = await inContext(orm, () => orm!.em.findOneOrFail(Episode, 2));
    expect(stored.type).toBe('ova');
  });
});

describe('migration file_language on SQLite', () => {
  it('gives downloaded files the language their download used, leaves the rest unknown, and drops the scan signatures', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    const file = join(temp.path, 'aniworld.db');
    await databaseAt(file, join(temp.path, 'backups'), 'Migration20261202010000_ignored_folders', (db) => {
      db.prepare(
        "insert into series (id, key, folder, name, site, link, scan_signature, created_at, updated_at) values (1, 'naruto', 'Naruto', 'Naruto', 'https://aniworld.to', 'https://aniworld.to/anime/stream/naruto', 'abc', 0, 0)",
      ).run();
      const episode = db.prepare(
        'insert into episode (id, series_id, season, number, languages, downloaded, file_path, created_at, updated_at) values (?, 1, 1, ?, \'["German Dub","German Sub"]\', ?, ?, 0, 0)',
      );
      episode.run(1, 1, 1, 'Season 01/Naruto - S01E01.mp4');
      episode.run(2, 2, 1, 'Season 01/Naruto - S01E02 - (German Sub).mp4');
      episode.run(3, 3, 0, null);
      episode.run(4, 4, 1, 'Season 01/Naruto - S01E04 - replaced by hand.mkv');
      const item = db.prepare(
        "insert into download_item (id, series_key, series_folder, series_name, season, episode, status, language_used, file_path, created_at, updated_at, completed_at) values (?, 'naruto', 'Naruto', 'Naruto', 1, ?, ?, ?, ?, 0, 0, ?)",
      );
      item.run('a', 1, 'completed', 'German Sub', '/media/Naruto/Season 01/Naruto - S01E01.mp4', 1);
      item.run('b', 1, 'completed', 'German Dub', '/media/Naruto/Season 01/Naruto - S01E01.mp4', 2);
      item.run('c', 3, 'failed', 'German Dub', '/media/Naruto/Season 01/Naruto - S01E03.mp4', null);
      item.run('d', 4, 'completed', 'German Dub', '/media/Naruto/Season 01/Naruto - S01E04.mp4', 1);
    });

    orm = await openDatabase({ file, journal: 'wal', backupDir: join(temp.path, 'backups') });
    const db = await nativeDatabase(orm);
    expect(db.prepare('select id, language from episode order by id').all()).toEqual([
      { id: 1, language: 'German Dub' },
      { id: 2, language: null },
      { id: 3, language: null },
      { id: 4, language: null },
    ]);
    expect(db.prepare('select scan_signature, upgrade_language from series').all()).toEqual([{ scan_signature: null, upgrade_language: 1 }]);
    expect(db.prepare('select upgrade_from from download_item').all()).toEqual([
      { upgrade_from: null },
      { upgrade_from: null },
      { upgrade_from: null },
      { upgrade_from: null },
    ]);
  });
});
