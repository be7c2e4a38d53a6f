import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { FoundEpisode, SeriesFolderScan } from '../../library/scanner.ts';
import { Episode } from './episode.entity.ts';
import { Series } from './series.entity.ts';

/**
 * Writes what a directory walk found into the database: one read of the episodes of the series
 * whose folder changed, stat only for files not seen before, every write in one transaction.
 */
export interface SeriesRow {
  readonly id: number;
  readonly key: string;
  folder: string;
  readonly scan_signature: string | null;
}

export interface FolderChange {
  readonly series: SeriesRow;
  /** Absolute path of the series folder. */
  readonly path: string;
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

export async function loadSeriesRows(em: EntityManager): Promise<SeriesRow[]> {
  return em.execute<SeriesRow[]>('select `id`, `key`, `folder`, `scan_signature` from `series`');
}

export async function applyFolderChanges(em: EntityManager, changes: readonly FolderChange[], now: Date): Promise<SyncResult> {
  if (changes.length === 0) return { added: 0, removed: 0, updated: 0 };
  const existing = await loadEpisodeRows(em, changes.map((change) => change.series.id));
  const inserts: Record<string, unknown>[] = [];
  const updates: { id: number; data: Record<string, unknown> }[] = [];
  const deletes: number[] = [];
  const toStat: { path: string; apply: (size: number | null) => void }[] = [];

  for (const change of changes) {
    const rows = existing.get(change.series.id) ?? [];
    const byEpisode = new Map(rows.map((row) => [`${row.season}:${row.number}`, row]));
    const found = new Set<string>();
    for (const episode of change.scan.episodes) {
      const id = `${episode.season}:${episode.number}`;
      found.add(id);
      const row = byEpisode.get(id);
      if (row && row.downloaded === 1 && row.file_path === episode.file) continue;
      const data: Record<string, unknown> = { downloaded: true, filePath: episode.file, size: null, updatedAt: now };
      toStat.push({ path: join(change.path, episode.file), apply: (size) => { data.size = size; } });
      if (row) updates.push({ id: row.id, data });
      else inserts.push(newEpisode(change.series.id, episode, data, now));
    }
    for (const row of rows) {
      if (found.has(`${row.season}:${row.number}`)) continue;
      if (row.on_provider === 0) deletes.push(row.id);
      else if (row.downloaded === 1 || row.file_path !== null) updates.push({ id: row.id, data: { downloaded: false, filePath: null, size: null, updatedAt: now } });
    }
  }

  await statAll(toStat);
  await em.transactional(async (tx) => {
    for (let index = 0; index < inserts.length; index += CHUNK) await tx.insertMany(Episode, inserts.slice(index, index + CHUNK) as never);
    for (const update of updates) await tx.nativeUpdate(Episode, { id: update.id }, update.data);
    for (let index = 0; index < deletes.length; index += CHUNK) await tx.nativeDelete(Episode, { id: { $in: deletes.slice(index, index + CHUNK) } });
    for (const change of changes) await tx.nativeUpdate(Series, { id: change.series.id }, { scanSignature: change.scan.signature, scannedAt: now });
  });
  return { added: inserts.length, removed: deletes.length, updated: updates.length };
}

function newEpisode(seriesId: number, episode: FoundEpisode, data: Record<string, unknown>, now: Date): Record<string, unknown> {
  // The same object is filled with the size after stat: inserts and updates share `data`.
  return Object.assign(data, { series: seriesId, season: episode.season, number: episode.number, onProvider: false, languages: [], titleDe: null, titleEn: null, createdAt: now });
}

async function loadEpisodeRows(em: EntityManager, seriesIds: readonly number[]): Promise<Map<number, EpisodeRow[]>> {
  const bySeries = new Map<number, EpisodeRow[]>();
  for (let index = 0; index < seriesIds.length; index += CHUNK) {
    const ids = seriesIds.slice(index, index + CHUNK);
    const rows = await em.execute<EpisodeRow[]>(
      `select \`id\`, \`series_id\`, \`season\`, \`number\`, \`on_provider\`, \`downloaded\`, \`file_path\`, \`size\` from \`episode\` where \`series_id\` in (${ids.map(() => '?').join(',')})`,
      ids,
    );
    for (const row of rows) {
      const list = bySeries.get(row.series_id);
      if (list) list.push(row);
      else bySeries.set(row.series_id, [row]);
    }
  }
  return bySeries;
}

async function statAll(items: readonly { path: string; apply: (size: number | null) => void }[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      const info = await stat(item.path).catch(() => undefined);
      item.apply(info ? info.size : null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, items.length) }, worker));
}
