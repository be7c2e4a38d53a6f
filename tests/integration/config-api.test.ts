import { readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { KEEP_BACKUPS } from '../../config/store.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

describe('/api/config', () => {
  it('updates settings atomically, validates, and lists keys pinned by the environment', async () => {
    app = await startTestApp({ env: { ANIWORLD_DOWNLOAD_CONCURRENCY: '3' } });
    const token = await app.login();
    const before = await app.request('GET', '/api/config', { token });
    expect(before.body.downloads.concurrency).toBe(3);
    expect(before.body.overridden_by_env).toEqual(expect.arrayContaining(['downloads.concurrency', 'anime_directory']));

    const updated = await app.request('PUT', '/api/config', { token, body: { downloads: { max_attempts: 9 }, naming: { write_nfo: false } } });
    expect(updated.status).toBe(200);
    expect(updated.body.downloads.max_attempts).toBe(9);
    expect(updated.body.naming.write_nfo).toBe(false);
    expect(updated.body.downloads.concurrency).toBe(3);
    const stored = JSON.parse(readFileSync(join(app.dataDir, 'config.json'), 'utf8'));
    expect(stored.downloads.max_attempts).toBe(9);

    const invalid = await app.request('PUT', '/api/config', { token, body: { downloads: { concurrency: 0, languages: ['Klingon'] } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(
      expect.arrayContaining(['downloads.concurrency', 'downloads.languages.0']),
    );
    expect(JSON.parse(readFileSync(join(app.dataDir, 'config.json'), 'utf8'))).toEqual(stored);

    const check = await app.request('POST', '/api/config/validate', { token, body: { library: { rescan_interval_hours: -1 } } });
    expect(check.body.valid).toBe(false);
    expect(check.body.errors[0].path).toBe('library.rescan_interval_hours');
    expect((await app.request('POST', '/api/config/validate', { token, body: { library: { rescan_interval_hours: 2 } } })).body).toEqual({
      valid: true,
      errors: [],
    });

    // A template with a token the namer does not know would fail every later download: refused now.
    const badTemplate = await app.request('PUT', '/api/config', {
      token,
      body: { naming: { episode_template: '{Series Title} - {Foo}', season_folder_template: 'S{Bar}' } },
    });
    expect(badTemplate.status).toBe(422);
    expect(badTemplate.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'naming.episode_template', message: 'Unknown token: {Foo}' },
        { path: 'naming.season_folder_template', message: 'Unknown token: {Bar}' },
      ]),
    );
    expect(JSON.parse(readFileSync(join(app.dataDir, 'config.json'), 'utf8'))).toEqual(stored);
  });

  it("keeps hoster names it does not know in the user's order; known names get their spelling, repeats count once", async () => {
    app = await startTestApp();
    const token = await app.login();
    const updated = await app.request('PUT', '/api/config', {
      token,
      body: { downloads: { hosters: ['NewTube', 'vidoza', 'VOE', 'Streamtape', 'newtube', ' Vidmoly '] } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.downloads.hosters).toEqual(['NewTube', 'Vidoza', 'VOE', 'Streamtape', 'Vidmoly']);
    expect(JSON.parse(readFileSync(join(app.dataDir, 'config.json'), 'utf8')).downloads.hosters).toEqual(['NewTube', 'Vidoza', 'VOE', 'Streamtape', 'Vidmoly']);
    const first = app;
    app = undefined;
    const restarted = await first.restart();
    try {
      const again = await restarted.login();
      expect((await restarted.request('GET', '/api/config', { token: again })).body.downloads.hosters).toEqual([
        'NewTube',
        'Vidoza',
        'VOE',
        'Streamtape',
        'Vidmoly',
      ]);
      const invalid = await restarted.request('PUT', '/api/config', { token: again, body: { downloads: { hosters: ['<script>'] } } });
      expect(invalid.status).toBe(422);
      expect(invalid.body.error.details[0].path).toBe('downloads.hosters.0');
    } finally {
      await restarted.stop();
      await rm(first.root, { recursive: true, force: true });
    }
  });

  it('round-trips a backup: create, change, restore', async () => {
    app = await startTestApp();
    const token = await app.login();
    await app.request('PUT', '/api/config', { token, body: { downloads: { max_attempts: 4 } } });
    const backup = await app.request('POST', '/api/config/backups', { token });
    expect(backup.status).toBe(201);
    expect(backup.body.name).toMatch(/^config-\d{8}T\d{9}Z-manual\d*\.json$/);

    await app.request('PUT', '/api/config', { token, body: { downloads: { max_attempts: 11 } } });
    expect((await app.request('GET', '/api/config', { token })).body.downloads.max_attempts).toBe(11);

    const list = await app.request('GET', '/api/config/backups', { token });
    expect(list.body.map((entry: { name: string }) => entry.name)).toContain(backup.body.name);
    const restored = await app.request('POST', `/api/config/backups/${backup.body.name}/restore`, { token });
    expect(restored.status).toBe(200);
    expect(restored.body.downloads.max_attempts).toBe(4);
    expect((await app.request('GET', '/api/config', { token })).body.downloads.max_attempts).toBe(4);

    expect((await app.request('POST', '/api/config/backups/..%2Fsecret.key/restore', { token })).status).toBe(422);
    expect((await app.request('POST', '/api/config/backups/config-20260101T000000000Z-manual.json/restore', { token })).status).toBe(404);
  });

  it(`keeps only the newest ${KEEP_BACKUPS} backups`, async () => {
    app = await startTestApp();
    const token = await app.login();
    for (let change = 0; change < KEEP_BACKUPS + 4; change++) {
      const response = await app.request('PUT', '/api/config', { token, body: { downloads: { max_attempts: 1 + (change % 10) } } });
      expect(response.status).toBe(200);
    }
    const files = readdirSync(join(app.dataDir, 'backups')).filter((name) => name.startsWith('config-'));
    expect(files).toHaveLength(KEEP_BACKUPS);
  });
});
