import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { largeFileBytes } from '../../scripts/fixture-site/media.ts';
import { waitUntil } from '../integration/queue-helpers.ts';
import { jsonApi } from '../helpers/json-api.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { TEST_PASSWORD } from '../helpers/test-app.ts';
import { layOutImage } from './image-layout.ts';

/**
 * The image without a Docker engine: the runtime stage's files laid out in a temp root, the
 * Dockerfile's ENV, ENTRYPOINT (tini when installed) and CMD, started the way `docker run` does
 * (as root, so the entrypoint applies PUID/PGID/UMASK and drops privileges; or as `--user`).
 * Not covered here: apt packages of the image, the real build stages, Docker's HEALTHCHECK runner.
 */
const isRoot = process.getuid?.() === 0;
const TINI = '/usr/bin/tini';

let temp: { path: string; remove: () => Promise<void> };
let site: FixtureSite | undefined;
let image: ReturnType<typeof layOutImage>;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  temp = await makeTempDir('aniworld-image-');
  chmodSync(temp.path, 0o755);
  image = layOutImage(temp.path);
}, 120_000);

afterAll(async () => {
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch { /* already gone */ }
  }
  await site?.close();
  await temp?.remove();
});

interface Container {
  readonly child: ChildProcess;
  readonly ready: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stdout: string[];
  readonly stderr: () => string;
}

function volumes(name: string, owner?: { uid: number; gid: number }): { config: string; media: string } {
  const base = join(temp.path, 'volumes', name);
  const media = join(base, 'media');
  mkdirSync(media, { recursive: true, mode: 0o755 });
  chmodSync(dirname(base), 0o755);
  chmodSync(base, 0o755);
  if (owner) chownSync(media, owner.uid, owner.gid);
  return { config: join(base, 'config'), media };
}

function run(env: Record<string, string>, user?: { uid: number; gid: number }): Container {
  const entrypoint = existsSync(TINI) ? image.entrypoint : image.entrypoint.slice(image.entrypoint.indexOf('--') + 1);
  const [file, ...args] = [...entrypoint, ...image.cmd];
  const child = spawn(file, args, {
    cwd: image.workdir,
    env: { ...image.env, PATH: `${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`, HOST: '127.0.0.1', PORT: '0', ANIWORLD_PROVIDER_URL: 'http://127.0.0.1:9', ANIWORLD_WATCH: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: cleanup can kill tini and the app below it together.
    detached: true,
    uid: user?.uid,
    gid: user?.gid,
  });
  children.add(child);
  const stdout: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += String(chunk); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => { children.delete(child); resolve({ code, signal }); }));
  const ready = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'AniWorld is ready') resolve(entry.port!);
      } catch { /* not JSON */ }
    });
    void exited.then(({ code }) => reject(new Error(`exited with ${code} before it was ready:\n${stderr}\n${stdout.join('\n')}`)));
  });
  // Tests that expect a refusal never await `ready`: keep its rejection from going unhandled.
  ready.catch(() => undefined);
  return { child, ready, exited, stdout, stderr: () => stderr };
}

/** Resolves when the process is gone; rejects after `ms` (the container's stop timeout). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

/** The app's own process: the spawned one, or below tini (which stays root as PID 1 does in the image). */
function appPid(pid: number): number {
  const [program, script] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  if (program.endsWith('node') && script === 'backend/main.ts') return pid;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  for (const child of children) {
    const found = appPid(child);
    if (found) return found;
  }
  return 0;
}
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${appPid(pid)}/status`, 'utf8'))![1]);
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('container image (reproduced without Docker)', () => {
  it('ships no test files and has the production dependencies only', () => {
    expect(existsSync(join(image.workdir, 'backend', 'main.ts'))).toBe(true);
    expect(existsSync(join(image.workdir, 'node_modules', 'koa'))).toBe(true);
    for (const dev of ['vitest', 'vite', 'typescript', 'playwright-core', 'lit']) expect(existsSync(join(image.workdir, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(image.workdir, 'tests'))).toBe(false);
  });

  it.runIf(isRoot)('starts as root, drops to PUID/PGID with UMASK, serves /health, and stops cleanly on SIGTERM within 8 s', async () => {
    const { config, media } = volumes('root-start', { uid: 99, gid: 100 });
    const container = run({ ANIWORLD_DATA_DIR: config, ANIWORLD_MEDIA_DIR: media, PUID: '99', PGID: '100', UMASK: '027' });
    const port = await within(container.ready, 60_000, 'start-up');
    const base = `http://127.0.0.1:${port}`;

    expect(uidOf(container.child.pid!)).toBe(99);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
    const setup = await fetch(`${base}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ master_password: TEST_PASSWORD }) });
    expect(setup.status).toBe(201);

    for (const path of [config, join(config, 'secret.key'), join(config, 'aniworld.db'), join(config, 'logs', 'aniworld.log')]) {
      expect(statSync(path).uid, path).toBe(99);
      expect(statSync(path).gid, path).toBe(100);
    }
    expect(modeOf(join(config, 'secret.key'))).toBe(0o600);
    // The app keeps its own files owner-only whatever the umask (only media files follow UMASK).
    expect(modeOf(join(config, 'aniworld.db'))).toBe(0o600);
    expect(modeOf(join(config, 'logs', 'aniworld.log'))).toBe(0o600);

    container.child.kill('SIGTERM');
    const exit = await within(container.exited, 8000, 'shutdown after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(container.stdout.some((line) => line.includes('"shutting down"'))).toBe(true);

    const db = new Database(join(config, 'aniworld.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('select count(*) as n from credential').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
    expect(existsSync(join(config, 'aniworld.db-wal')) ? statSync(join(config, 'aniworld.db-wal')).size : 0).toBe(0);

    // `docker exec aniworld aniworld ...` runs as root with the container's environment: the
    // command switches to PUID/PGID itself, so what it writes stays the app's.
    const cli = spawnSync(process.execPath, [join(image.workdir, 'scripts', 'aniworld.mjs'), 'backup', 'create', '--json'], {
      cwd: image.workdir,
      env: { ...image.env, PATH: `${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`, ANIWORLD_DATA_DIR: config, ANIWORLD_MEDIA_DIR: media, PUID: '99', PGID: '100', UMASK: '027' },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    for (const backup of JSON.parse(cli.stdout) as { name: string }[]) {
      expect(statSync(join(config, 'backups', backup.name)).uid, backup.name).toBe(99);
    }
  }, 90_000);

  it.runIf(isRoot)('refuses to start on a volume PUID cannot write, saying exactly how to fix it', async () => {
    const { config, media } = volumes('not-writable');
    const container = run({ ANIWORLD_DATA_DIR: config, ANIWORLD_MEDIA_DIR: media, PUID: '99', PGID: '100' });
    const exit = await within(container.exited, 20_000, 'the permission check');
    expect(exit.code).toBe(1);
    expect(container.stderr()).toContain(`the media (/media) folder ${media} is not writable for uid 99 / gid 100`);
    expect(container.stderr()).toContain('chown -R 99:100');
    expect(container.stderr()).toContain('Unraid');
    expect(container.stdout).toHaveLength(0);
  });

  it.runIf(isRoot)('without the entrypoint (npm start), a permission error still names the fix', async () => {
    const { config } = volumes('plain-node');
    const result = spawnSync(process.execPath, ['backend/main.ts'], { cwd: image.workdir, env: { PATH: process.env.PATH, ANIWORLD_DATA_DIR: join(config, 'data'), PORT: '0', HOST: '127.0.0.1' }, uid: 99, gid: 100, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`may not write ${config}`);
    expect(result.stderr).toContain('sudo chown -R 99:100');
  }, 120_000);

  it.runIf(isRoot)('runs under --user without switching, and names that user in the fix', async () => {
    const denied = volumes('user-denied');
    mkdirSync(denied.config, { mode: 0o755 });
    const refused = run({ ANIWORLD_DATA_DIR: denied.config, ANIWORLD_MEDIA_DIR: denied.media }, { uid: 1234, gid: 1234 });
    expect((await within(refused.exited, 20_000, 'the permission check')).code).toBe(1);
    expect(refused.stderr()).toContain('--user 1234:1234');
    expect(refused.stderr()).toContain(`data (/config) folder ${denied.config}`);

    const allowed = volumes('user-allowed', { uid: 1234, gid: 1234 });
    mkdirSync(allowed.config);
    chownSync(allowed.config, 1234, 1234);
    const container = run({ ANIWORLD_DATA_DIR: allowed.config, ANIWORLD_MEDIA_DIR: allowed.media }, { uid: 1234, gid: 1234 });
    const port = await within(container.ready, 60_000, 'start-up');
    expect(uidOf(container.child.pid!)).toBe(1234);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    container.child.kill('SIGTERM');
    expect((await within(container.exited, 8000, 'shutdown after SIGTERM')).code).toBe(0);
  }, 90_000);

  it.runIf(isRoot)('SIGTERM during a download exits cleanly; the next start resumes it with Range, files owned by PUID with UMASK', async () => {
    const SIZE = 6_000_000;
    site = await startFixtureSite({ seriesCount: 0, largeFileBytes: SIZE, slowBytesPerSecond: 1_000_000 });
    const { config, media } = volumes('download', { uid: 99, gid: 100 });
    mkdirSync(config);
    // Root writes it here; the entrypoint hands /config to PUID:PGID before the app starts.
    await writeFile(join(config, 'config.json'), JSON.stringify({ provider: { requests_per_second: 50 }, downloads: { hosters: ['Vidoza'], max_attempts: 2 } }));
    const env = { ANIWORLD_DATA_DIR: config, ANIWORLD_MEDIA_DIR: media, ANIWORLD_PROVIDER_URL: site.url, PUID: '99', PGID: '100', UMASK: '027' };

    const first = run(env);
    let api = client(`http://127.0.0.1:${await within(first.ready, 60_000, 'start-up')}`);
    await api('POST', '/api/auth/setup', { master_password: TEST_PASSWORD });
    await api.login();
    const series = await api('POST', '/api/anime/add', { key: 'demo-academy' });
    const id = (await api('POST', '/api/queue/add', { serie_id: 'demo-academy', serie_folder: series.folder, serie_name: series.title, episodes: [{ season: 1, episode: 1 }] })).item_ids[0];
    await waitUntil(async () => {
      const item = await api('GET', `/api/queue/${id}`);
      return item.status === 'downloading' && item.progress.downloaded_bytes > 1_000_000;
    }, 'a megabyte in the .part', 30_000);

    first.child.kill('SIGTERM');
    expect(await within(first.exited, 8000, 'shutdown after SIGTERM during a download')).toEqual({ code: 0, signal: null });
    const season = join(media, series.folder, 'Season 01');
    const part = (await readdir(season)).find((name) => name.endsWith('.part'));
    expect(part).toBeDefined();
    const kept = statSync(join(season, part!)).size;
    expect(kept).toBeGreaterThan(0);
    expect(statSync(join(season, part!)).uid).toBe(99);
    expect(statSync(season).uid).toBe(99);
    // Folders 0777 & ~027.
    expect(modeOf(season)).toBe(0o750);

    site.controls.slowBytesPerSecond = 0;
    const before = site.stats.requests.length;
    const second = run(env);
    api = client(`http://127.0.0.1:${await within(second.ready, 60_000, 'start-up')}`);
    await api.login();
    const done = await waitUntil(async () => {
      const item = await api('GET', `/api/queue/${id}`);
      if (item.status === 'failed') throw new Error(`download failed: ${item.error}`);
      return item.status === 'completed' ? item : undefined;
    }, 'the resumed download', 30_000);
    const ranges = site.stats.requests.slice(before).filter((request) => request.path.startsWith('/media/mp4/')).map((request) => String(request.headers.range));
    expect(Number(/^bytes=(\d+)-$/.exec(ranges[0])?.[1])).toBeGreaterThanOrEqual(kept);
    expect(readFileSync(done.file_path).equals(largeFileBytes(0, SIZE))).toBe(true);
    expect(statSync(done.file_path).uid).toBe(99);
    expect(modeOf(done.file_path)).toBe(0o640);

    second.child.kill('SIGTERM');
    expect((await within(second.exited, 8000, 'shutdown after SIGTERM')).code).toBe(0);
  }, 120_000);
});

/** A tiny JSON client for one container, holding the session token once logged in. */
function client(base: string) {
  let token: string | undefined;
  const call = (method: string, path: string, body?: unknown): Promise<any> => jsonApi(base, method, path, token, body);
  return Object.assign(call, {
    async login() {
      token = (await call('POST', '/api/auth/login', { password: TEST_PASSWORD })).access_token;
    },
  });
}
