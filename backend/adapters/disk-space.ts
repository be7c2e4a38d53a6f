import { statfs } from 'node:fs/promises';

/** What the queue asks the disk (a port, so that a test can fill it). */
export interface DiskSpace {
  freeBytes(path: string): Promise<number>;
}

export const systemDisk: DiskSpace = { freeBytes: (path) => freeBytes(path) };

/** Bytes an unprivileged process may still write on the filesystem that holds `path`. */
export async function freeBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** Whether an error (or its cause) says the disk or the user's quota is full. */
export function isDiskFull(error: unknown): boolean {
  for (
    let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    current && depth < 5;
    current = current.cause as typeof current, depth++
  ) {
    if (current.code === 'ENOSPC' || current.code === 'EDQUOT') return true;
  }
  return false;
}
