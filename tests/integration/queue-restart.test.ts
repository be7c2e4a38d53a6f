import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { largeFileBytes } from '../../scripts/fixture-site/media.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { TEST_PASSWORD } from '../helpers/test-app.ts';
import { jsonApi } from '../helpers/json-api.ts';
import { waitUntil, writeQueueConfig } from './queue-helpers.ts';

const SIZE = 6_000_000;
const children: ChildProcess[] = [];
let site: FixtureSite | undefined;
let temp: { path: string; remove: () => Promise<void> } | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await site?.close();
  await temp?.remove();
});

/** The real server as its own process (`node backend/main.ts`), on port 0, answering once ready. */
async function startServer(root: string, providerUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'backend', 'main.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      ANIWORLD_DATA_DIR: join(root, 'data'),
      ANIWORLD_MEDIA_DIR: join(root, 'media'),
      ANIWORLD_PROVIDER_URL: providerUrl,
      ANIWORLD_WATCH: 'false',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'AniWorld is ready') resolve(entry.port);
      } catch {
        /* not a log line */
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready: ${stderr}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** The command line of every running process (Linux /proc). */
async function commandLines(): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const lines = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
  return lines.map((line) => line.replaceAll('\0', ' '));
}

async function login(url: string): Promise<string> {
  const status = await jsonApi(url, 'GET', '/api/auth/status');
  if (!status.configured) await jsonApi(url, 'POST', '/api/auth/setup', undefined, { master_password: TEST_PASSWORD });
  return (await jsonApi(url, 'POST', '/api/auth/login', undefined, { password: TEST_PASSWORD })).access_token;
}

describe('queue across a crash', () => {
  it('resumes a download with Range after the server was killed with SIGKILL, byte-identical', async () => {
    site = await startFixtureSite({ seriesCount: 0, largeFileBytes: SIZE, slowBytesPerSecond: 1_000_000 });
    temp = await makeTempDir();
    await writeQueueConfig(temp.path, { hosters: ['Vidoza'] });

    const first = await startServer(temp.path, site.url);
    let token = await login(first.url);
    const series = await jsonApi(first.url, 'POST', '/api/anime/add', token, { key: 'demo-academy' });
    const added = await jsonApi(first.url, 'POST', '/api/queue/add', token, {
      serie_id: 'demo-academy',
      serie_folder: series.folder,
      serie_name: series.name,
      episodes: [{ season: 1, episode: 1 }],
    });
    const id = added.item_ids[0];

    const status = await jsonApi(first.url, 'GET', '/api/queue/status', token);
    expect(status.is_running).toBe(true);
    await waitUntil(
      async () => {
        const queued = await jsonApi(first.url, 'GET', `/api/queue/${id}`, token);
        return queued.status === 'downloading' && queued.progress.downloaded_bytes > 1_000_000;
      },
      'a megabyte in the .part',
      60_000,
    );
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const target = join(temp.path, 'media', series.folder, 'Season 01');
    const partName = (await readdir(target)).find((name) => name.endsWith('.mp4.part'));
    expect(partName).toBeDefined();
    // Nothing the dead server started (curl) may go on writing the .part the next one resumes.
    await waitUntil(async () => !(await commandLines()).some((line) => line.includes(partName!)), 'no process left writing the .part', 10_000);
    const kept = (await stat(join(target, partName!))).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(SIZE);

    site.controls.slowBytesPerSecond = 0;
    const before = site.stats.requests.length;
    const second = await startServer(temp.path, site.url);
    token = await login(second.url);
    const done = await waitUntil(
      async () => {
        const item = await jsonApi(second.url, 'GET', `/api/queue/${id}`, token);
        if (item.status === 'failed') throw new Error(`download failed: ${item.error}`);
        return item.status === 'completed' ? item : undefined;
      },
      'the resumed download to complete',
      60_000,
    );

    const media = site.stats.requests.slice(before).filter((request) => request.path.startsWith('/media/mp4/'));
    expect(media.length).toBeGreaterThan(0);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(String(media[0].headers.range))?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(kept);
    expect(media.every((request) => request.headers.range !== undefined)).toBe(true);
    expect(done.file_path).toBe(join(target, partName!.replace(/\.part$/, '')));
    expect((await readFile(done.file_path)).equals(largeFileBytes(0, SIZE))).toBe(true);

    const stopped = new Promise((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 180_000);
});
