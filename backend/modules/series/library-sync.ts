import type Database from 'better-sqlite3';
import { nativeDatabase, type Orm } from '../../db/orm.ts';
import type { FoundEpisode, SeriesFolderScan } from '../../library/scanner.ts';

/**
 * Writes what a directory walk found into the database: one read of the episodes of the series
 * whose folder changed, every write in one transaction. Nothing is stat'ed: a scan costs a
 * directory walk, file sizes come from downloads (markEpisodeDownloaded) or the detail view.
 * This is the scan's hot path, so it uses SQLite directly (prepared statements) instead of entities;
 * callers must not hold Series/Episode entities of these series in their identity map across it.
 */
export interface SeriesRow {
  id: number;
  readonly key: string;
  folder: string;
  readonly scan_signature: string | null;
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
  const db = await nativeDatabase(orm);
  const insert = db.prepare('insert into `series` (`key`, `folder`, `name`, `site`, `link`, `year`, `monitored`, `created_at`, `updated_at`) values (?, ?, ?, ?, ?, ?, 1, ?, ?)');
  const time = now.getTime();
  db.transaction(() => {
    for (const row of rows) row.id = Number(insert.run(row.key, row.folder, row.name, row.site, row.link, row.year, time, time).lastInsertRowid);
  })();
}

export interface FolderChange {
  readonly series: SeriesRow;
  readonly scan: Pick<SeriesFolderScan, 'episodes' | 'signature'>;
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
  on_provider: number;
  downloaded: number;
  file_path: string | null;
  size: number | null;
}

const CHUNK = 500;

export async function loadSeriesRows(orm: Orm): Promise<SeriesRow[]> {
  return (await nativeDatabase(orm)).prepare('select `id`, `key`, `folder`, `scan_signature` from `series`').all() as SeriesRow[];
}

export async function applyFolderChanges(orm: Orm, changes: readonly FolderChange[], now: Date): Promise<SyncResult> {
  if (changes.length === 0) return { added: 0, removed: 0, updated: 0 };
  const db = await nativeDatabase(orm);
  const existing = loadEpisodeRows(db, changes.map((change) => change.series.id));
  const inserts: { seriesId: number; episode: FoundEpisode }[] = [];
  const updates: { id: number; downloaded: boolean; file: string | null; size: number | null }[] = [];
  const deletes: number[] = [];

  for (const change of changes) {
    const rows = existing.get(change.series.id) ?? [];
    const byEpisode = new Map(rows.map((row) => [`${row.season}:${row.number}`, row]));
    const found = new Set<string>();
    for (const episode of change.scan.episodes) {
      const id = `${episode.season}:${episode.number}`;
      found.add(id);
      const row = byEpisode.get(id);
      if (row && row.downloaded === 1 && row.file_path === episode.file) continue;
      if (row) updates.push({ id: row.id, downloaded: true, file: episode.file, size: null });
      else inserts.push({ seriesId: change.series.id, episode });
    }
    for (const row of rows) {
      if (found.has(`${row.season}:${row.number}`)) continue;
      if (row.on_provider === 0) deletes.push(row.id);
      else if (row.downloaded === 1 || row.file_path !== null) updates.push({ id: row.id, downloaded: false, file: null, size: null });
    }
  }

  // One synchronous SQLite transaction: nothing else can interleave with it, and it is fast.
  const time = now.getTime();
  const insert = db.prepare("insert into `episode` (`series_id`, `season`, `number`, `title_de`, `title_en`, `languages`, `on_provider`, `downloaded`, `file_path`, `size`, `created_at`, `updated_at`) values (?, ?, ?, null, null, '[]', 0, 1, ?, null, ?, ?)");
  const update = db.prepare('update `episode` set `downloaded` = ?, `file_path` = ?, `size` = ?, `updated_at` = ? where `id` = ?');
  const remove = db.prepare('delete from `episode` where `id` = ?');
  const touch = db.prepare('update `series` set `scan_signature` = ?, `scanned_at` = ?, `updated_at` = ? where `id` = ?');
  db.transaction(() => {
    for (const item of inserts) insert.run(item.seriesId, item.episode.season, item.episode.number, item.episode.file, time, time);
    for (const item of updates) update.run(item.downloaded ? 1 : 0, item.file, item.size, time, item.id);
    for (const id of deletes) remove.run(id);
    for (const change of changes) touch.run(change.scan.signature, time, time, change.series.id);
  })();
  return { added: inserts.length, removed: deletes.length, updated: updates.length };
}

function loadEpisodeRows(db: Database.Database, seriesIds: readonly number[]): Map<number, EpisodeRow[]> {
  const bySeries = new Map<number, EpisodeRow[]>();
  for (let index = 0; index < seriesIds.length; index += CHUNK) {
    const ids = seriesIds.slice(index, index + CHUNK);
    const rows = db.prepare(`select \`id\`, \`series_id\`, \`season\`, \`number\`, \`on_provider\`, \`downloaded\`, \`file_path\`, \`size\` from \`episode\` where \`series_id\` in (${ids.map(() => '?').join(',')})`).all(...ids) as EpisodeRow[];
    for (const row of rows) {
      const list = bySeries.get(row.series_id);
      if (list) list.push(row);
      else bySeries.set(row.series_id, [row]);
    }
  }
  return bySeries;
}
