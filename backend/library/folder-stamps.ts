import { statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Lets a full rescan skip series folders whose directories did not change since they were last
 * read: a directory's mtime moves whenever an entry in it is created, removed or renamed, so one
 * stat of the series folder and of each season folder replaces reading and parsing all their
 * names. (Creating, renaming or deleting files is all that changes what a scan finds; file
 * contents are never read.) The stamp is stored with the series next to its scan signature.
 */

/**
 * A directory changed this recently may change again within the same timestamp tick, so its stamp
 * is not trusted yet. Timestamps in whole seconds may come from a coarse filesystem (one second on
 * some network shares, two on FAT); finer ones tick with the kernel's clock (a few milliseconds).
 */
const COARSE_RACY_MS = 2_000;
const FINE_RACY_MS = 100;

function settled(time: number, now: number): boolean {
  return now - time >= (time % 1000 === 0 ? COARSE_RACY_MS : FINE_RACY_MS);
}

/** Inode, mtime and ctime of a directory; undefined when it is missing or changed too recently. */
export function directoryStamp(path: string, now = Date.now()): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat || !settled(stat.mtimeMs, now) || !settled(stat.ctimeMs, now)) return undefined;
  return `${stat.ino}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/** Adds a season folder to a folder's stamp ("|" cannot occur in a season folder's name). */
export function withSeasonStamp(stamp: string | undefined, season: string, inner: string | undefined): string | undefined {
  return stamp === undefined || inner === undefined ? undefined : `${stamp}|${season}=${inner}`;
}

/** Whether the series folder and the season folders named in `stamp` are still as they were when it was taken. */
export function folderUnchanged(root: string, folder: string, stamp: string, now = Date.now()): boolean {
  const path = join(root, folder);
  const [own, ...seasons] = stamp.split('|');
  if (directoryStamp(path, now) !== own) return false;
  for (const season of seasons) {
    const split = season.indexOf('=');
    if (directoryStamp(join(path, season.slice(0, split)), now) !== season.slice(split + 1)) return false;
  }
  return true;
}
