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
 * A directory changed this recently may change again within the same timestamp tick
 * (whole seconds on some network shares, two on FAT), so its stamp is not trusted yet.
 */
const RACY_MS = 2_000;

export interface StampedFolder {
  readonly folder: string;
  /** Season folders the scan read, in that order. */
  readonly seasonFolders: readonly string[];
  readonly signature: string;
  /** From directoryStamp, taken before the directories were read; undefined when not trustworthy. */
  readonly stamp: string | undefined;
}

/**
 * Inode, mtime and ctime of the series folder and its season folders. Undefined when one of them
 * is missing or changed within RACY_MS of `now`.
 */
export function directoryStamp(path: string, now = Date.now()): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat || now - stat.mtimeMs < RACY_MS || now - stat.ctimeMs < RACY_MS) return undefined;
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
