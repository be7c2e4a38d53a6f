import { link, lstat, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isVideoFile } from './episode-file.ts';

/**
 * Moving episode files to a new name without ever replacing another file: the video and the
 * files that belong to it by name (subtitles, NFO, thumbnails).
 */

/** The move target exists already; nothing was changed. */
export class TargetExistsError extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`"${path}" exists already`);
    this.path = path;
  }
}

/** Where a hard link is not possible (FAT, some network shares), a checked rename is used instead. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);

/**
 * Files next to a video that carry its base name followed by "." or "-": `Name.srt`,
 * `Name.en.forced.ass`, `Name.nfo`, `Name-thumb.jpg` (Kodi). Other videos (a second episode
 * whose name starts the same way) and unfinished downloads (`*.part`) are not companions.
 * Returns the companion names with the suffix that follows the base name.
 */
export function companionFiles(videoName: string, namesInFolder: readonly string[]): { name: string; suffix: string }[] {
  const stem = stemOf(videoName);
  // "A-B.srt" belongs to "A-B.mkv", not to "A.mkv": the longest video name that fits wins.
  const longerStems = namesInFolder
    .filter((name) => isVideoFile(name) && name !== videoName)
    .map(stemOf)
    .filter((other) => other.length > stem.length && startsWithName(other, stem));
  const companions: { name: string; suffix: string }[] = [];
  for (const name of namesInFolder) {
    if (name === videoName || !startsWithName(name, stem)) continue;
    if (isVideoFile(name) || name.toLowerCase().endsWith('.part')) continue;
    if (longerStems.some((other) => startsWithName(name, other))) continue;
    companions.push({ name, suffix: name.slice(stem.length) });
  }
  return companions.sort((a, b) => a.name.localeCompare(b.name));
}

function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** `name` is `stem` followed by "." or "-" and more. */
function startsWithName(name: string, stem: string): boolean {
  if (name.length <= stem.length || !name.startsWith(stem)) return false;
  const next = name[stem.length];
  return next === '.' || next === '-';
}

/** True when both paths name the same file (a case-only rename on a case-insensitive filesystem). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino;
}

export async function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Moves `from` to `to`, creating the target folder. Never replaces an existing file: a hard
 * link fails when the target exists (atomically, no window for a race), then the old name is
 * removed. Where hard links are not possible, the target is checked and the file renamed.
 * Throws TargetExistsError when the target is taken.
 */
export async function moveWithoutOverwrite(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') {
      if (!(await sameFile(from, to))) throw new TargetExistsError(to);
      await rename(from, to);
      return;
    }
    if (!NO_HARD_LINKS.has(code)) throw error;
    if ((await pathExists(to)) && !(await sameFile(from, to))) throw new TargetExistsError(to);
    await rename(from, to);
    return;
  }
  await unlink(from);
}
