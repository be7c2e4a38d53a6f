import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAniWorld } from '../backend/main.ts';
import { startFixtureSite } from './fixture-site/server.ts';
import { ensureMedia } from './fixture-site/media.ts';

/**
 * `npm run demo`: the fixture provider site plus the real app pointed at it, with a media folder
 * that already holds some episodes of a few catalogue series, so a newcomer sees a populated
 * library, missing episodes and working downloads without touching the real site.
 *
 *   npm run demo -- [--port 8000] [--fixture-port 8001] [--dir <path>] [--fresh]
 */

const DEMO_PASSWORD = 'Demo-Password-1';

/** Folders on disk before the app starts: series key, folder name, episode files inside it. */
const DEMO_LIBRARY = [
  {
    key: 'demo-academy',
    folder: 'Demo Academy (2019)',
    files: ['Season 01/Demo Academy - S01E01 - Folge 1 der Staffel 1.mp4', 'Season 01/Demo Academy - S01E02 - Folge 2 der Staffel 1.mp4'],
  },
  {
    key: 'film-collection',
    folder: 'Film Collection (2015)',
    files: ['Season 00/Film Collection - S00E01 - The Movie Part 1.mp4', 'Season 01/Film Collection - S01E01.mp4'],
  },
  { key: 'hidden-languages', folder: 'Hidden Languages (2020)', files: ['Hidden Languages - S01E01 - (German Dub).mp4'] },
  { key: 'generated-series-001', folder: 'Blade Academy 1 (2000)', files: ['Season 01/Blade Academy 1 S01E001.mp4'] },
] as const;
/** Added through the API without files: everything is missing, ready to download. */
const DEMO_ADDED = ['still-running', 'challenge-on-voe'] as const;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8000' },
    'fixture-port': { type: 'string', default: '8001' },
    dir: { type: 'string', default: join(tmpdir(), 'aniworld-demo') },
    fresh: { type: 'boolean', default: false },
  },
});

const root = values.dir;
if (values.fresh) await rm(root, { recursive: true, force: true });
const dataDir = join(root, 'data');
const mediaDir = join(root, 'media');
await mkdir(dataDir, { recursive: true });

const site = await startFixtureSite({ port: Number(values['fixture-port']) }).catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') fail(`Port ${values['fixture-port']} is in use; pick another with --fixture-port.`);
  throw error;
});

// The local fixture needs no politeness pacing; a stored config from an earlier run is kept.
const configFile = join(dataDir, 'config.json');
if (!(await exists(configFile))) await writeFile(configFile, `${JSON.stringify({ provider: { requests_per_second: 20 } }, null, 2)}\n`);

const sample = await ensureMedia().then(
  (media) => media.mp4,
  (error: Error) => {
    process.stderr.write(`${error.message}\nThe demo episodes will be placeholder files.\n`);
    return Buffer.from('placeholder video');
  },
);
for (const series of DEMO_LIBRARY) {
  for (const file of series.files) {
    const path = join(mediaDir, series.folder, file);
    if (await exists(path)) continue;
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, sample);
  }
}

const running = await startAniWorld({
  env: {
    ...process.env,
    PORT: values.port,
    HOST: process.env.HOST ?? '127.0.0.1',
    ANIWORLD_DATA_DIR: dataDir,
    ANIWORLD_MEDIA_DIR: mediaDir,
    ANIWORLD_PROVIDER_URL: site.url,
    // Request logs would bury the banner below; LOG_LEVEL=info brings them back.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
});

const stop = (code = 0) => {
  void running
    .close()
    .then(() => site.close())
    .finally(() => process.exit(code));
};
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

try {
  await populate(running.url);
} catch (error) {
  running.logger.warn({ err: error }, 'demo: the library could not be populated through the API');
}

process.stdout.write(`
AniWorld demo
  panel / API     ${running.url}
  password        ${DEMO_PASSWORD}
  fixture site    ${site.url}  (stands in for the provider and its hosters)
  data folder     ${dataDir}
  media folder    ${mediaDir}
Stop with Ctrl+C. Start over with: npm run demo -- --fresh
`);

async function populate(url: string): Promise<void> {
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const status = await api('GET', '/api/auth/status');
  if (!status.body?.configured) {
    const setup = await api('POST', '/api/auth/setup', { master_password: DEMO_PASSWORD });
    if (setup.status !== 201) throw new Error(`setup answered ${setup.status}`);
  }
  const login = await api('POST', '/api/auth/login', { password: DEMO_PASSWORD });
  if (login.status !== 200)
    throw new Error(`login with the demo password answered ${login.status} (was the demo folder set up with another password? use --fresh)`);
  const token = login.body.access_token as string;
  for (const series of DEMO_LIBRARY) {
    if ((await api('GET', `/api/anime/${series.key}`, undefined, token)).status === 200) continue;
    const imported = await api('POST', '/api/anime/import', { folder: series.folder, key: series.key }, token);
    if (imported.status !== 201) running.logger.warn({ key: series.key, status: imported.status, body: imported.body }, 'demo: import failed');
  }
  for (const key of DEMO_ADDED) {
    if ((await api('GET', `/api/anime/${key}`, undefined, token)).status === 200) continue;
    const added = await api('POST', '/api/anime/add', { key }, token);
    if (added.status !== 201) running.logger.warn({ key, status: added.status, body: added.body }, 'demo: add failed');
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
