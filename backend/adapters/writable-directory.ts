import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Creates the folder if needed and proves we can write into it; returns a reason when we cannot. */
export async function checkWritableDirectory(path: string, mode?: number): Promise<{ ok: true } | { ok: false; reason: string; code?: string }> {
  try {
    await mkdir(path, { recursive: true, mode });
    const probe = join(path, `.aniworld-write-test-${randomBytes(4).toString('hex')}`);
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
    return { ok: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the filesystem is read-only'
          : code === 'ENOTDIR' || code === 'EEXIST'
            ? 'a file with that name is in the way'
            : (error as Error).message;
    return { ok: false, reason, code };
  }
}
