import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { OPERATIONS } from '../../backend/http/openapi.operations.ts';
import { errorSchema, EVENT_TYPES, eventSchemas, liveMessageSchema } from '../../contract/index.ts';
import { LiveClient, wsUrl } from '../ws/ws-client.ts';
import { ensureMedia } from '../../scripts/fixture-site/media.ts';
import { startQueueApp } from './queue-helpers.ts';

/**
 * The wire contract against the real app: every answer a route gives here is parsed with the
 * `response` schema its OpenAPI entry names, and every message the WebSocket sends with its
 * type's schema. The schemas are strict, so a field the contract does not know fails too.
 */

/** Events this suite does not bring about with the fixture site; their payloads are typed at the publisher. */
const NOT_TRIGGERED_HERE = new Set(['health_issue', 'provider_check', 'scan_failed']);

let site: FixtureSite;
let app: TestApp;
let token: string;
let live: LiveClient;
const checked = new Set<string>();

beforeAll(async () => {
  await ensureMedia();
  ({ site, app, token } = await startQueueApp({ series: ['demo-academy'] }));
  live = await LiveClient.open(wsUrl(app.url, `?token=${token}`));
  await live.waitFor((message) => message.type === 'connected');
  for (const room of ['downloads', 'download_progress', 'scan_progress']) await live.join(room);
});
afterAll(async () => {
  live?.close();
  await app?.dispose();
  await site?.close();
});

/** Calls `route` (`METHOD /koa/path`) at `path` and checks its answer against the route's contract schema. */
async function answer(route: string, path: string, body?: unknown, options: { status?: number; app?: TestApp; token?: string } = {}): Promise<any> {
  const operation = OPERATIONS[route];
  if (!operation?.response) throw new Error(`${route} names no response schema in openapi.operations.ts`);
  const expectedStatus = options.status;
  const response = await (options.app ?? app).request(route.split(' ')[0], path, { token: 'token' in options ? options.token : token, body });
  expect(response.status, `${route}: ${JSON.stringify(response.body)}`).toBe(expectedStatus ?? operation.success?.status ?? 200);
  const parsed = operation.response.safeParse(response.body);
  if (!parsed.success)
    throw new Error(`${route} answered outside its contract:\n${z.prettifyError(parsed.error)}\n${JSON.stringify(response.body).slice(0, 2000)}`);
  checked.add(route);
  return response.body;
}

const event = (type: string, match: (data: any) => boolean = () => true) => live.waitFor((message) => message.type === type && match(message.data), type);

describe('wire contract', () => {
  it("queue routes answer in the contract's shapes", async () => {
    const complete = event('download_complete', (data) => data.episode === 1);
    const added = await answer('POST /api/queue/add', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 1 }] });
    const [done] = added.item_ids as string[];
    await complete;
    await answer('GET /api/queue/status', '/api/queue/status');
    await answer('GET /api/queue/:item_id', `/api/queue/${done}`);

    // Not offered in this language: fails at once.
    const failed = event('download_failed');
    await answer('POST /api/queue/add', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 2 }], language: 'English Dub' });
    await failed;

    await answer('POST /api/queue/stop', '/api/queue/stop');
    const waiting = await answer('POST /api/queue/add-missing', '/api/queue/add-missing', { key: 'demo-academy', seasons: [2] });
    // Nothing on disk is in a lower language here: an empty answer of the same shape.
    expect((await answer('POST /api/queue/add-upgrades', '/api/queue/add-upgrades', { key: 'demo-academy' })).item_ids).toEqual([]);
    const [first, second] = waiting.item_ids as string[];
    await answer('PATCH /api/queue/:item_id', `/api/queue/${first}`, { priority: 5 });
    await answer('POST /api/queue/reorder', '/api/queue/reorder', { item_ids: [second, first] });
    await answer('POST /api/queue/:item_id/pause', `/api/queue/${first}/pause`);
    await answer('POST /api/queue/:item_id/resume', `/api/queue/${first}/resume`);
    await answer('POST /api/queue/:item_id/cancel', `/api/queue/${first}/cancel`);
    await answer('POST /api/queue/retry', '/api/queue/retry', { item_ids: [first] });
    await answer('DELETE /api/queue/:item_id', `/api/queue/${second}`);
    await answer('POST /api/queue/pause', '/api/queue/pause');
    await answer('POST /api/queue/resume', '/api/queue/resume');
    await answer('POST /api/queue/start', '/api/queue/start');
    await answer('DELETE /api/queue/completed', '/api/queue/completed');
    await answer('GET /api/queue/status', '/api/queue/status');
  });

  it('library work sends its events', async () => {
    const library = event('scan_complete', (data) => data.scope === 'library');
    expect((await app.request('POST', '/api/anime/rescan', { token })).status).toBe(202);
    await library;
    const series = event('scan_complete', (data) => data.scope === 'series');
    expect((await app.request('POST', '/api/anime/demo-academy/rescan', { token })).status).toBe(200);
    await series;
    const added = event('series_added', (data) => data.key === 'film-collection');
    expect((await app.request('POST', '/api/anime/add', { token, body: { key: 'film-collection' } })).status).toBe(201);
    await added;
    const removed = event('series_removed', (data) => data.key === 'film-collection');
    expect((await app.request('DELETE', '/api/anime/film-collection', { token })).status).toBe(200);
    await removed;
  });

  it('upgrades, refreshes, renames and the import list send their events', async () => {
    await app.running.services.settings.patch({
      provider: { cache_ttl_seconds: 0 },
      downloads: { upgrade_language: true, languages: ['German Dub', 'German Sub', 'English Sub'] },
    });
    site.setLanguages('still-running', 1, 1, [3]);
    expect((await app.request('POST', '/api/anime/add', { token, body: { key: 'still-running' } })).status).toBe(201);
    const sub = event('download_complete', (data) => data.key === 'still-running');
    expect((await app.request('POST', '/api/queue/add', { token, body: { serie_id: 'still-running', episodes: [{ season: 1, episode: 1 }] } })).status).toBe(
      201,
    );
    await sub;
    site.addLanguage('still-running', 1, 1, 1);
    const upgraded = event('episode_upgraded', (data) => data.key === 'still-running');
    expect((await app.request('POST', '/api/anime/still-running/refresh', { token })).status).toBe(200);
    await Promise.all([upgraded, event('languages_offered'), event('series_refreshed')]);

    // A file outside the naming templates, renamed by Organize.
    const detail = (await app.request('GET', '/api/anime/demo-academy', { token })).body;
    await writeFile(join(detail.folder_path, 'Demo Academy S01E03.mp4'), 'x');
    expect((await app.request('POST', '/api/anime/demo-academy/rescan', { token })).status).toBe(200);
    const preview = await answer('GET /api/anime/:key/rename', '/api/anime/demo-academy/rename');
    expect(preview.moves).toEqual([expect.objectContaining({ from: 'Demo Academy S01E03.mp4', kind: 'episode' })]);
    expect((await answer('GET /api/rename', '/api/rename')).total_moves).toBe(1);
    const renamed = event('episodes_renamed', (data) => data.key === 'demo-academy');
    expect((await answer('POST /api/anime/:key/rename', '/api/anime/demo-academy/rename')).moves).toHaveLength(1);
    await renamed;
    expect((await answer('POST /api/rename', '/api/rename', {})).total_moves).toBe(0);

    await mkdir(join(app.mediaDir, 'Unknown Show'), { recursive: true });
    const ignored = event('import_folder_changed', (data) => data.folder === 'Unknown Show' && data.change === 'ignored');
    expect((await app.request('POST', '/api/anime/import/ignored', { token, body: { folder: 'Unknown Show' } })).status).toBe(201);
    await ignored;
  });

  it("the wanted list, bulk actions and the import answer in the contract's shapes", async () => {
    const wanted = await answer('GET /api/wanted', '/api/wanted?limit=5');
    expect(wanted.total).toBeGreaterThan(0);
    await answer('GET /api/wanted', '/api/wanted?kind=upgradable');
    const [first] = wanted.items;
    await answer('POST /api/wanted/download', '/api/wanted/download', {
      episodes: [
        { key: first.key, season: first.season, episode: first.episode },
        { key: 'no-such-series', season: 1, episode: 1 },
      ],
    });
    for (const action of ['unmonitor', 'monitor', 'refresh', 'download_missing'])
      await answer('POST /api/anime/bulk', '/api/anime/bulk', { action, keys: ['demo-academy', 'no-such-series'] });

    await mkdir(join(app.mediaDir, 'Nobody Knows This'), { recursive: true });
    expect((await answer('GET /api/anime/import', '/api/anime/import')).ignored).toBe(1);
    expect((await answer('GET /api/anime/import/ignored', '/api/anime/import/ignored')).folders).toHaveLength(1);
    await answer('DELETE /api/anime/import/ignored/:folder', `/api/anime/import/ignored/${encodeURIComponent('Unknown Show')}`);
    await answer('POST /api/anime/import/ignored', '/api/anime/import/ignored', { folder: 'Unknown Show' });
    await answer('POST /api/anime/import/all', '/api/anime/import/all', {});
  });

  it("series, config and webhook routes answer in the contract's shapes", async () => {
    await answer('POST /api/anime/search', '/api/anime/search', { query: 'demo' });
    await answer('POST /api/anime/add', '/api/anime/add', { key: 'broken-hoster' });
    await answer('GET /api/anime', '/api/anime');
    await answer('GET /api/anime/:key', '/api/anime/broken-hoster');
    await answer('PATCH /api/anime/:key', '/api/anime/broken-hoster', { monitored: false });
    await answer('POST /api/anime/:key/rescan', '/api/anime/broken-hoster/rescan');
    await answer('POST /api/anime/:key/refresh', '/api/anime/broken-hoster/refresh');
    await answer('POST /api/anime/rescan', '/api/anime/rescan');
    await answer('DELETE /api/anime/:key', '/api/anime/broken-hoster');

    await answer('GET /api/config', '/api/config');
    await answer('PUT /api/config', '/api/config', { downloads: { concurrency: 2 } });
    await answer('POST /api/config/validate', '/api/config/validate', { downloads: { concurrency: 0 } });
    const backup = await answer('POST /api/config/backups', '/api/config/backups');
    await answer('GET /api/config/backups', '/api/config/backups');
    await answer('POST /api/config/backups/:name/restore', `/api/config/backups/${encodeURIComponent(backup.name)}/restore`);

    const hook = { name: 'receiver', url: 'http://127.0.0.1:9/hook', kind: 'json', events: ['download_complete'], secret: 'hook-secret' };
    await answer('POST /api/webhooks/test', '/api/webhooks/test', hook);
    const created = await answer('POST /api/webhooks', '/api/webhooks', hook);
    await answer('GET /api/webhooks', '/api/webhooks');
    await answer('GET /api/webhooks/:id', `/api/webhooks/${created.id}`);
    await answer('PUT /api/webhooks/:id', `/api/webhooks/${created.id}`, { name: 'renamed' });
    await answer('POST /api/webhooks/:id/test', `/api/webhooks/${created.id}/test`, {});
    await answer('GET /api/webhooks/:id/deliveries', `/api/webhooks/${created.id}/deliveries`);
  });

  it("auth routes answer in the contract's shapes (on an app of their own: the password changes)", async () => {
    const fresh = await startTestApp();
    try {
      await answer('GET /api/auth/status', '/api/auth/status', undefined, { app: fresh, token: undefined });
      await answer('POST /api/auth/setup', '/api/auth/setup', { master_password: TEST_PASSWORD }, { app: fresh, token: undefined });
      const login = await answer('POST /api/auth/login', '/api/auth/login', { password: TEST_PASSWORD }, { app: fresh, token: undefined });
      const own = { app: fresh, token: login.access_token as string };
      await answer('GET /api/auth/status', '/api/auth/status', undefined, own);
      await answer('GET /api/auth/api-key', '/api/auth/api-key', undefined, own);
      await answer('POST /api/auth/api-key', '/api/auth/api-key', undefined, own);
      await answer('GET /api/auth/api-key', '/api/auth/api-key', undefined, own);
      await answer('POST /api/auth/password', '/api/auth/password', { current_password: TEST_PASSWORD, new_password: 'Another-Horse-10' }, own);
      await answer('POST /api/auth/logout', '/api/auth/logout', undefined, own);
    } finally {
      await fresh.dispose();
    }
  });

  it("the activity log answers in its contract's shape, with what the suites above did in it", async () => {
    await app.running.services.activity.flushed();
    const page = await answer('GET /api/activity', '/api/activity?limit=500');
    expect(page.items.map((item: { type: string }) => item.type)).toEqual(
      expect.arrayContaining(['download_complete', 'series_added', 'episode_upgraded', 'episodes_renamed', 'settings_changed']),
    );
    await answer('GET /api/activity', '/api/activity?type=download_failed&limit=1');
  });

  it("import, naming, bulk and wanted routes answer in the contract's shapes", async () => {
    await answer('POST /api/anime/naming/preview', '/api/anime/naming/preview', { episode_template: '{Series Title} - S{season:00}E{episode:00}' });
    await answer('GET /api/anime/import/ignored', '/api/anime/import/ignored');
    await answer('DELETE /api/anime/import/ignored/:folder', `/api/anime/import/ignored/${encodeURIComponent('Unknown Show')}`);
    await answer('POST /api/anime/import/ignored', '/api/anime/import/ignored', { folder: 'Unknown Show' }, { status: 201 });
    await mkdir(join(app.mediaDir, 'Import Me'), { recursive: true });
    await answer('GET /api/anime/import', '/api/anime/import');
    await answer('POST /api/anime/import', '/api/anime/import', { folder: 'Import Me', key: 'hidden-languages' });
    await answer('POST /api/anime/import/all', '/api/anime/import/all', {});
    await answer('POST /api/anime/bulk', '/api/anime/bulk', { action: 'monitor', keys: ['demo-academy', 'no-such-series'] });
    await answer('GET /api/wanted', '/api/wanted');
    await answer('POST /api/queue/stop', '/api/queue/stop');
    await answer('POST /api/wanted/download', '/api/wanted/download', { episodes: [{ key: 'demo-academy', season: 2, episode: 1 }] });
    await answer('POST /api/queue/start', '/api/queue/start');
  });

  it("system routes (tasks, checklist, database backups) answer in the contract's shapes", async () => {
    await answer('GET /api/system/tasks', '/api/system/tasks');
    await answer('POST /api/system/tasks/:name/run', '/api/system/tasks/prune-sessions/run');
    await answer('GET /api/system/checklist', '/api/system/checklist');
    const backup = await answer('POST /api/system/backups', '/api/system/backups');
    await answer('GET /api/system/backups', '/api/system/backups');
    // The upload's body is the file itself, not JSON.
    const file = await (await fetch(`${app.url}/api/system/backups/${backup.name}`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    const uploaded = await fetch(`${app.url}/api/system/backups/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Blob([file]),
    });
    expect(uploaded.status).toBe(201);
    const upload = OPERATIONS['POST /api/system/backups/upload'].response!.parse(await uploaded.json());
    checked.add('POST /api/system/backups/upload');
    await answer('POST /api/system/backups/:name/restore', `/api/system/backups/${(upload as { name: string }).name}/restore`);
  });

  it("health, docs, logs, provider checks and diagnostics answer in the contract's shapes", async () => {
    await answer('GET /health', '/health', undefined, { token: undefined });
    await answer('GET /api/health', '/api/health', undefined, { token: undefined });
    await answer('GET /api/docs', '/api/docs', undefined, { token: undefined });
    await answer('GET /api/system/logs', '/api/system/logs?lines=20');
    await answer('GET /api/provider/checks', '/api/provider/checks');
    await answer('POST /api/system/provider-test', '/api/system/provider-test', { query: 'demo' });
    await answer('GET /api/system/diagnostics', '/api/system/diagnostics');
  });

  it("every WebSocket message the app sent matches its type's schema, and every event type was seen", () => {
    const problems = live.messages.flatMap((message) => {
      const parsed = liveMessageSchema.safeParse(message);
      return parsed.success ? [] : [`${message.type}: ${z.prettifyError(parsed.error)} in ${JSON.stringify(message.data).slice(0, 500)}`];
    });
    expect(problems).toEqual([]);
    const seen = new Set(live.messages.map((message) => message.type));
    expect(EVENT_TYPES.filter((type) => !seen.has(type) && !NOT_TRIGGERED_HERE.has(type))).toEqual([]);
    for (const type of NOT_TRIGGERED_HERE) expect(eventSchemas).toHaveProperty(type);
  });

  it("errors answer in the contract's error shape", async () => {
    for (const [method, path, status] of [
      ['GET', '/api/anime/no-such-series', 404],
      ['POST', '/api/queue/add', 422],
      ['GET', '/api/queue/status', 401],
    ] as const) {
      const response = await app.request(method, path, { token: status === 401 ? undefined : token, body: method === 'POST' ? {} : undefined });
      expect(response.status).toBe(status);
      expect(errorSchema.safeParse(response.body).success, JSON.stringify(response.body)).toBe(true);
    }
  });

  it('every route that answers JSON names its response schema', () => {
    const bare = Object.entries(OPERATIONS).filter(([, operation]) => !operation.response);
    const json = bare.filter(([, operation]) => operation.success?.status !== 204 && !operation.success?.contentType);
    expect(json.map(([route]) => route)).toEqual([]);
  });

  it('every route that names a response schema was checked against it here', () => {
    const named = Object.entries(OPERATIONS)
      .filter(([, operation]) => operation.response)
      .map(([route]) => route);
    expect(named.filter((route) => !checked.has(route))).toEqual([]);
  });
});
