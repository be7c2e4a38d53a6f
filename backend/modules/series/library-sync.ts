import type Database from 'better-sqlite3';
import type { EntityManager } from '@mikro-orm/core';
import { nativeDatabase, type Orm } from '../../db/orm.ts';
import { Episode } from './episode.entity.ts';
import { Series } from './series.entity.ts';
import type { FoundEpisode, SeriesFolderScan } from '../../library/scanner.ts';
import { languageFromFileName } from '../../library/file-language.ts';

/**
 * Writes what a directory walk found into the database: one read of the episodes of the series
 * whose folder changed, every write in one transaction. Nothing is stat'ed: a scan costs a
 * directory walk, file sizes come from downloads (markEpisodeDownloaded) or the detail view.
 * This is the scan's hot path: on the embedded SQLite it uses prepared statements in one synchronous
 * transaction; on PostgreSQL (scale-out) the same through MikroORM's native queries. Callers must
 * not hold Series/Episode entities of these series in their identity map across it.
 */
export interface SeriesRow {
  id: number;
  readonly key: string;
  folder: string;
  readonly scan_signature: string | null;
  /** Directory stamp stored with that signature (folder-stamps.ts). */
  readonly scan_stamp: string | null;
}

export interface NewSeriesRow extends SeriesRow {
  readonly name: string;
  readonly site: string;
  readonly link: string;
  readonly year: number | null;
}

/** Series recreated from link files; fills in their ids. */
export async function insertSeriesRows(orm: Orm, rows: NewSeriesRow[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const db = await sqlite(orm);
  const time = now.getTime();
  if (!db) {
    for (const row of rows)
      row.id = Number(
        await (orm.em as EntityManager).insert(Series, {
          key: row.key,
          folder: row.folder,
          name: row.name,
          site: row.site,
          link: row.link,
          year: row.year,
          monitored: true,
          createdAt: now,
          updatedAt: now,
        } as never),
      );
    return;
  }
  const insert = db.prepare(
    'insert into `series` (`key`, `folder`, `name`, `site`, `link`, `year`, `monitored`, `created_at`, `updated_at`) values (?, ?, ?, ?, ?, ?, 1, ?, ?)',
  );
  db.transaction(() => {
    for (const row of rows) row.id = Number(insert.run(row.key, row.folder, row.name, row.site, row.link, row.year, time, time).lastInsertRowid);
  })();
}

export interface FolderChange {
  readonly series: SeriesRow;
  readonly scan: Pick<SeriesFolderScan, 'episodes' | 'signature' | 'stamp'>;
}

export interface SyncResult {
  readonly added: number;
  readonly removed: number;
  readonly updated: number;
}

interface EpisodeRow {
  id: number;
  series_id: number;
  season: number;
  number: number;
  on_provider: boolean;
  downloaded: boolean;
  file_path: string | null;
  language: string | null;
}

interface Writes {
  readonly inserts: { seriesId: number; episode: FoundEpisode; language: string | null }[];
  readonly updates: { id: number; downloaded: boolean; file: string | null; language: string | null }[];
  readonly deletes: number[];
  readonly signatures: { id: number; signature: string; stamp: string | null }[];
}

const CHUNK = 500;

/** The better-sqlite3 handle on the embedded database; undefined on PostgreSQL. */
async function sqlite(orm: Orm): Promise<Database.Database | undefined> {
  const native = await nativeDatabase(orm);
  return typeof (native as { prepare?: unknown }).prepare === 'function' && typeof (native as { transaction?: unknown }).transaction === 'function'
    ? native
    : undefined;
}

export async function loadSeriesRows(orm: Orm): Promise<SeriesRow[]> {
  const db = await sqlite(orm);
  if (db) return db.prepare('select id, key, folder, scan_signature, scan_stamp from series').all() as SeriesRow[];
  return (orm.em as EntityManager).getConnection().execute('select id, key, folder, scan_signature, scan_stamp from series') as Promise<SeriesRow[]>;
}

/** New directory stamps of series whose signature did not change (a folder read again, finding the same files). */
export async function writeScanStamps(orm: Orm, stamps: readonly { id: number; stamp: string | null }[]): Promise<void> {
  if (stamps.length === 0) return;
  const db = await sqlite(orm);
  if (!db) {
    await (orm.em as EntityManager).transactional(async (tx) => {
      for (const item of stamps) await tx.nativeUpdate(Series, { id: item.id }, { scanStamp: item.stamp });
    });
    return;
  }
  const update = db.prepare('update series set scan_stamp = ? where id = ?');
  db.transaction(() => {
    for (const item of stamps) update.run(item.stamp, item.id);
  })();
}

export async function applyFolderChanges(orm: Orm, changes: readonly FolderChange[], now: Date): Promise<SyncResult> {
  if (changes.length === 0) return { added: 0, removed: 0, updated: 0 };
  const db = await sqlite(orm);
  const existing = await loadEpisodeRows(
    orm,
    db,
    changes.map((change) => change.series.id),
  );
  const writes: Writes = {
    inserts: [],
    updates: [],
    deletes: [],
    signatures: changes.map((change) => ({ id: change.series.id, signature: change.scan.signature, stamp: change.scan.stamp ?? null })),
  };

  for (const change of changes) {
    const rows = existing.get(change.series.id) ?? [];
    const byEpisode = new Map(rows.map((row) => [`${row.season}:${row.number}`, row]));
    const found = new Set<string>();
    for (const episode of change.scan.episodes) {
      const id = `${episode.season}:${episode.number}`;
      found.add(id);
      const row = byEpisode.get(id);
      if (row && row.downloaded && row.file_path === episode.file) {
        // The same file: its language stays what its download recorded; an unknown one is read from the name.
        const named = row.language === null ? fileLanguage(episode.file) : null;
        if (named !== null) writes.updates.push({ id: row.id, downloaded: true, file: episode.file, language: named });
        continue;
      }
      // Another file (or a first one): what its name says, or unknown.
      const language = fileLanguage(episode.file);
      if (row) writes.updates.push({ id: row.id, downloaded: true, file: episode.file, language });
      else writes.inserts.push({ seriesId: change.series.id, episode, language });
    }
    for (const row of rows) {
      if (found.has(`${row.season}:${row.number}`)) continue;
      if (!row.on_provider) writes.deletes.push(row.id);
      else if (row.downloaded || row.file_path !== null) writes.updates.push({ id: row.id, downloaded: false, file: null, language: null });
    }
  }
  if (db) writeSqlite(db, writes, now);
  else await writeWithOrm(orm.em as EntityManager, writes, now);
  return { added: writes.inserts.length, removed: writes.deletes.length, updated: writes.updates.length };
}

/** One synchronous SQLite transaction: nothing else can interleave with it, and it is fast. */
function writeSqlite(db: Database.Database, writes: Writes, now: Date): void {
  const time = now.getTime();
  const insert = db.prepare(
    "insert into episode (series_id, season, number, title_de, title_en, languages, on_provider, downloaded, file_path, language, size, created_at, updated_at) values (?, ?, ?, null, null, '[]', 0, 1, ?, ?, null, ?, ?)",
  );
  const update = db.prepare('update episode set downloaded = ?, file_path = ?, language = ?, size = null, updated_at = ? where id = ?');
  const remove = db.prepare('delete from episode where id = ?');
  const touch = db.prepare('update series set scan_signature = ?, scan_stamp = ?, scanned_at = ?, updated_at = ? where id = ?');
  db.transaction(() => {
    for (const item of writes.inserts) insert.run(item.seriesId, item.episode.season, item.episode.number, item.episode.file, item.language, time, time);
    for (const item of writes.updates) update.run(item.downloaded ? 1 : 0, item.file, item.language, time, item.id);
    for (const id of writes.deletes) remove.run(id);
    for (const item of writes.signatures) touch.run(item.signature, item.stamp, time, time, item.id);
  })();
}

async function writeWithOrm(em: EntityManager, writes: Writes, now: Date): Promise<void> {
  await em.transactional(async (tx) => {
    for (let index = 0; index < writes.inserts.length; index += CHUNK) {
      await tx.insertMany(
        Episode,
        writes.inserts.slice(index, index + CHUNK).map((item) => ({
          series: item.seriesId,
          season: item.episode.season,
          number: item.episode.number,
          titleDe: null,
          titleEn: null,
          languages: [],
          onProvider: false,
          downloaded: true,
          filePath: item.episode.file,
          language: item.language,
          size: null,
          createdAt: now,
          updatedAt: now,
        })) as never,
      );
    }
    for (const item of writes.updates)
      await tx.nativeUpdate(
        Episode,
        { id: item.id },
        { downloaded: item.downloaded, filePath: item.file, language: item.language as never, size: null, updatedAt: now },
      );
    for (let index = 0; index < writes.deletes.length; index += CHUNK)
      await tx.nativeDelete(Episode, { id: { $in: writes.deletes.slice(index, index + CHUNK) } });
    for (const item of writes.signatures)
      await tx.nativeUpdate(Series, { id: item.id }, { scanSignature: item.signature, scanStamp: item.stamp, scannedAt: now });
  });
}

/** The language a file's name says (the part after its season folder). */
function fileLanguage(file: string): string | null {
  return languageFromFileName(file.slice(file.lastIndexOf('/') + 1));
}

async function loadEpisodeRows(orm: Orm, db: Database.Database | undefined, seriesIds: readonly number[]): Promise<Map<number, EpisodeRow[]>> {
  const bySeries = new Map<number, EpisodeRow[]>();
  for (let index = 0; index < seriesIds.length; index += CHUNK) {
    const ids = seriesIds.slice(index, index + CHUNK);
    const sql = `select id, series_id, season, number, on_provider, downloaded, file_path, language from episode where series_id in (${ids.map(() => '?').join(',')})`;
    const raw = (db ? db.prepare(sql).all(...ids) : await (orm.em as EntityManager).getConnection().execute(sql, ids)) as Record<string, unknown>[];
    for (const item of raw) {
      // SQLite answers 0/1 for booleans, PostgreSQL true/false.
      const row: EpisodeRow = {
        id: Number(item.id),
        series_id: Number(item.series_id),
        season: Number(item.season),
        number: Number(item.number),
        on_provider: Boolean(item.on_provider),
        downloaded: Boolean(item.downloaded),
        file_path: (item.file_path as string | null) ?? null,
        language: (item.language as string | null) ?? null,
      };
      const list = bySeries.get(row.series_id);
      if (list) list.push(row);
      else bySeries.set(row.series_id, [row]);
    }
  }
  return bySeries;
}
