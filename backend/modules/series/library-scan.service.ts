import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import { inContext } from '../../db/context.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import { NotFoundError } from '../../errors.ts';
import { listSeriesFolders, mapLimit, scanSeriesFolder, type SeriesFolderScan } from '../../library/scanner.ts';
import { readFolderLink, type FolderLink } from '../../library/folder-link.ts';
import { join } from 'node:path';
import { applyFolderChanges, loadSeriesRows, type FolderChange, type SeriesRow } from './library-sync.ts';
import { Series } from './series.entity.ts';
import type { MediaRoot } from './media-root.ts';

export interface LibraryScanSummary {
  readonly folders: number;
  readonly series: number;
  readonly changed: number;
  readonly linked: number;
  readonly unknown_folders: string[];
  readonly episodes_added: number;
  readonly episodes_updated: number;
  readonly episodes_removed: number;
  readonly duration_ms: number;
}

/** Folders read at once: enough to keep a NAS busy, few enough not to flood libuv's pool. */
const WALK_CONCURRENCY = 32;
const PROGRESS_EVERY = 100;

/**
 * Scans walk the media folder and sync what is on disk into the database. They never call the
 * provider: what the provider lists is refreshed separately (SeriesRefresher).
 */
export class LibraryScanService {
  readonly #orm: Orm;
  readonly #root: MediaRoot;
  readonly #events: EventBus;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #providerUrl: () => string;
  #running: Promise<LibraryScanSummary> | undefined;

  constructor(deps: { orm: Orm; root: MediaRoot; events: EventBus; logger: Logger; clock: Clock; providerUrl: () => string }) {
    this.#orm = deps.orm;
    this.#root = deps.root;
    this.#events = deps.events;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
    this.#providerUrl = deps.providerUrl;
  }

  get #em(): EntityManager {
    return this.#orm.em as EntityManager;
  }

  isScanning(): boolean {
    return this.#running !== undefined;
  }

  /** A full scan; a call while one runs joins it instead of starting a second one. */
  scanLibrary(): Promise<LibraryScanSummary> {
    if (this.#running) return this.#running;
    const run = inContext(this.#orm, () => this.#scanLibrary()).finally(() => { this.#running = undefined; });
    this.#running = run;
    return run;
  }

  async #scanLibrary(): Promise<LibraryScanSummary> {
    const started = performance.now();
    const root = this.#root.path();
    this.#events.publish('scan_started', { scope: 'library', path: root });
    try {
      const rows = await loadSeriesRows(this.#orm);
      const byFolder = new Map(rows.map((row) => [row.folder, row]));
      const byKey = new Map(rows.map((row) => [row.key, row]));
      const folders = await listSeriesFolders(root);
      const scans = await mapLimit(folders, WALK_CONCURRENCY, async (folder, index) => {
        const scan = await scanSeriesFolder(root, folder);
        const done = index + 1;
        if (done % PROGRESS_EVERY === 0 || done === folders.length) {
          const row = byFolder.get(folder);
          this.#events.publish('scan_progress', { current: done, total: folders.length, folder, ...(row ? { key: row.key } : {}) });
        }
        return scan;
      });

      const folderSet = new Set(folders);
      const unknown: string[] = [];
      const changes: FolderChange[] = [];
      const seen = new Set<number>();
      let linked = 0;
      for (const scan of scans) {
        let row = byFolder.get(scan.folder);
        if (!row) {
          const link = scan.hasLinkFile || scan.hasKeyFile ? await readFolderLink(join(root, scan.folder), { json: scan.hasLinkFile, keyFile: scan.hasKeyFile }) : undefined;
          if (!link) {
            unknown.push(scan.folder);
            continue;
          }
          row = await this.#linkFolder(scan.folder, link, byKey, folderSet);
          if (!row) {
            unknown.push(scan.folder);
            continue;
          }
          linked++;
        }
        seen.add(row.id);
        if (row.scan_signature !== scan.signature) changes.push({ series: row, scan });
      }
      // A series whose folder disappeared has nothing on disk any more.
      for (const row of rows) {
        if (!seen.has(row.id) && row.scan_signature !== '') changes.push({ series: row, scan: { episodes: [], signature: '' } });
      }
      const result = await applyFolderChanges(this.#orm, changes, this.#clock.now());
      const summary: LibraryScanSummary = {
        folders: folders.length, series: seen.size, changed: changes.length, linked, unknown_folders: unknown,
        episodes_added: result.added, episodes_updated: result.updated, episodes_removed: result.removed,
        duration_ms: Math.round(performance.now() - started),
      };
      this.#events.publish('scan_complete', { scope: 'library', ...summary });
      this.#logger.info({ component: 'library', ...summary, unknown_folders: unknown.length }, 'library scan finished');
      return summary;
    } catch (error) {
      this.#events.publish('scan_failed', { scope: 'library', error: (error as Error).message });
      this.#logger.error({ component: 'library', err: error }, 'library scan failed');
      throw error;
    }
  }

  /** Rescans one series folder only (after a download, a watcher event, a click). */
  async scanSeries(key: string): Promise<{ key: string; folder: string; changed: boolean; episodes: number }> {
    const series = await this.#em.findOne(Series, { key }, { fields: ['id', 'key', 'folder', 'scanSignature'] as never });
    if (!series) throw new NotFoundError(`No series with key "${key}"`);
    const payload = { key: series.key, folder: series.folder };
    this.#events.publish('scan_started', { scope: 'series', ...payload });
    try {
      const root = this.#root.path();
      const scan: SeriesFolderScan = await scanSeriesFolder(root, series.folder);
      const row: SeriesRow = { id: series.id, key: series.key, folder: series.folder, scan_signature: series.scanSignature ?? null };
      const changed = row.scan_signature !== scan.signature;
      if (changed) await applyFolderChanges(this.#orm, [{ series: row, scan }], this.#clock.now());
      this.#events.publish('scan_complete', { scope: 'series', ...payload, changed, episodes: scan.episodes.length });
      return { ...payload, changed, episodes: scan.episodes.length };
    } catch (error) {
      this.#events.publish('scan_failed', { scope: 'series', ...payload, error: (error as Error).message });
      throw error;
    }
  }

  /** A folder whose link file names a series: re-point a known series to it, or recreate the series from the file. */
  async #linkFolder(folder: string, link: FolderLink, byKey: Map<string, SeriesRow>, folders: ReadonlySet<string>): Promise<SeriesRow | undefined> {
    const known = byKey.get(link.key);
    if (known) {
      // The folder was renamed on disk. A copy (the old folder still exists) keeps the series where it was.
      if (known.folder !== folder) {
        if (folders.has(known.folder)) return undefined;
        await this.#em.nativeUpdate(Series, { id: known.id }, { folder, scanSignature: null });
        known.folder = folder;
      }
      return { ...known, scan_signature: null };
    }
    const now = this.#clock.now();
    const base = this.#providerUrl().replace(/\/+$/, '');
    const id = await this.#em.insert(Series, {
      key: link.key, folder, name: link.name ?? folder, site: link.site ?? new URL(base).host, link: link.link ?? `${base}/anime/stream/${link.key}`,
      year: link.year ?? null, monitored: true, createdAt: now, updatedAt: now,
    } as never);
    const row: SeriesRow = { id: Number(id), key: link.key, folder, scan_signature: null };
    byKey.set(link.key, row);
    return row;
  }
}
