import { readdir, stat } from 'node:fs/promises';
import { readdirSync, type Dirent } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { hash } from 'node:crypto';
import { join } from 'node:path';
import { isSeasonFolder, parseEpisodeFile, type EpisodeRef } from './episode-file.ts';
import { LEGACY_KEY_FILE, LINK_FILE } from './folder-link.ts';
import { directoryStamp, withSeasonStamp } from './folder-stamps.ts';

/**
 * The directory walk. It only reads directory listings; no file is stat'ed, only the directories
 * (for their stamps) and symlinked entries of the media root. File sizes are not read here.
 */
export interface FoundEpisode extends EpisodeRef {
  /** Relative to the series folder, with "/" separators. */
  readonly file: string;
}

export interface SeriesFolderScan {
  readonly folder: string;
  readonly episodes: FoundEpisode[];
  readonly hasLinkFile: boolean;
  readonly hasKeyFile: boolean;
  /** Changes whenever the set of recognised episode files changes; lets a rescan skip unchanged series. */
  readonly signature: string;
  /** The directories' stamp (folder-stamps.ts), taken before each was read; undefined when not trustworthy yet. */
  readonly stamp: string | undefined;
}

/** System folders NAS vendors and filesystems put into shares. */
const IGNORED_FOLDERS = new Set(['@eadir', '#recycle', '#snapshot', 'lost+found', '$recycle.bin', 'system volume information']);

/** Series folders directly under the media root, sorted by name. Hidden folders are skipped. */
export async function listSeriesFolders(root: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const folders: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || IGNORED_FOLDERS.has(entry.name.toLowerCase())) continue;
    if (await isDirectory(root, entry)) folders.push(entry.name);
  }
  return folders.sort();
}

/**
 * Reads one series folder and its season subfolders. A folder that vanished reads as empty.
 * Only names are read (no Dirent objects, no stat): a name with a video extension is taken as a
 * file and a name like "Season 01" as a folder; a season "folder" that is a file reads as empty.
 *
 * Synchronous on purpose: one readdir of a folder is microseconds locally and one round trip on a
 * network share, while the promise and thread-pool hop per folder cost more than the read itself
 * (measured: the async walk used about twice the CPU of `find`). Whole-library walks go through
 * scanSeriesFolders, which yields to the event loop every few milliseconds.
 */
/** `now`: the time directory stamps are judged against (a directory changed just before is not stamped). */
export function scanSeriesFolder(root: string, folder: string, now = Date.now()): SeriesFolderScan {
  const path = join(root, folder);
  const byEpisode = new Map<number, FoundEpisode>();
  // Names in readdir order: stable for an unchanged folder on the filesystems we know; should an
  // order change anyway, the only cost is one needless diff of that series.
  let listing = '';
  let hasLinkFile = false;
  let hasKeyFile = false;
  // Each directory is stat'ed before it is read: a change after the stat moves its mtime past the stamp.
  let stamp = directoryStamp(path, now);
  const add = (ref: EpisodeRef, file: string) => {
    listing += `${file}\n`;
    const id = ref.season * 10_000 + ref.number;
    const other = byEpisode.get(id);
    // Two files for one episode (two languages, a re-encode): the first by path wins, deterministically.
    if (!other || file < other.file) byEpisode.set(id, { season: ref.season, number: ref.number, file });
  };
  for (const name of namesOrEmpty(path)) {
    const ref = parseEpisodeFile(name);
    if (ref) add(ref, name);
    else if (name === LINK_FILE) hasLinkFile = true;
    else if (name === LEGACY_KEY_FILE) hasKeyFile = true;
    else if (isSeasonFolder(name)) {
      stamp = stamp === undefined ? undefined : withSeasonStamp(stamp, name, directoryStamp(join(path, name), now));
      for (const inner of namesOrEmpty(join(path, name))) {
        const innerRef = parseEpisodeFile(inner);
        if (innerRef) add(innerRef, `${name}/${inner}`);
      }
    }
  }
  const episodes = [...byEpisode.values()].sort((a, b) => a.season - b.season || a.number - b.number);
  return { folder, episodes, hasLinkFile, hasKeyFile, stamp, signature: listing === '' ? '' : hash('sha1', listing, 'base64url').slice(0, 22) };
}

/**
 * Scans many series folders in order, giving the event loop a turn every `sliceMs`.
 * A folder `settled` answers true for is not read; of the rest, returns the scans `keep` asks for
 * (all when it is not given).
 */
export async function scanSeriesFolders(
  root: string,
  folders: readonly string[],
  keep: (scan: SeriesFolderScan, index: number) => boolean = () => true,
  settled: (folder: string, index: number) => boolean = () => false,
  now = Date.now(),
  sliceMs = 8,
): Promise<SeriesFolderScan[]> {
  const scans: SeriesFolderScan[] = [];
  let sliceStarted = performance.now();
  for (let index = 0; index < folders.length; index++) {
    if (settled(folders[index], index)) continue;
    const scan = scanSeriesFolder(root, folders[index], now);
    if (keep(scan, index)) scans.push(scan);
    if (performance.now() - sliceStarted > sliceMs) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
  }
  return scans;
}

function namesOrEmpty(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

async function isDirectory(parent: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return (await stat(join(parent, entry.name)).catch(() => undefined))?.isDirectory() ?? false;
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the input order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
