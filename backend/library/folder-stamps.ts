import { statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Lets a full rescan skip series folders whose directories did not change since they were last
 * read: a directory's mtime moves whenever an entry in it is created, removed or renamed, so one
 * stat of the series folder and of each season folder replaces reading and parsing all their
 * names. (Renaming or deleting files is all that changes what a scan finds; file contents are
 * never read.) Kept in memory for the life of the process.
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

export interface StampedFolder {
  readonly folder: string;
  /** Season folders the scan read, in that order. */
  readonly seasonFolders: readonly string[];
  readonly signature: string;
  /** From directoryStamp, taken before the directories were read; undefined when not trustworthy. */
  readonly stamp: string | undefined;
}

/** Inode, mtime and ctime of a directory; undefined when it is missing or changed too recently. */
export function directoryStamp(path: string, now = Date.now()): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat || !settled(stat.mtimeMs, now) || !settled(stat.ctimeMs, now)) return undefined;
  return `${stat.ino}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

export class FolderStamps {
  readonly #known = new Map<string, { stamp: string; seasonFolders: readonly string[]; signature: string }>();

  /** The folder's signature when it was last read, if none of its directories changed since. */
  signatureIfUnchanged(root: string, folder: string, now = Date.now()): string | undefined {
    const path = join(root, folder);
    const known = this.#known.get(path);
    if (!known) return undefined;
    let stamp = directoryStamp(path, now);
    for (const season of known.seasonFolders) {
      if (stamp === undefined) break;
      const inner = directoryStamp(join(path, season), now);
      stamp = inner === undefined ? undefined : `${stamp}/${inner}`;
    }
    if (stamp === known.stamp) return known.signature;
    this.#known.delete(path);
    return undefined;
  }

  remember(root: string, scan: StampedFolder): void {
    const path = join(root, scan.folder);
    if (scan.stamp === undefined) this.#known.delete(path);
    else this.#known.set(path, { stamp: scan.stamp, seasonFolders: scan.seasonFolders, signature: scan.signature });
  }

  /** Forgets folders a full scan no longer found (or of another media root). */
  retain(root: string, folders: readonly string[]): void {
    const present = new Set(folders.map((folder) => join(root, folder)));
    for (const path of this.#known.keys()) if (!present.has(path)) this.#known.delete(path);
  }
}
