import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkWritableDirectory } from './writable-directory.ts';

export interface FolderEntry {
  readonly name: string;
  readonly size: number;
  readonly mode: string;
}

/** Names, sizes and modes (never contents) of a folder's entries; folders end in "/". */
export async function listFolder(dir: string): Promise<FolderEntry[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const entries: FolderEntry[] = [];
  for (const name of names.sort()) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info) entries.push({ name: info.isDirectory() ? `${name}/` : name, size: info.size, mode: (info.mode & 0o777).toString(8).padStart(3, '0') });
  }
  return entries;
}

/** The data folder cannot be used; the message names the folder, who we run as and the fix. */
export class DataFolderError extends Error {
  override readonly name = 'DataFolderError';
}

/**
 * Makes sure the data folder exists and takes a file, before anything else opens a file there,
 * so a read-only volume, a wrong owner or a file in the way ends start-up with one sentence
 * instead of ENOENT, EACCES or "unable to open database file" from deep inside.
 */
export async function prepareDataFolder(dir: string): Promise<void> {
  const check = await checkWritableDirectory(dir, 0o700);
  if (check.ok) return;
  const user = `${process.getuid?.() ?? '?'}:${process.getgid?.() ?? '?'}`;
  const problem = (cause: string, fix: string) =>
    new DataFolderError(`The data folder ${dir} (ANIWORLD_DATA_DIR; /config in Docker) ${cause}. AniWorld runs as uid:gid ${user}. Fix: ${fix}`);
  switch (check.code) {
    case 'EROFS':
      throw problem(
        'is on a read-only filesystem',
        'mount it read-write (Docker: remove ":ro" from the /config volume) or point ANIWORLD_DATA_DIR at a writable folder.',
      );
    case 'EACCES':
    case 'EPERM':
      throw problem(`is not writable for uid:gid ${user}`, `sudo chown -R ${user} ${dir} (in Docker: set PUID/PGID to the folder's owner).`);
    case 'ENOTDIR':
    case 'EEXIST':
      throw problem('cannot be made: a file is in the way of the folder', 'move that file away, or point ANIWORLD_DATA_DIR at a folder.');
    case 'ENOSPC':
      throw problem('is on a full disk', 'free some space there.');
    default:
      throw problem(`cannot be used (${check.reason})`, 'point ANIWORLD_DATA_DIR at a writable local folder.');
  }
}
