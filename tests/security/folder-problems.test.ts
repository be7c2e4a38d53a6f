import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startServerProcess } from '../helpers/server-process.ts';

/**
 * Data and media folders that cannot be used: start-up ends with the folder, the uid:gid and the
 * fix; health reports a media folder downloads cannot land in. Read-only cases mount a real
 * read-only tmpfs, which needs root (skipped with a message otherwise).
 */

const isRoot = process.getuid?.() === 0;
let temp: { path: string; remove: () => Promise<void> };
let app: TestApp | undefined;
const mounted: string[] = [];

function mountReadOnly(path: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', path], { stdio: 'ignore' });
    mounted.push(path);
    return true;
  } catch {
    return false;
  }
}

beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await app?.dispose();
  app = undefined;
  for (const path of mounted.splice(0)) execFileSync('umount', [path]);
  await temp.remove();
});

describe('start-up with an unusable data folder', () => {
  it('names a file in the way of the folder, the uid:gid and the fix', async () => {
    await writeFile(join(temp.path, 'data'), 'not a folder');
    const user = `${process.getuid!()}:${process.getgid!()}`;
    await expect(startTestApp({ root: temp.path })).rejects.toThrow(
      `The data folder ${join(temp.path, 'data')} (ANIWORLD_DATA_DIR; /config in Docker) cannot be made: a file is in the way of the folder. AniWorld runs as uid:gid ${user}. Fix: move that file away`,
    );
  });

  it('names a read-only data folder', async (context) => {
    await mkdir(join(temp.path, 'data'));
    if (!isRoot || !mountReadOnly(join(temp.path, 'data'))) return context.skip('needs root to mount a read-only tmpfs');
    await expect(startTestApp({ root: temp.path })).rejects.toThrow(
      /The data folder .* is on a read-only filesystem\. AniWorld runs as uid:gid \d+:\d+\. Fix: mount it read-write/,
    );
  });

  it('names the owner problem when the process may not write the folder', async (context) => {
    if (!isRoot) return context.skip('needs root to start the server as another user');
    await chmod(temp.path, 0o755);
    await mkdir(join(temp.path, 'data'), { mode: 0o700 });
    // Starts the server as nobody and answers why it refused to start.
    const startAsNobody = () =>
      startServerProcess({
        cwd: temp.path,
        uid: 65534,
        gid: 65534,
        env: { ANIWORLD_DATA_DIR: join(temp.path, 'data'), ANIWORLD_MEDIA_DIR: join(temp.path, 'media'), ANIWORLD_WATCH: 'false' },
      }).then(
        () => undefined,
        (error: Error) => error.message,
      );
    const failed = await startAsNobody();
    // The settings file is the first thing read there.
    expect(failed).toContain(
      `${join(temp.path, 'data', 'config.json')}: cannot be read by uid:gid 65534:65534, the user AniWorld runs as. Fix: sudo chown -R 65534:65534 ${join(temp.path, 'data')}`,
    );
    // With no settings file to read, the folder check names the folder itself.
    await chmod(join(temp.path, 'data'), 0o755);
    const unwritable = await startAsNobody();
    expect(unwritable).toContain(
      `AniWorld could not start: The data folder ${join(temp.path, 'data')} (ANIWORLD_DATA_DIR; /config in Docker) is not writable for uid:gid 65534:65534. AniWorld runs as uid:gid 65534:65534. Fix: sudo chown -R 65534:65534 ${join(temp.path, 'data')}`,
    );
    expect(unwritable).not.toMatch(/\n\s+at /);
    expect(failed).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('health of the media folder', () => {
  it('reports a read-only media folder as a problem', async (context) => {
    const media = join(temp.path, 'media');
    await mkdir(media);
    if (!isRoot || !mountReadOnly(media)) return context.skip('needs root to mount a read-only tmpfs');
    app = await startTestApp({ root: temp.path });
    const health = await app.request('GET', '/api/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.storage).toMatchObject({ status: 'degraded', media_writable: false });
    expect(health.body.storage.warnings).toContain(
      `The media folder ${media} is on a read-only filesystem: downloads cannot be saved. Mount it read-write (Docker: remove ":ro" from the volume).`,
    );
  });

  it('reports a full media folder as a problem', async () => {
    app = await startTestApp({ root: temp.path, start: { minFreeMediaBytes: Number.MAX_SAFE_INTEGER } });
    const health = await app.request('GET', '/api/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.storage).toMatchObject({ status: 'degraded', media_writable: true, media_free_bytes: expect.any(Number) });
    expect(health.body.storage.warnings.join('\n')).toMatch(/The media folder .* is full \(\d+ MiB free\): downloads stop until space is freed\./);
  });

  it('is ok for a writable media folder with room', async () => {
    app = await startTestApp({ root: temp.path });
    const health = await app.request('GET', '/api/health');
    expect(health.body.storage).toMatchObject({ status: 'ok', media_writable: true });
  });
});
