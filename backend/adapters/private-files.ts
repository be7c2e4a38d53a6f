import { chmod, lstat, open, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

/** Files in the data folder hold the password hash, sessions, webhook secrets and the key: owner only. */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_FOLDER = 0o700;

function isLoose(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

function inside(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (!rest.startsWith('..') && !rest.startsWith(sep) && rest !== '..');
}

/**
 * Creates `path` empty at 0600 when it is missing and tightens it when it exists. Done for the
 * SQLite files before they are opened: SQLite gives a database's -wal, -shm and journal the
 * mode of the database file itself, whatever the umask.
 */
export async function ensurePrivateFile(path: string): Promise<void> {
  const handle = await open(path, 'a', PRIVATE_FILE);
  try {
    if (isLoose((await handle.stat()).mode)) await handle.chmod(PRIVATE_FILE);
  } finally {
    await handle.close();
  }
}

/** chmod to `mode` when group or others have any access; false when the owner is someone else. */
export async function tighten(path: string, mode: number): Promise<boolean> {
  try {
    const info = await lstat(path);
    if (!info.isSymbolicLink() && isLoose(info.mode)) await chmod(path, mode);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return false;
    throw error;
  }
}

/**
 * Brings a data folder that already exists (every Docker volume, every upgrade) to 0700 folders
 * and 0600 files, so nothing written before, or by an older release, stays world-readable.
 * A media folder inside the data folder is left alone: media files follow UMASK. Symlinks are
 * not followed. Returns what could not be changed (owned by another user).
 */
export async function tightenDataFolder(dataDir: string, options: { skip?: readonly string[] } = {}): Promise<string[]> {
  const skip = (options.skip ?? []).map((path) => resolve(path));
  const refused: string[] = [];
  const pending: { path: string; depth: number }[] = [{ path: resolve(dataDir), depth: 0 }];
  while (pending.length > 0) {
    const { path, depth } = pending.pop()!;
    if (skip.some((folder) => inside(path, folder))) continue;
    let info;
    try {
      info = await lstat(path);
    } catch {
      continue;
    }
    if (info.isSymbolicLink()) continue;
    if (!(await tighten(path, info.isDirectory() ? PRIVATE_FOLDER : PRIVATE_FILE))) refused.push(path);
    if (info.isDirectory() && depth < 6) {
      for (const entry of await readdir(path).catch(() => [] as string[])) pending.push({ path: join(path, entry), depth: depth + 1 });
    }
  }
  return refused;
}
