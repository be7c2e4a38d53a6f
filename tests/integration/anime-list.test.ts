// GET /api/anime comes from a precomputed view: these prove it follows every kind of change
// (edit, scan, download, refresh, remove, a write by another process), that its ETag answers a
// reload with 304, and that ?fields= / ?offset= / ?limit= trim the same array.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startAppWithSite } from '../helpers/site-app.ts';
import { inContext } from '../../backend/db/context.ts';

let site: FixtureSite;
let app: TestApp;
let token: string;

beforeAll(async () => {
  ({ site, app, token } = await startAppWithSite(3));
  for (const key of ['demo-academy', 'film-collection']) expect((await call('POST', '/api/anime/add', { key })).status).toBe(201);
});
afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => app.request(method, path, { token, body, headers });
const summary = async (key: string) => (await call('GET', '/api/anime')).body.find((item: { key: string }) => item.key === key);

describe('GET /api/anime (precomputed view)', () => {
  it('answers a reload with the same ETag with 304 and no body, and revalidates rather than caching blindly', async () => {
    const first = await call('GET', '/api/anime');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('x-total-count')).toBe('2');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await call('GET', '/api/anime', undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect((await call('GET', '/api/anime', undefined, { 'if-none-match': '"something-else"' })).status).toBe(200);
    // Other API answers stay uncached.
    expect((await call('GET', '/api/queue/status')).headers.get('cache-control')).toBe('no-store');
  });

  it('follows an edit: new ETag, new content, old tag no longer fresh', async () => {
    const before = await call('GET', '/api/anime');
    expect(before.body.find((item: { key: string }) => item.key === 'demo-academy').missing_count).toBeGreaterThan(0);
    expect((await call('PATCH', '/api/anime/demo-academy', { monitored: false })).status).toBe(200);
    const after = await call('GET', '/api/anime', undefined, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(after.body.find((item: { key: string }) => item.key === 'demo-academy')).toMatchObject({ monitored: false, missing_count: 0, missing_episodes: {} });
    await call('PATCH', '/api/anime/demo-academy', { monitored: true });
    expect((await summary('demo-academy')).monitored).toBe(true);
  });

  it('follows a one-series rescan and a full library scan', async () => {
    const before = await summary('demo-academy');
    const folder = join(app.mediaDir, before.folder);
    await mkdir(join(folder, 'Season 01'), { recursive: true });
    await writeFile(join(folder, 'Season 01', 'Demo Academy - S01E01.mkv'), 'video');
    expect((await call('POST', '/api/anime/demo-academy/rescan')).status).toBe(200);
    const afterOne = await summary('demo-academy');
    expect(afterOne.downloaded_count).toBe(before.downloaded_count + 1);
    expect(afterOne.missing_episodes['1']).not.toContain(1);

    await writeFile(join(folder, 'Season 01', 'Demo Academy - S01E02.mkv'), 'video');
    await inContext(app.running.orm, () => app.running.services.series.scanLibrary());
    expect((await summary('demo-academy')).downloaded_count).toBe(before.downloaded_count + 2);
  });

  it('follows a finished download and a provider refresh', async () => {
    const before = await summary('demo-academy');
    const target = await inContext(app.running.orm, () => app.running.services.series.episodeTarget('demo-academy', 1, 3, 'de', 'mp4'));
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, 'abc');
    await inContext(app.running.orm, () => app.running.services.series.markEpisodeDownloaded('demo-academy', 1, 3, target, 3));
    expect((await summary('demo-academy')).downloaded_count).toBe(before.downloaded_count + 1);

    // A refresh rewrites the provider data: a name changed on the provider shows up in the list.
    const db = new Database(join(app.dataDir, 'aniworld.db'));
    db.prepare("update series set name = 'Renamed Locally' where key = 'demo-academy'").run();
    db.close();
    expect((await summary('demo-academy')).name).toBe('Renamed Locally');
    expect((await call('POST', '/api/anime/demo-academy/refresh')).status).toBe(200);
    expect((await summary('demo-academy')).name).toBe('Demo Academy');
  });

  it('sees a write by another process (the CLI) at the next request', async () => {
    const before = await call('GET', '/api/anime');
    const db = new Database(join(app.dataDir, 'aniworld.db'));
    db.prepare("update series set cover = 'https://example.test/cover.png' where key = 'film-collection'").run();
    db.close();
    const after = await call('GET', '/api/anime', undefined, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.body.find((item: { key: string }) => item.key === 'film-collection').cover).toBe('https://example.test/cover.png');
  });

  it('trims with ?fields=, ?offset= and ?limit=, keeping the array and the order', async () => {
    const all = (await call('GET', '/api/anime')).body as { key: string; missing_count: number }[];
    const trimmed = await call('GET', '/api/anime?fields=key,missing_count&offset=1&limit=1');
    expect(trimmed.status).toBe(200);
    expect(trimmed.headers.get('x-total-count')).toBe('2');
    expect(trimmed.body).toEqual([{ key: all[1].key, missing_count: all[1].missing_count }]);
    expect((await call('GET', '/api/anime?limit=1')).body).toEqual([all[0]]);
    const etag = trimmed.headers.get('etag')!;
    expect(etag).not.toBe((await call('GET', '/api/anime')).headers.get('etag'));
    expect((await call('GET', '/api/anime?fields=key,missing_count&offset=1&limit=1', undefined, { 'if-none-match': etag })).status).toBe(304);

    const unknown = await call('GET', '/api/anime?fields=key,password');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain('unknown field password');
    expect((await call('GET', '/api/anime?limit=0')).status).toBe(422);
  });

  it('drops a removed series', async () => {
    expect((await call('DELETE', '/api/anime/film-collection')).status).toBe(200);
    const list = await call('GET', '/api/anime');
    expect(list.body.map((item: { key: string }) => item.key)).toEqual(['demo-academy']);
    expect(list.headers.get('x-total-count')).toBe('1');
  });
});
