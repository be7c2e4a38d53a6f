import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';

type TempDir = Awaited<ReturnType<typeof makeTempDir>>;
import { MAIN_SCRIPT, startServerProcess } from '../helpers/server-process.ts';

const HOOK = join(import.meta.dirname, '../helpers/module-log.mjs');
const CLI = join(import.meta.dirname, '../../scripts/aniworld.mjs');

/** Loaded only when a feature is first used: never by start-up. */
const NOT_AT_START = [
  /\/node_modules\/cheerio\//,
  /\/node_modules\/jose\//,
  /\/node_modules\/prom-client\//,
  /\/node_modules\/playwright-core\//,
  /\/node_modules\/co-body\//,
  /\/backend\/providers\/hosters\//,
  /\/backend\/providers\/aniworld\/pages\.ts$/,
  /\/backend\/http\/openapi\.operations\.ts$/,
  /\/backend\/modules\/system\/metrics-exposition\.ts$/,
];

let temp: TempDir | undefined;
afterEach(async () => {
  await temp?.remove();
  temp = undefined;
});

const loadedBy = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n');
const matching = (modules: string[], patterns: RegExp[]) => modules.filter((url) => patterns.some((pattern) => pattern.test(url)));

describe('start-up loads what it needs', () => {
  it('the server starts without the HTML parser, the hosters, prom-client, the browser driver or the OpenAPI table, and loads them on first use', async () => {
    temp = await makeTempDir('aniworld-lazy-');
    const log = join(temp.path, 'modules.txt');
    const server = await startServerProcess({
      cwd: temp.path,
      args: ['--import', HOOK, MAIN_SCRIPT],
      env: { ANIWORLD_DATA_DIR: join(temp.path, 'data'), ANIWORLD_MEDIA_DIR: join(temp.path, 'media'), ANIWORLD_METRICS: 'true', MODULE_LOG: log },
    });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    // What start-up loaded, as the process reports it on its way out: a second server, same data.
    await server.stop();
    const atStart = await loadedBy(log);
    // The hook saw the app itself.
    expect(atStart.some((url) => url.endsWith('/backend/main.ts'))).toBe(true);
    expect(atStart.some((url) => url.includes('/node_modules/koa/'))).toBe(true);
    expect(matching(atStart, NOT_AT_START)).toEqual([]);

    const again = await startServerProcess({
      cwd: temp.path,
      args: ['--import', HOOK, MAIN_SCRIPT],
      env: { ANIWORLD_DATA_DIR: join(temp.path, 'data'), ANIWORLD_MEDIA_DIR: join(temp.path, 'media'), MODULE_LOG: log },
    });
    expect((await fetch(`${again.url}/api/docs`)).status).toBe(200);
    const login = await fetch(`${again.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'not set up yet' }),
    });
    expect(login.status).toBeGreaterThanOrEqual(400);
    await again.stop();
    const afterUse = await loadedBy(log);
    expect(matching(afterUse, [/\/backend\/http\/openapi\.operations\.ts$/, /\/node_modules\/co-body\//]).length).toBeGreaterThanOrEqual(2);
  });

  it('aniworld scan loads config, the database and the scanner, not the HTTP server, jobs, provider or browser', async () => {
    temp = await makeTempDir('aniworld-lazy-cli-');
    const media = join(temp.path, 'media', 'Series A (2020)');
    await mkdir(media, { recursive: true });
    await writeFile(join(media, '.aniworld.json'), JSON.stringify({ key: 'series-a', name: 'Series A' }));
    await writeFile(join(media, 'Series A - S01E01.mkv'), '');
    const log = join(temp.path, 'modules.txt');
    const result = spawnSync(process.execPath, ['--import', HOOK, CLI, 'scan', '--json'], {
      cwd: temp.path,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        ANIWORLD_DATA_DIR: join(temp.path, 'data'),
        ANIWORLD_MEDIA_DIR: join(temp.path, 'media'),
        ANIWORLD_WATCH: 'false',
        MODULE_LOG: log,
      },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ series: 1, episodes_added: 1 });
    const modules = await loadedBy(log);
    expect(modules.some((url) => url.includes('/backend/modules/series/library-scan.service.ts'))).toBe(true);
    const notForScan = [
      /\/node_modules\/koa\//,
      /\/node_modules\/agenda\//,
      /\/node_modules\/ws\//,
      /\/node_modules\/bcrypt\//,
      /\/backend\/main\.ts$/,
      /\/backend\/providers\//,
      /\/backend\/downloads\//,
      /\/jobs\//,
      ...NOT_AT_START,
    ];
    expect(matching(modules, notForScan)).toEqual([]);
  });
});
