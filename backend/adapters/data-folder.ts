import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderEntry { readonly name: string; readonly size: number; readonly mode: string }

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
