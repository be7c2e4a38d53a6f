import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';

let temp: { path: string; remove: () => Promise<void> };
let child: ReturnType<typeof spawn>;
let output = '';

beforeAll(async () => {
  temp = await makeTempDir('aniworld-demo-test-');
  child = spawn(process.execPath, ['scripts/demo.ts', '--port', '0', '--fixture-port', '0', '--dir', temp.path], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, HOST: '127.0.0.1', ANIWORLD_WATCH: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (output.includes('Stop with Ctrl+C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await temp.remove();
});

describe('npm run demo', () => {
  it('prints the URL and password, and the library shows the pre-filled and added series', async () => {
    const url = /panel \/ API\s+(http:\/\/\S+)/.exec(output)?.[1];
    const password = /password\s+(\S+)/.exec(output)?.[1];
    expect(url).toBeDefined();
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const list = (await (await fetch(`${url}/api/anime`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      key: string;
      missing_episodes: Record<string, number[]>;
    }[];
    expect(list.map((series) => series.key).sort()).toEqual([
      'challenge-on-voe',
      'demo-academy',
      'film-collection',
      'generated-series-001',
      'hidden-languages',
      'still-running',
    ]);
    expect(list.find((series) => series.key === 'demo-academy')!.missing_episodes).toEqual({ 1: [3], 2: [1, 2] });
    expect(await readdir(join(temp.path, 'media', 'Demo Academy (2019)', 'Season 01'))).toEqual(
      expect.arrayContaining(['Demo Academy - S01E01 - Folge 1 der Staffel 1.mp4']),
    );
  });

  it('stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
