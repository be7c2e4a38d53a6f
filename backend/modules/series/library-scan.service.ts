import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import { inContext } from '../../db/context.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import { NotFoundError } from '../../errors.ts';
import { listSeriesFolders, mapLimit, scanSeriesFolder, scanSeriesFolders, type SeriesFolderScan } from '../../library/scanner.ts';
import { readFolderLink, type FolderLink } from '../../library/folder-link.ts';
import { folderUnchanged } from '../../library/folder-stamps.ts';
import { join } from 'node:path';
import { applyFolderChanges, insertSeriesRows, loadSeriesRows, writeScanStamps, type FolderChange, type NewSeriesRow, type SeriesRow } from './library-sync.ts';
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

/** Link files read at once (only for folders the database does not know). */
const WALK_CONCURRENCY = 16;
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
  readonly #changed: (key?: string) => void;
  #running: Promise<LibraryScanSummary> | undefined;

  /** `changed`: told which series a scan wrote (none: possibly all), before scan_complete goes out. */
  constructor(deps: {
    orm: Orm;
    root: MediaRoot;
    events: EventBus;
    logger: Logger;
    clock: Clock;
    providerUrl: () => string;
    changed?: (key?: string) => void;
  }) {
    this.#orm = deps.orm;
    this.#root = deps.root;
    this.#events = deps.events;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
    this.#providerUrl = deps.providerUrl;
    this.#changed = deps.changed ?? (() => {});
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
    const run: Promise<LibraryScanSummary> = inContext(this.#orm, () =>
      this.#scanLibrary(() => {
        // Cleared before scan_complete/scan_failed go out, so a client reacting to them can start the next scan.
        if (this.#running === run) this.#running = undefined;
      }),
    );
    this.#running = run;
    return run;
  }

  async #scanLibrary(finished: () => void): Promise<LibraryScanSummary> {
    const started = performance.now();
    const root = this.#root.path();
    this.#events.publish('scan_started', { scope: 'library' });
    try {
      const rows = await loadSeriesRows(this.#orm);
      const byFolder = new Map(rows.map((row) => [row.folder, row]));
      const byKey = new Map(rows.map((row) => [row.key, row]));
      const folders = await listSeriesFolders(root);
      const seen = new Set<number>();
      const now = this.#clock.now().getTime();
      const progress = (done: number, folder: string, key: string | undefined) => {
        if (done % PROGRESS_EVERY === 0 || done === folders.length) {
          this.#events.publish('scan_progress', { current: done, total: folders.length, folder, ...(key ? { key } : {}) });
        }
      };
      // Unchanged series are settled during the walk, most without reading their folders (their
      // directory stamps match and the database still holds the signature read with them); only
      // the rest is kept (memory stays flat on big libraries).
      const restamped: { id: number; stamp: string | null }[] = [];
      const scans = await scanSeriesFolders(
        root,
        folders,
        (scan, index) => {
          const row = byFolder.get(scan.folder);
          progress(index + 1, scan.folder, row?.key);
          if (row?.scan_signature !== scan.signature) return true;
          seen.add(row.id);
          if ((scan.stamp ?? null) !== row.scan_stamp) restamped.push({ id: row.id, stamp: scan.stamp ?? null });
          return false;
        },
        (folder, index) => {
          const row = byFolder.get(folder);
          if (row?.scan_signature == null || row.scan_stamp === null || !folderUnchanged(root, folder, row.scan_stamp, now)) return false;
          progress(index + 1, folder, row.key);
          seen.add(row.id);
          return true;
        },
        now,
      );
      await writeScanStamps(this.#orm, restamped);

      const unlinked = scans.filter((scan) => !byFolder.has(scan.folder) && (scan.hasLinkFile || scan.hasKeyFile));
      const links = await mapLimit(unlinked, WALK_CONCURRENCY, (scan) =>
        readFolderLink(join(root, scan.folder), { json: scan.hasLinkFile, keyFile: scan.hasKeyFile }),
      );
      const linkedRows = await this.#linkFolders(
        unlinked.map((scan, index) => ({ folder: scan.folder, link: links[index] })),
        byKey,
        new Set(folders),
      );

      const unknown: string[] = [];
      const changes: FolderChange[] = [];
      for (const scan of scans) {
        const row = byFolder.get(scan.folder) ?? linkedRows.get(scan.folder);
        if (!row) {
          unknown.push(scan.folder);
          continue;
        }
        seen.add(row.id);
        if (row.scan_signature !== scan.signature) changes.push({ series: row, scan });
      }
      const linked = linkedRows.size;
      // A series whose folder disappeared has nothing on disk any more.
      for (const row of rows) {
        if (!seen.has(row.id) && row.scan_signature !== '') changes.push({ series: row, scan: { episodes: [], signature: '', stamp: undefined } });
      }
      const result = await applyFolderChanges(this.#orm, changes, this.#clock.now());
      if (changes.length > 0 || linked > 0) this.#changed();
      const summary: LibraryScanSummary = {
        folders: folders.length,
        series: seen.size,
        changed: changes.length,
        linked,
        unknown_folders: unknown,
        episodes_added: result.added,
        episodes_updated: result.updated,
        episodes_removed: result.removed,
        duration_ms: Math.round(performance.now() - started),
      };
      finished();
      this.#events.publish('scan_complete', { scope: 'library', ...summary });
      this.#logger.info({ component: 'library', ...summary, unknown_folders: unknown.length }, 'library scan finished');
      return summary;
    } catch (error) {
      // Part of it may be written.
      this.#changed();
      finished();
      this.#events.publish('scan_failed', { scope: 'library', error: (error as Error).message });
      this.#logger.error({ component: 'library', err: error }, 'library scan failed');
      throw error;
    }
  }

  /** Rescans one series folder only (after a download, a watcher event, a click). */
  async scanSeries(key: string): Promise<{ key: string; folder: string; changed: boolean; episodes: number }> {
    const series = await this.#em.findOne(Series, { key }, { fields: ['id', 'key', 'folder', 'scanSignature', 'scanStamp'] as never });
    if (!series) throw new NotFoundError(`No series with key "${key}"`);
    const payload = { key: series.key, folder: series.folder };
    this.#events.publish('scan_started', { scope: 'series', ...payload });
    try {
      const root = this.#root.path();
      const scan: SeriesFolderScan = scanSeriesFolder(root, series.folder);
      const row: SeriesRow = {
        id: series.id,
        key: series.key,
        folder: series.folder,
        scan_signature: series.scanSignature ?? null,
        scan_stamp: series.scanStamp ?? null,
      };
      const changed = row.scan_signature !== scan.signature;
      if (changed) {
        await applyFolderChanges(this.#orm, [{ series: row, scan }], this.#clock.now());
        this.#changed(series.key);
      }
      this.#events.publish('scan_complete', { scope: 'series', ...payload, changed, episodes: scan.episodes.length });
      return { ...payload, changed, episodes: scan.episodes.length };
    } catch (error) {
      this.#events.publish('scan_failed', { scope: 'series', ...payload, error: (error as Error).message });
      throw error;
    }
  }

  /**
   * Folders whose link file names a series: a known series whose folder was renamed on disk moves
   * to it (a copy, where the old folder still exists, does not), an unknown key is recreated from
   * the file (a lost database rebuilt from disk). New series are inserted in one transaction.
   */
  async #linkFolders(
    candidates: readonly { folder: string; link: FolderLink | undefined }[],
    byKey: Map<string, SeriesRow>,
    folders: ReadonlySet<string>,
  ): Promise<Map<string, SeriesRow>> {
    const linked = new Map<string, SeriesRow>();
    const created: NewSeriesRow[] = [];
    const base = this.#providerUrl().replace(/\/+$/, '');
    for (const { folder, link } of candidates) {
      if (!link) continue;
      const known = byKey.get(link.key);
      if (known) {
        if (known.folder === folder || folders.has(known.folder)) continue;
        await this.#em.nativeUpdate(Series, { id: known.id }, { folder, scanSignature: null });
        known.folder = folder;
        linked.set(folder, { ...known, scan_signature: null });
        continue;
      }
      const row: NewSeriesRow = {
        id: 0,
        key: link.key,
        folder,
        scan_signature: null,
        scan_stamp: null,
        name: link.name ?? folder,
        site: link.site ?? new URL(base).host,
        link: link.link ?? `${base}/anime/stream/${link.key}`,
        year: link.year ?? null,
      };
      created.push(row);
      byKey.set(link.key, row);
      linked.set(folder, row);
    }
    await insertSeriesRows(this.#orm, created, this.#clock.now());
    return linked;
  }
}
