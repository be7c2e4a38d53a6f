import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { inContext } from '../../backend/db/context.ts';

/**
 * A data folder that already exists with 0755 (every Docker volume) and a umask of 000: every
 * file the app keeps there ends up 0600 and every folder 0700, including SQLite's -wal/-shm,
 * backups and logs, and files an older release left 0644. A media folder inside it is not touched.
 */

let temp: { path: string; remove: () => Promise<void> };
let app: TestApp;
let previousUmask: number;
const dataDir = () => join(temp.path, 'data');
const mediaDir = () => join(temp.path, 'data', 'media');

async function walk(folder: string, skip: string): Promise<{ path: string; mode: number; folder: boolean }[]> {
  const found: { path: string; mode: number; folder: boolean }[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (path === skip) continue;
    found.push({ path, mode: (await stat(path)).mode & 0o777, folder: entry.isDirectory() });
    if (entry.isDirectory()) found.push(...(await walk(path, skip)));
  }
  return found;
}

beforeAll(async () => {
  previousUmask = process.umask(0o000);
  temp = await makeTempDir();
  await mkdir(dataDir(), { mode: 0o755 });
  await chmod(dataDir(), 0o755);
  await mkdir(mediaDir(), { mode: 0o755 });
  await writeFile(join(mediaDir(), 'episode.mkv'), 'video', { mode: 0o644 });
  // What an older release left behind.
  await writeFile(join(dataDir(), 'config.json'), '{}\n', { mode: 0o644 });
  await mkdir(join(dataDir(), 'logs'), { mode: 0o755 });
  await writeFile(join(dataDir(), 'logs', 'aniworld.log.1'), '', { mode: 0o644 });
  app = await startTestApp({ root: temp.path, env: { ANIWORLD_MEDIA_DIR: mediaDir() } });
  const token = await app.login();
  await app.request('POST', '/api/webhooks', {
    token,
    body: { name: 'hook', url: 'http://127.0.0.1:9/hook', kind: 'json', events: ['test'], secret: 'webhook-secret' },
  });
  await app.request('PUT', '/api/config', { token, body: { downloads: { concurrency: 3 } } });
  await inContext(app.running.orm, () => app.running.services.backups.create());
  await app.request('GET', '/api/system/logs', { token });
});
afterAll(async () => {
  await app?.dispose();
  process.umask(previousUmask);
});

describe('file modes in a pre-existing 0755 data folder with umask 000', () => {
  it('keeps every database, WAL, SHM, config, key, backup and log 0600 and every folder 0700', async () => {
    expect((await stat(dataDir())).mode & 0o777).toBe(0o700);
    const entries = await walk(dataDir(), mediaDir());
    const names = entries.map((entry) => entry.path.slice(dataDir().length + 1));
    for (const expected of [
      'aniworld.db',
      'aniworld.db-wal',
      'aniworld.db-shm',
      'jobs.db',
      'jobs.db-wal',
      'jobs.db-shm',
      'config.json',
      'secret.key',
      'logs',
      'logs/aniworld.log',
      'logs/aniworld.log.1',
      'backups',
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.some((name) => /^backups\/aniworld-.*-manual\.db$/.test(name))).toBe(true);
    expect(names.some((name) => /^backups\/config-.*\.json$/.test(name))).toBe(true);
    const wrong = entries.filter((entry) => entry.mode !== (entry.folder ? 0o700 : 0o600)).map((entry) => `${entry.path} ${entry.mode.toString(8)}`);
    expect(wrong).toEqual([]);
    console.info(`file modes: ${entries.length} files and folders checked in the data folder, ${wrong.length} wrong`);
  });

  it('leaves the media folder and its files to the UMASK', async () => {
    expect((await stat(mediaDir())).mode & 0o777).toBe(0o755);
    expect((await stat(join(mediaDir(), 'episode.mkv'))).mode & 0o777).toBe(0o644);
  });
});
