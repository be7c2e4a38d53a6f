import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { largeFileBytes } from '../../scripts/fixture-site/media.ts';
import { filesLeftOutOfImage } from './dockerfile.ts';
import { jsonApi } from '../helpers/json-api.ts';
import { TEST_PASSWORD } from '../helpers/test-app.ts';
import { waitUntil } from '../integration/queue-helpers.ts';
import { execForm, parseDockerfile } from './dockerfile.ts';
import { REPO, baseImage, buildImage, checkoutTag, Container, podman, podmanOk, podmanUnavailable, run, volumeRoot } from './podman.ts';
import { freePort } from '../helpers/free-port.ts';

/**
 * The image as users get it: built from the Dockerfile with podman (scripts/podman has the
 * runtime wrapper and the node:24-bookworm-slim stand-in), run with /config and /media bind
 * mounts the way a NAS runs it, and checked from the outside: health, the HEALTHCHECK command,
 * tini, PUID/PGID/UMASK, the CLI through exec, a stop during a download and its resume, an
 * upgrade from the previous image, a read-only and a full /media, --user, the base path, and the
 * anti-bot solver's browser.
 *
 * "The previous image" is built from the commit before the newest database migration was
 * added (found in git history), so the upgrade always crosses a real migration.
 */
const unavailable = await podmanUnavailable();
if (unavailable) console.warn(`tests/container/image.test.ts skipped: ${unavailable}`);

const PUID = 1234;
const PGID = 1235;
const SIZE = 6_000_000;
const IMAGE = checkoutTag('aniworld-test');
const dockerfile = parseDockerfile();
const runtimeStage = dockerfile.stages.at(-1)!;

let volumes: Awaited<ReturnType<typeof volumeRoot>>;
let site: FixtureSite;
const containers: Container[] = [];

async function start(options: Parameters<typeof Container.start>[1]): Promise<Container> {
  const container = await Container.start(IMAGE, options);
  containers.push(container);
  return container;
}

/** Host folders for /config and /media; media belongs to PUID:PGID like a share on the NAS. */
function folders(name: string, owner = { uid: PUID, gid: PGID }): { config: string; media: string; mounts: string[] } {
  const config = join(volumes.path, name, 'config');
  const media = join(volumes.path, name, 'media');
  mkdirSync(config, { recursive: true });
  mkdirSync(media, { recursive: true });
  chownSync(media, owner.uid, owner.gid);
  return { config, media, mounts: [`${config}:/config`, `${media}:/media`] };
}

/** Fast provider, two download attempts, the hosters a test asks for (root writes it; the entrypoint hands /config over). */
async function writeConfig(config: string, hosters: string[]): Promise<void> {
  await writeFile(join(config, 'config.json'), JSON.stringify({ provider: { requests_per_second: 50 }, downloads: { hosters, max_attempts: 2 } }));
}

function client(base: string) {
  let token: string | undefined;
  const call = (method: string, path: string, body?: unknown): Promise<any> => jsonApi(base, method, path, token, body);
  return Object.assign(call, {
    async setUpAndLogIn() {
      await call('POST', '/api/auth/setup', { master_password: TEST_PASSWORD });
      await this.logIn();
    },
    async logIn() {
      token = (await call('POST', '/api/auth/login', { password: TEST_PASSWORD })).access_token;
    },
    async queueEpisode(key: string, season: number, episode: number): Promise<{ id: string; folder: string }> {
      const series = await call('POST', '/api/anime/add', { key });
      const queued = await call('POST', '/api/queue/add', {
        serie_id: key,
        serie_folder: series.folder,
        serie_name: series.name,
        episodes: [{ season, episode }],
      });
      return { id: queued.item_ids[0], folder: series.folder };
    },
  });
}

const modeOf = (path: string) => statSync(path).mode & 0o777;
const env = (extra: Record<string, string> = {}) => ({
  ANIWORLD_PROVIDER_URL: site.url,
  ANIWORLD_WATCH: 'false',
  PUID: String(PUID),
  PGID: String(PGID),
  UMASK: '027',
  ...extra,
});

describe.skipIf(unavailable)('the Docker image, built and run with podman', () => {
  beforeAll(async () => {
    volumes = await volumeRoot();
    site = await startFixtureSite({ seriesCount: 0, largeFileBytes: SIZE });
    const base = await baseImage();
    const { seconds } = await buildImage(REPO, IMAGE, base);
    const layers = await podmanOk('history', '--format', '{{.Size}}\t{{.CreatedBy}}', IMAGE);
    console.info(
      `image ${IMAGE} built in ${seconds.toFixed(0)} s, ${await podmanOk('image', 'inspect', '--format', '{{.Size}}', IMAGE)} bytes; layers:\n${layers
        .split('\n')
        .filter((line) => !line.startsWith('0 B'))
        .map((line) => `  ${line.slice(0, 110)}`)
        .join('\n')}`,
    );
  }, 40 * 60_000);

  afterAll(async () => {
    await Promise.all(containers.map((container) => container.remove()));
    for (const path of [...mounted]) await unmount(path);
    await site?.close();
    await volumes?.remove();
  }, 120_000);

  it('ships the production install only, for this platform, and an ffmpeg that works', async () => {
    const listing = await podmanOk(
      'run',
      '--rm',
      '--network=host',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      [
        'ls /app/node_modules | tr "\\n" " "; echo',
        'ls /app/node_modules/better-sqlite3 /app/node_modules/better-sqlite3/prebuilds /app/node_modules/bcrypt/prebuilds | tr "\\n" " "; echo',
        'ls /app | tr "\\n" " "; echo; ffmpeg -hide_banner -version | head -1',
      ].join('; '),
    );
    const [modules, native, app, ffmpeg] = listing.split('\n');
    for (const dev of ['vitest', 'vite', 'typescript', 'lit', 'mongodb-memory-server-core', '@types']) expect(modules.split(' '), dev).not.toContain(dev);
    for (const runtime of ['koa', 'better-sqlite3', 'agenda', '@agendajs', 'pino']) expect(modules.split(' '), runtime).toContain(runtime);
    expect(native).toContain('linux-x64.node');
    for (const gone of ['deps', 'src', 'darwin-arm64.node', 'win32-x64.node', 'linuxmusl-x64.node', 'darwin-x64'])
      expect(native.split(' '), gone).not.toContain(gone);
    expect(app.split(' ')).not.toContain('tests');
    expect(ffmpeg).toMatch(/^ffmpeg version /);

    // The embedded MongoDB store is a development tool: the image says so instead of crashing.
    // (as root inside: the anonymous volumes podman makes for /config and /media belong to root)
    const memory = await podman(
      'run',
      '--rm',
      '--network=host',
      '--env',
      'JOBS_STORE=mongodb-memory',
      '--env',
      'PUID=0',
      '--env',
      'PGID=0',
      '--env',
      `PORT=${await freePort()}`,
      IMAGE,
    );
    expect(memory.code).not.toBe(0);
    expect(memory.stdout + memory.stderr).toContain('leaves mongodb-memory-server out');
  }, 120_000);

  it('starts healthy as PUID/PGID under tini; HEALTHCHECK, CLI through exec, UMASK on /config and on downloaded media; stops within 8 s', async () => {
    const { config, media, mounts } = folders('nas');
    await writeConfig(config, ['Vidmoly']);
    const container = await start({ env: env(), volumes: mounts });
    await container.ready();

    // HEALTHCHECK: the Dockerfile's command, kept by the docker format, passing when run.
    const declared = runtimeStage.instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK')!.args;
    expect(JSON.parse(await container.inspect('{{json .Config.Healthcheck.Test}}'))).toEqual([
      'CMD',
      ...execForm(declared.slice(declared.indexOf('CMD ') + 4))!,
    ]);
    expect((await podman('healthcheck', 'run', container.name)).code).toBe(0);

    const processes = await container.processes();
    expect(processes.find((process) => process.pid === 1)?.args).toBe('/usr/bin/tini -- /usr/local/bin/aniworld-entrypoint node backend/main.ts');
    const app = processes.find((process) => process.args === 'node backend/main.ts')!;
    expect(app).toMatchObject({ uid: PUID, gid: PGID });

    const api = client(container.url);
    expect((await fetch(`${container.url}/health`)).status).toBe(200);
    await api.setUpAndLogIn();
    for (const path of [config, join(config, 'secret.key'), join(config, 'aniworld.db'), join(config, 'logs', 'aniworld.log')]) {
      expect(statSync(path), path).toMatchObject({ uid: PUID, gid: PGID });
    }
    // The app keeps its own files owner-only whatever the umask; media files follow UMASK (below).
    for (const file of ['secret.key', 'aniworld.db', join('logs', 'aniworld.log')]) expect(modeOf(join(config, file)), file).toBe(0o600);

    // An HLS episode: ffmpeg of the slimmed image remuxes it; the file and folders follow PUID/UMASK.
    const { id } = await api.queueEpisode('demo-academy', 1, 2);
    const done = await waitUntil(
      async () => {
        const item = await api('GET', `/api/queue/${id}`);
        if (item.status === 'failed') throw new Error(`download failed: ${item.error}`);
        return item.status === 'completed' ? item : undefined;
      },
      'the HLS download',
      60_000,
    );
    const file = join(media, String(done.file_path).replace(/^\/media\//, ''));
    expect(file.endsWith('.mp4')).toBe(true);
    expect(statSync(file)).toMatchObject({ uid: PUID, gid: PGID });
    expect(modeOf(file)).toBe(0o640);
    expect(modeOf(join(file, '..'))).toBe(0o750);
    const probe = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration', '-of', 'json', file]);
    expect(JSON.parse(probe.stdout).format.format_name).toContain('mp4');

    // `docker exec` starts as root; the CLI switches to PUID/PGID itself.
    const status = await container.exec('aniworld', 'status', '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ version: '0.1.0' });
    const backup = await container.exec('aniworld', 'backup', 'create', '--json');
    expect(backup.code, backup.stderr).toBe(0);
    for (const made of JSON.parse(backup.stdout) as { name: string }[]) expect(statSync(join(config, 'backups', made.name)).uid, made.name).toBe(PUID);
    expect((await container.exec('aniworld', 'health')).code).toBe(0);

    const stopped = await container.stop();
    expect(stopped.exitCode).toBe(0);
    expect(stopped.seconds).toBeLessThan(8);
    expect(await container.logs()).toContain('"msg":"shutting down"');
  }, 240_000);

  it('SIGTERM during a download stops within 8 s; after a restart the download resumes with Range', async () => {
    const { config, media, mounts } = folders('resume');
    await writeConfig(config, ['Vidoza']);
    site.controls.slowBytesPerSecond = 1_000_000;
    const container = await start({ env: env(), volumes: mounts });
    await container.ready();
    let api = client(container.url);
    await api.setUpAndLogIn();
    const { id, folder } = await api.queueEpisode('demo-academy', 1, 1);
    await waitUntil(
      async () => {
        const item = await api('GET', `/api/queue/${id}`);
        return item.status === 'downloading' && item.progress.downloaded_bytes > 1_000_000;
      },
      'a megabyte in the .part',
      60_000,
    );

    const stopped = await container.stop();
    expect(stopped.exitCode).toBe(0);
    expect(stopped.seconds).toBeLessThan(8);
    const season = join(media, folder, 'Season 01');
    const part = (await readdir(season)).find((name) => name.endsWith('.part'))!;
    expect(part).toBeDefined();
    const kept = statSync(join(season, part)).size;
    expect(kept).toBeGreaterThan(0);
    expect(statSync(join(season, part)).uid).toBe(PUID);

    site.controls.slowBytesPerSecond = 0;
    const before = site.stats.requests.length;
    await container.start();
    await container.ready(2);
    api = client(container.url);
    await api.logIn();
    const done = await waitUntil(
      async () => {
        const item = await api('GET', `/api/queue/${id}`);
        if (item.status === 'failed') throw new Error(`download failed: ${item.error}`);
        return item.status === 'completed' ? item : undefined;
      },
      'the resumed download',
      60_000,
    );
    const ranges = site.stats.requests
      .slice(before)
      .filter((request) => request.path.startsWith('/media/mp4/'))
      .map((request) => String(request.headers.range));
    expect(Number(/^bytes=(\d+)-$/.exec(ranges[0])?.[1])).toBeGreaterThanOrEqual(kept);
    const file = join(media, String(done.file_path).replace(/^\/media\//, ''));
    expect(readFileSync(file).equals(largeFileBytes(0, SIZE))).toBe(true);
    expect(statSync(file).uid).toBe(PUID);
    expect((await container.stop()).exitCode).toBe(0);
  }, 240_000);

  it(
    'upgrades from the previous image: the pre-migration backup, then migrations; the data stays',
    async () => {
      const previous = await previousImage();
      const { config, mounts } = folders('upgrade');
      await writeConfig(config, ['Vidoza']);
      const old = await Container.start(previous.tag, { env: env(), volumes: mounts });
      containers.push(old);
      await old.ready();
      const api = client(old.url);
      await api.setUpAndLogIn();
      await api('POST', '/api/anime/add', { key: 'demo-academy' });
      expect((await old.stop()).exitCode).toBe(0);
      expect(appliedMigrations(join(config, 'aniworld.db'))).not.toContain(previous.missingMigration);

      const current = await start({ env: env(), volumes: mounts });
      await current.ready();
      const backups = readdirSync(join(config, 'backups')).filter((name) => name.endsWith('-pre-migration.db'));
      expect(backups).toHaveLength(1);
      expect(statSync(join(config, 'backups', backups[0]))).toMatchObject({ uid: PUID, gid: PGID });
      expect(appliedMigrations(join(config, 'backups', backups[0]))).not.toContain(previous.missingMigration);
      const upgraded = client(current.url);
      await upgraded.logIn();
      expect((await upgraded('GET', '/api/anime')).map((series: { key: string }) => series.key)).toContain('demo-academy');
      expect((await current.stop()).exitCode).toBe(0);
      expect(appliedMigrations(join(config, 'aniworld.db'))).toContain(previous.missingMigration);
    },
    40 * 60_000,
  );

  it('a read-only /media stops the container at once with the fix', async () => {
    const { config, media } = folders('read-only');
    const container = await start({ env: env(), volumes: [`${config}:/config`, `${media}:/media:ro`] });
    expect(await container.exited()).toBe(1);
    const log = await container.logs();
    expect(log).toContain(`the media (/media) folder /media is not writable for uid ${PUID} / gid ${PGID}`);
    expect(log).toContain(`chown -R ${PUID}:${PGID}`);
    expect(log).not.toContain('AniWorld is ready');
  }, 120_000);

  it('a full /media: the download stops with the disk named, the app stays healthy', async () => {
    const { config, media, mounts } = folders('full');
    await writeConfig(config, ['Vidoza']);
    // The host folder is a 1 MB file system of its own, for a 6 MB episode.
    await mountSmallDisk(media);
    const container = await start({ env: env(), volumes: mounts });
    await container.ready();
    const api = client(container.url);
    await api.setUpAndLogIn();
    const { id } = await api.queueEpisode('demo-academy', 1, 3);
    const item = await waitUntil(
      async () => {
        const current = await api('GET', `/api/queue/${id}`);
        return /full|no space|ENOSPC/i.test(JSON.stringify(current)) ? current : undefined;
      },
      'the queue item to report the full disk',
      60_000,
    );
    expect(item.status).not.toBe('completed');
    expect((await podman('healthcheck', 'run', container.name)).code).toBe(0);
    expect((await fetch(`${container.url}/health`)).status).toBe(200);
    expect((await container.stop()).exitCode).toBe(0);
    await unmount(media);
  }, 180_000);

  it('--user runs without switching, and names that user in the fix when /config is not theirs', async () => {
    const denied = folders('user-denied');
    const refused = await start({ env: env(), volumes: denied.mounts, user: `${PUID}:${PGID}` });
    expect(await refused.exited()).toBe(1);
    expect(await refused.logs()).toContain(`--user ${PUID}:${PGID}`);

    const allowed = folders('user-allowed');
    chownSync(allowed.config, PUID, PGID);
    const container = await start({ env: env(), volumes: allowed.mounts, user: `${PUID}:${PGID}` });
    await container.ready();
    const processes = await container.processes();
    expect(processes.find((process) => process.pid === 1)?.args).toMatch(/^\/usr\/bin\/tini /);
    expect(processes.find((process) => process.args === 'node backend/main.ts')).toMatchObject({ uid: PUID, gid: PGID });
    expect((await fetch(`${container.url}/health`)).status).toBe(200);
    expect((await container.stop()).exitCode).toBe(0);
  }, 180_000);

  it("carries the anti-bot browser: the image's playwright-core drives its Chromium headless, and headed on Xvfb", async () => {
    const { mounts } = folders('browser');
    const container = await start({ env: env(), volumes: mounts });
    await container.ready();
    // What the embedded solver does, run as the app's user inside the container.
    const script = `
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: process.argv[1] === 'headless', chromiumSandbox: false });
      const page = await browser.newPage();
      await page.goto(process.argv[2]);
      console.log(JSON.stringify({ h1: await page.textContent('h1'), userAgent: await page.evaluate(() => navigator.userAgent), display: process.env.DISPLAY ?? null }));
      await browser.close();`;
    const drive = async (...command: string[]) => {
      const result = await podman('exec', '--user', `${PUID}:${PGID}`, '--workdir', '/app', '--env', 'HOME=/tmp', container.name, ...command);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { h1: string; userAgent: string; display: string | null };
    };
    const headless = await drive('node', '--input-type=module', '-e', script, 'headless', `${site.url}/`);
    expect(headless.h1).toBe('AniWorld fixture');
    expect(headless.display).toBeNull();
    const headed = await drive('xvfb-run', '--auto-servernum', 'node', '--input-type=module', '-e', script, 'headed', `${site.url}/`);
    expect(headed.h1).toBe('AniWorld fixture');
    expect(headed.display).toMatch(/^:\d+$/);
    // A real window on the virtual display: nothing in the User-Agent says headless.
    expect(headed.userAgent).not.toContain('Headless');
    expect((await container.stop()).exitCode).toBe(0);
  }, 180_000);

  it('serves under ANIWORLD_BASE_PATH, and the HEALTHCHECK follows it', async () => {
    const { mounts } = folders('base-path');
    const container = await start({ env: env({ ANIWORLD_BASE_PATH: '/aniworld' }), volumes: mounts });
    await container.ready();
    expect((await fetch(`${container.url}/aniworld/health`)).status).toBe(200);
    const panel = await fetch(`${container.url}/aniworld/`);
    expect(panel.status).toBe(200);
    expect(await panel.text()).toContain('<base href="/aniworld/">');
    expect((await podman('healthcheck', 'run', container.name)).code).toBe(0);
    expect((await container.stop()).exitCode).toBe(0);
  }, 120_000);
});

/**
 * The image of the commit before the newest migration was added: built once per machine and
 * kept under a tag naming that commit.
 */
async function previousImage(): Promise<{ tag: string; missingMigration: string }> {
  const newest = readdirSync(join(REPO, 'backend', 'db', 'migrations'))
    .filter((name) => /^Migration\d+_.*\.ts$/.test(name))
    .sort()
    .at(-1)!;
  // A shallow clone (CI systems often clone with --depth) has no commit before the migration:
  // fetch the rest of the history from where it was cloned before looking for it.
  if ((await run('git', ['-C', REPO, 'rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true') {
    const fetched = await run('git', ['-C', REPO, 'fetch', '--quiet', '--unshallow']);
    if (fetched.code !== 0)
      throw new Error(
        `the previous image needs the git history of backend/db/migrations/${newest}, and this clone is shallow; git fetch --unshallow failed: ${fetched.stderr}`,
      );
  }
  // -m --first-parent: a migration can arrive in a merge commit (renamed while resolving a clash of timestamps).
  const added = await run('git', ['-C', REPO, 'log', '-m', '--first-parent', '--diff-filter=A', '--format=%H', '--', `backend/db/migrations/${newest}`]);
  const commit = added.stdout.trim().split('\n').at(-1);
  if (added.code !== 0 || !commit)
    throw new Error(`the previous image needs the git history of backend/db/migrations/${newest} (a full clone, not --depth): ${added.stderr}`);
  const parent = await newestStartableCommit(`${commit}^`);
  const tag = `localhost/aniworld-previous:${parent.slice(0, 12)}`;
  if ((await podman('image', 'exists', tag)).code !== 0) {
    const context = await mkdtemp(join(tmpdir(), 'aniworld-previous-'));
    try {
      const archive = join(context, 'source.tar');
      const exported = await run('git', ['-C', REPO, 'archive', '--output', archive, parent]);
      if (exported.code !== 0) throw new Error(`git archive ${parent}: ${exported.stderr}`);
      const unpacked = await run('tar', ['-xf', archive, '-C', context]);
      if (unpacked.code !== 0) throw new Error(`tar: ${unpacked.stderr}`);
      await rm(archive);
      await buildImage(context, tag, await baseImage());
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  }
  return { tag, missingMigration: newest.replace(/\.ts$/, '') };
}

/**
 * The newest commit at or before `start` whose image can start: on main between two releases a
 * commit can import a folder its Dockerfile does not copy yet (fixed before the release), and no
 * user ever ran that image. Checked from the commit's own files, without building anything.
 */
async function newestStartableCommit(start: string): Promise<string> {
  const commits = (await run('git', ['-C', REPO, 'rev-list', '--first-parent', '--max-count=200', start])).stdout.trim().split('\n');
  for (const commit of commits) {
    const files = (await run('git', ['-C', REPO, 'ls-tree', '-r', '--name-only', commit])).stdout.split('\n').filter(Boolean);
    const wanted = [...files].filter((file) => /\.(ts|mjs|js|json)$/.test(file) && !file.endsWith('.test.ts')).concat('Dockerfile');
    const texts = readAtCommit(commit, wanted);
    if (filesLeftOutOfImage((path) => texts.get(path), texts.get('Dockerfile') ?? '').missing.length === 0) return commit;
  }
  throw new Error(`no commit before ${start} has an image that can start (every one leaves a file it imports out of the image)`);
}

/** The texts of `files` at `commit`, read in one `git cat-file --batch` (one process, not one per file). */
function readAtCommit(commit: string, files: readonly string[]): Map<string, string> {
  const output = execFileSync('git', ['-C', REPO, 'cat-file', '--batch'], {
    input: files.map((file) => `${commit}:${file}`).join('\n') + '\n',
    maxBuffer: 256 * 1024 * 1024,
  });
  const texts = new Map<string, string>();
  let offset = 0;
  for (const file of files) {
    const headerEnd = output.indexOf(0x0a, offset);
    const [, kind, size] = output.subarray(offset, headerEnd).toString().split(' ');
    offset = headerEnd + 1;
    if (kind !== 'blob') continue;
    texts.set(file, output.subarray(offset, offset + Number(size)).toString());
    offset += Number(size) + 1;
  }
  return texts;
}

const mounted = new Set<string>();

/** A 1 MB tmpfs at `path`, owned by PUID:PGID like the share it stands for. */
async function mountSmallDisk(path: string): Promise<void> {
  const result = await run('mount', ['-t', 'tmpfs', '-o', `size=1m,uid=${PUID},gid=${PGID},mode=0755`, 'tmpfs', path]);
  if (result.code !== 0) throw new Error(`mount -t tmpfs ${path}: ${result.stderr}`);
  mounted.add(path);
}

async function unmount(path: string): Promise<void> {
  if (mounted.delete(path)) await run('umount', [path]);
}

function appliedMigrations(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const table = (db.prepare("select name from sqlite_master where type = 'table' and name like '%migrations%'").get() as { name: string }).name;
    return (db.prepare(`select name from ${table}`).all() as { name: string }[]).map((row) => row.name);
  } finally {
    db.close();
  }
}
