import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export interface LogFileOptions {
  readonly dir: string;
  readonly name?: string;
  /** Rotate when the current file would grow past this (default 10 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one (default 5). */
  readonly keep?: number;
}

export const LOG_FILE_NAME = 'aniworld.log';

/**
 * A pino destination that appends to `<dir>/aniworld.log` and rotates by size
 * (aniworld.log.1 is the newest old file). Writes are synchronous so that the last lines before
 * a crash are on disk; a failing disk turns file logging off instead of taking the process down.
 */
export class RotatingLogFile {
  readonly path: string;
  readonly #dir: string;
  readonly #name: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #fd: number | undefined;
  #size = 0;
  #failed = false;
  #closed = false;

  constructor(options: LogFileOptions) {
    this.#dir = options.dir;
    this.#name = options.name ?? LOG_FILE_NAME;
    this.#maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.#keep = options.keep ?? 5;
    this.path = join(this.#dir, this.#name);
  }

  write(chunk: string): void {
    // A line logged after shutdown must not create the folder again (the app may be removing it).
    if (this.#failed || this.#closed) return;
    try {
      const bytes = Buffer.byteLength(chunk);
      if (this.#fd === undefined) this.#open();
      else if (this.#size > 0 && this.#size + bytes > this.#maxBytes) this.#rotate();
      writeSync(this.#fd!, chunk);
      this.#size += bytes;
    } catch (error) {
      this.#failed = true;
      process.stderr.write(`AniWorld: writing ${this.path} failed (${(error as Error).message}); file logging is off until restart\n`);
    }
  }

  /** The current file first, then the rotated ones, newest to oldest. */
  files(): string[] {
    return logFiles(this.#dir, this.#name);
  }

  close(): void {
    this.#closeFile();
    this.#closed = true;
  }

  #closeFile(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): void {
    // Owner only, whatever the umask: log lines name series, folders and addresses.
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    this.#fd = openSync(this.path, 'a', 0o600);
    if ((fstatSync(this.#fd).mode & 0o077) !== 0) fchmodSync(this.#fd, 0o600);
    this.#size = statSync(this.path).size;
  }

  #rotate(): void {
    this.#closeFile();
    for (let index = this.#keep; index >= 1; index--) {
      const from = index === 1 ? this.path : `${this.path}.${index - 1}`;
      try {
        if (index === this.#keep) unlinkSync(`${this.path}.${index}`);
      } catch {
        /* nothing to drop yet */
      }
      try {
        renameSync(from, `${this.path}.${index}`);
      } catch {
        /* fewer files than keep */
      }
    }
    if (this.#keep === 0) unlinkSync(this.path);
    this.#open();
  }
}

export function logFiles(dir: string, name = LOG_FILE_NAME): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const rotated = entries
    .map((entry) => ({ entry, index: entry === name ? 0 : entry.startsWith(`${name}.`) ? Number(entry.slice(name.length + 1)) : Number.NaN }))
    .filter((file) => Number.isInteger(file.index) && file.index >= 0)
    .sort((a, b) => a.index - b.index);
  return rotated.map((file) => join(dir, file.entry));
}

const CHUNK = 64 * 1024;

/**
 * The last `lines` log entries (oldest first) at or above `minLevel` (pino's numbers), read
 * backwards from the newest file so that a big log costs only what is shown.
 * Stops after `maxScanBytes` so a filter that matches nothing cannot read gigabytes.
 */
export async function tailLogFiles(
  files: readonly string[],
  options: { lines: number; minLevel?: number; maxScanBytes?: number },
): Promise<Record<string, unknown>[]> {
  const wanted = options.lines;
  const minLevel = options.minLevel ?? 0;
  let budget = options.maxScanBytes ?? 32 * 1024 * 1024;
  const found: Record<string, unknown>[] = [];
  for (const file of files) {
    if (found.length >= wanted || budget <= 0) break;
    let handle;
    try {
      handle = await open(file, 'r');
    } catch {
      continue;
    }
    try {
      let position = (await handle.stat()).size;
      let carry = '';
      while (position > 0 && found.length < wanted && budget > 0) {
        const length = Math.min(CHUNK, position);
        position -= length;
        budget -= length;
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, position);
        const text = buffer.toString('utf8') + carry;
        const parts = text.split('\n');
        // The first part may be cut in the middle: keep it for the next (earlier) chunk.
        carry = position > 0 ? parts.shift()! : '';
        for (let index = parts.length - 1; index >= 0 && found.length < wanted; index--) collect(parts[index]);
      }
    } finally {
      await handle.close();
    }
  }
  return found.reverse();

  function collect(line: string) {
    if (!line.trim()) return;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof entry !== 'object' || entry === null) return;
    const level = Number((entry as { level?: unknown }).level ?? 0);
    if (level >= minLevel) found.push(entry as Record<string, unknown>);
  }
}
