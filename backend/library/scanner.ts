import { readdir, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isSeasonFolder, parseEpisodeFile, type EpisodeRef } from './episode-file.ts';
import { LEGACY_KEY_FILE, LINK_FILE } from './folder-link.ts';

/**
 * The directory walk. It only reads directory listings (readdir with file types); nothing is
 * stat'ed except symlinked entries. Sizes are left to the caller, which stats only files it has
 * not seen before.
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

/** Reads one series folder and its season subfolders. A folder that vanished reads as empty. */
export async function scanSeriesFolder(root: string, folder: string): Promise<SeriesFolderScan> {
  const path = join(root, folder);
  const episodes: FoundEpisode[] = [];
  let hasLinkFile = false;
  let hasKeyFile = false;
  const entries = await readdirOrEmpty(path);
  const subfolders: string[] = [];
  for (const entry of entries) {
    if (entry.name === LINK_FILE) hasLinkFile = true;
    else if (entry.name === LEGACY_KEY_FILE) hasKeyFile = true;
    else if (entry.isFile() || entry.isSymbolicLink()) collect(entry.name, entry.name, episodes);
    if ((entry.isDirectory() || entry.isSymbolicLink()) && isSeasonFolder(entry.name) && (await isDirectory(path, entry))) subfolders.push(entry.name);
  }
  for (const subfolder of subfolders) {
    for (const entry of await readdirOrEmpty(join(path, subfolder))) {
      if (entry.isFile() || entry.isSymbolicLink()) collect(entry.name, `${subfolder}/${entry.name}`, episodes);
    }
  }
  return { folder, episodes: dedupe(episodes), hasLinkFile, hasKeyFile, signature: signatureOf(episodes) };
}

function collect(name: string, file: string, into: FoundEpisode[]): void {
  const ref = parseEpisodeFile(name);
  if (ref) into.push({ ...ref, file });
}

/** Two files for one episode (two languages, a re-encode): the first by path wins, deterministically. */
function dedupe(episodes: FoundEpisode[]): FoundEpisode[] {
  episodes.sort((a, b) => a.season - b.season || a.number - b.number || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return episodes.filter((episode, index) => index === 0 || episodes[index - 1].season !== episode.season || episodes[index - 1].number !== episode.number);
}

function signatureOf(episodes: readonly FoundEpisode[]): string {
  if (episodes.length === 0) return '';
  const hash = createHash('sha1');
  for (const episode of episodes) hash.update(`${episode.file}\n`);
  return hash.digest('base64url').slice(0, 22);
}

async function readdirOrEmpty(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
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
