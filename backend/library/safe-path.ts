import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from '../errors.ts';

/** A path would leave the media root (traversal, absolute path, symlink pointing outside). */
export class UnsafePathError extends AppError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(400, 'unsafe_path', `Refusing to use "${path}": ${reason}`);
    this.path = path;
  }
}

/** Most filesystems (ext4, btrfs, NTFS via SMB) allow 255 bytes per name component. */
export const MAX_NAME_BYTES = 255;

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * Bidirectional controls (U+202E turns "evil\u202Egpj.exe" into "evilexe.jpg" on screen) and the
 * byte-order mark: a name must read as it is.
 */
export const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Sonarr's "smart" colon: "Title: Sub" -> "Title - Sub", "Re:Zero" -> "Re-Zero". */
const REPLACEMENTS: readonly [RegExp, string][] = [
  [/\s*:\s+/g, ' - '],
  [/:/g, '-'],
  [/[/\\|]/g, '-'],
  [/"/g, "'"],
  [/[<>?*]/g, ''],
];

/**
 * Turns a name from the provider (a title, an episode name) into one safe path component:
 * no separators, no traversal, no control characters, nothing Windows/SMB refuses, at most
 * `maxBytes` of UTF-8 (cut on a character boundary). Never returns an empty name.
 */
export function sanitizeName(raw: string, maxBytes = MAX_NAME_BYTES): string {
  let name = raw.normalize('NFC').replace(CONTROL, '').replace(BIDI_CONTROL, '');
  for (const [pattern, replacement] of REPLACEMENTS) name = name.replace(pattern, replacement);
  name = name.replace(/\s+/g, ' ');
  name = trimEdges(truncateUtf8(trimEdges(name), maxBytes));
  if (name === '') return '_';
  if (RESERVED.test(name)) name = truncateUtf8(`_${name}`, maxBytes);
  return name;
}

/** Leading dots would hide the file (and "." / ".." traverse); trailing dots and spaces are dropped by Windows. */
function trimEdges(name: string): string {
  return name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
}

export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}

/**
 * Asserts that `target` (absolute, or relative to `root`) stays under `root`, both by its
 * resolved text and after following symlinks of its nearest existing ancestor. Returns the
 * absolute path. Throws UnsafePathError otherwise.
 */
export async function assertInsideRoot(root: string, target: string): Promise<string> {
  const absoluteRoot = resolve(root);
  const absolute = resolve(absoluteRoot, target);
  if (target.includes('\0')) throw new UnsafePathError(target, 'it contains a NUL character');
  if (!isWithin(absoluteRoot, absolute)) throw new UnsafePathError(target, 'it is outside the media folder');
  const realRoot = await realpath(absoluteRoot).catch(() => absoluteRoot);
  const existing = await nearestExisting(absolute);
  // When the root itself does not exist yet, the nearest existing folder lies above it: nothing to follow.
  if (existing !== undefined && isWithin(absoluteRoot, existing.path) && !isWithin(realRoot, existing.real)) {
    throw new UnsafePathError(target, 'a symbolic link leads outside the media folder');
  }
  return absolute;
}

/** True when `child` is `parent` itself or below it. */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function nearestExisting(path: string): Promise<{ path: string; real: string } | undefined> {
  let current = path;
  for (;;) {
    try {
      return { path: current, real: await realpath(current) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}
