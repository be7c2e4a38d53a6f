import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function tempRoot() {
  const temp = await makeTempDir();
  cleanup = temp.remove;
  return temp.path;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration loading', () => {
  it('runs on defaults with nothing configured', async () => {
    const root = await tempRoot();
    const { config } = loadConfig({ env: {}, cwd: root });
    expect(config.runtime.port).toBe(8000);
    expect(config.paths.dataDir).toBe(join(root, 'data'));
    expect(config.paths.mediaDir).toBe(join(root, 'media'));
    expect(config.settings.provider.url).toBe('https://aniworld.to');
    expect(config.settings.downloads.concurrency).toBe(2);
    expect(Object.isFrozen(config.settings.downloads)).toBe(true);
  });

  it('reports every bad environment value on its own line, naming the variable', async () => {
    const root = await tempRoot();
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          PORT: 'eighty',
          ANIWORLD_ROLE: 'boss',
          ANIWORLD_DOWNLOAD_CONCURRENCY: '99',
          ANIWORLD_PROVIDER_URL: 'ftp://x',
          ANIWORLD_WATCH_POLLING: 'maybe',
          ANIWORLD_DATABASE_URL: 'mysql://db',
          REDIS_URL: 'localhost:6379',
        },
        cwd: root,
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: expected a whole number, got "eighty"',
        expect.stringMatching(/^ANIWORLD_WATCH_POLLING: expected true or false/),
        expect.stringMatching(/^ANIWORLD_ROLE: .*"all"\|"api"\|"worker"/),
      ]),
    );
    expect(problems.some((line) => line.startsWith('ANIWORLD_DOWNLOAD_CONCURRENCY:'))).toBe(true);
    expect(problems.some((line) => line.startsWith('ANIWORLD_PROVIDER_URL:'))).toBe(true);
    expect(problems).toContain('ANIWORLD_DATABASE_URL: must be a postgresql:// URL');
    expect(problems).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
  });

  it('environment wins over the config file, which wins over defaults', async () => {
    const root = await tempRoot();
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', 'config.json'), JSON.stringify({ downloads: { concurrency: 3, max_attempts: 7 } }));
    const { config } = loadConfig({ env: { ANIWORLD_DOWNLOAD_CONCURRENCY: '4' }, cwd: root });
    expect(config.settings.downloads.concurrency).toBe(4);
    expect(config.settings.downloads.max_attempts).toBe(7);
    expect(config.settings.downloads.hosters[0]).toBe('VOE');
  });

  it('names unknown keys and broken JSON in the config file', async () => {
    const root = await tempRoot();
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', 'config.json'), JSON.stringify({ downloads: { concurency: 3 } }));
    expect(problemsOf(() => loadConfig({ env: {}, cwd: root }))[0]).toMatch(/^config\.json downloads: .*concurency/);
    writeFileSync(join(root, 'data', 'config.json'), '{ nope');
    expect(problemsOf(() => loadConfig({ env: {}, cwd: root }))[0]).toMatch(/config\.json: not valid JSON/);
  });

  it('stops the real process with a readable list and exit code 78', async () => {
    const root = await tempRoot();
    const result = spawnSync(process.execPath, [join(import.meta.dirname, '../../backend/main.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: '-1', JOBS_STORE: 'redis' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Invalid configuration:');
    expect(result.stderr).toMatch(/- PORT: .*>=0/);
    expect(result.stderr).toMatch(/- JOBS_STORE: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
