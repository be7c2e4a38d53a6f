import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readdir, writeFile, access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import { ensureMedia } from '../../scripts/fixture-site/media.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { isVideoFile, parseEpisodeFile } from '../../backend/library/episode-file.ts';
import { itemOf, nextEvent, startQueueApp } from './queue-helpers.ts';
import { Receiver } from '../notifications/receiver.ts';
import { LiveClient, wsUrl } from '../ws/ws-client.ts';

let site: FixtureSite;
let app: TestApp;
let token: string;
let receiver: Receiver;

beforeAll(async () => {
  await ensureMedia();
  ({ site, app, token } = await startQueueApp({ series: [] }));
  receiver = await Receiver.start();
  // Every refresh reads the provider's pages again (a dub that just arrived is seen at once).
  await app.running.services.settings.patch({ provider: { cache_ttl_seconds: 0 } });
});
afterAll(async () => {
  for (const line of app?.logs ?? []) if (Number(line.level) >= 50) console.error(JSON.stringify(line).slice(0, 1500));
  await app?.dispose();
  await site?.close();
  await receiver?.stop();
});
beforeEach(async () => {
  await app.running.services.settings.patch({ downloads: { upgrade_language: true, languages: ['German Dub', 'German Sub', 'English Sub'] } });
});

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const episodeOf = (detail: any, season: number, number: number) => (detail.episodes[String(season)] as any[]).find((episode) => episode.number === number);

async function addSeries(key: string): Promise<any> {
  const added = await call('POST', '/api/anime/add', { key });
  expect(added.status).toBe(201);
  return added.body;
}

/** Every video file of the episode anywhere in the series folder (what a player would see). */
async function videoFilesOf(folderPath: string, season: number, number: number): Promise<string[]> {
  const entries = await readdir(folderPath, { recursive: true });
  return entries
    .map(String)
    .filter((name) => isVideoFile(name) && parseEpisodeFile(basename(name))?.season === season && parseEpisodeFile(basename(name))?.number === number);
}

async function downloadOnce(key: string, season: number, episode: number): Promise<void> {
  const completed = nextEvent(app, 'download_complete', (event) => event.data.key === key && event.data.season === season && event.data.episode === episode);
  const queued = await call('POST', '/api/queue/add', { serie_id: key, episodes: [{ season, episode }] });
  expect(queued.status).toBe(201);
  await completed;
}

describe('language of each file and upgrades to the wanted language', () => {
  it('downloads the German Sub, then replaces it in place once a refresh finds the German Dub', async () => {
    site.setLanguages('still-running', 1, 1, [3]);
    const detail = await addSeries('still-running');
    expect(episodeOf(detail, 1, 1).languages).toEqual(['German Sub']);

    await downloadOnce('still-running', 1, 1);
    const before = (await call('GET', '/api/anime/still-running')).body;
    const sub = episodeOf(before, 1, 1);
    expect(sub).toMatchObject({ downloaded: true, language: 'German Sub', upgradable: false });
    expect(before.upgradable_count).toBe(0);
    expect(before.upgrade_cutoff).toBe('German Dub');

    // A webhook and a WebSocket client hear of the upgrade.
    const hook = await call('POST', '/api/webhooks', { name: 'upgrades', url: `${receiver.url}/hook`, kind: 'json', events: ['episode_upgraded'] });
    expect(hook.status).toBe(201);
    const live = await LiveClient.open(wsUrl(app.url, `?token=${token}`));
    await live.waitFor((message) => message.type === 'connected', 'connected');
    const heard = live.waitFor((message) => message.type === 'episode_upgraded', 'episode_upgraded');

    // The dub arrives on the provider; the refresh queues the upgrade and it runs by itself.
    site.addLanguage('still-running', 1, 1, 1);
    const upgraded = nextEvent(app, 'episode_upgraded', (event) => event.data.key === 'still-running' && event.data.episode === 1);
    const refreshed = await call('POST', '/api/anime/still-running/refresh');
    expect(refreshed.status).toBe(200);
    const event = await upgraded;
    expect(event.data).toMatchObject({ from_language: 'German Sub', to_language: 'German Dub', season: 1, episode: 1, folder: before.folder });
    expect((await heard).data).toMatchObject({ key: 'still-running', from_language: 'German Sub', to_language: 'German Dub' });
    live.close();
    const [delivered] = await receiver.waitForRequests(1);
    expect(JSON.parse(delivered.body)).toMatchObject({
      event: 'episode_upgraded',
      data: { key: 'still-running', season: 1, episode: 1, from_language: 'German Sub', to_language: 'German Dub' },
    });
    await call('DELETE', `/api/webhooks/${hook.body.id}`);

    const after = (await call('GET', '/api/anime/still-running')).body;
    const dub = episodeOf(after, 1, 1);
    expect(dub).toMatchObject({ downloaded: true, language: 'German Dub', upgradable: false });
    // The default template has no {Language}: the new file took the old one's name.
    expect(dub.file_path).toBe(sub.file_path);
    expect(event.data.file_path).toBe(dub.file_path);
    expect(await videoFilesOf(after.folder_path, 1, 1)).toHaveLength(1);
    expect((await readdir(join(after.folder_path, 'Season 01'))).filter((name) => name.endsWith('.part'))).toEqual([]);
    expect(after.missing_count).toBe(before.missing_count);
    expect(after.downloaded_count).toBe(before.downloaded_count);

    // The history says it was an upgrade, with both languages.
    const status = (await call('GET', '/api/queue/status')).body;
    const item = itemOf(status, String(event.data.item_id));
    expect(item).toMatchObject({ status: 'completed', kind: 'upgrade', upgrade_from: 'German Sub', language: 'German Dub', language_used: 'German Dub' });

    // A second refresh finds nothing new to upgrade.
    const again = (await call('POST', '/api/anime/still-running/refresh')).body;
    expect(episodeOf(again.anime, 1, 1).language).toBe('German Dub');
    expect(((await call('GET', '/api/queue/status')).body.pending_queue as any[]).filter((entry) => entry.key === 'still-running')).toEqual([]);
  });

  it('renames the file with the language when the template names it, and removes the old one', async () => {
    await app.running.services.settings.patch({ naming: { episode_template: '{Series Title} - S{season:00}E{episode:00} - {Language}' } });
    try {
      site.setLanguages('film-collection', 1, 2, [3]);
      await addSeries('film-collection');
      await downloadOnce('film-collection', 1, 2);
      const before = episodeOf((await call('GET', '/api/anime/film-collection')).body, 1, 2);
      expect(before.file_path).toMatch(/S01E02 - German Sub\.mp4$/);

      site.addLanguage('film-collection', 1, 2, 1);
      const upgraded = nextEvent(app, 'episode_upgraded', (event) => event.data.key === 'film-collection');
      await call('POST', '/api/anime/film-collection/refresh');
      const event = await upgraded;
      expect(event.data.previous_file_path).toBe(before.file_path);

      const detail = (await call('GET', '/api/anime/film-collection')).body;
      const after = episodeOf(detail, 1, 2);
      expect(after).toMatchObject({ language: 'German Dub' });
      expect(after.file_path).toMatch(/S01E02 - German Dub\.mp4$/);
      expect(await exists(before.file_path)).toBe(false);
      expect(await videoFilesOf(detail.folder_path, 1, 2)).toEqual([join('Season 01', basename(after.file_path))]);
    } finally {
      await app.running.services.settings.patch({ naming: { episode_template: '{Series Title} - S{season:00}E{episode:00} - {Episode Title}' } });
    }
  });

  it('reads the language of an existing file from its name; upgradable is its own count, switched per series', async () => {
    const added = await addSeries('demo-academy');
    await writeFile(join(added.folder_path, 'Demo Academy - S01E03 - (German Sub).mp4'), 'old sub bytes');
    await call('POST', '/api/anime/demo-academy/rescan');
    const detail = (await call('GET', '/api/anime/demo-academy')).body;
    expect(episodeOf(detail, 1, 3)).toMatchObject({ downloaded: true, language: 'German Sub', missing: false, upgradable: true });
    expect(detail.upgradable_count).toBe(1);
    expect(detail.missing_count).toBe(4);
    const summary = (await call('GET', '/api/anime')).body.find((entry: any) => entry.key === 'demo-academy');
    expect(summary).toMatchObject({ upgradable_count: 1, missing_count: 4, upgrade_language: true });

    // Off for this series: nothing is upgradable and nothing is queued.
    const off = await call('PATCH', '/api/anime/demo-academy', { upgrade_language: false });
    expect(off.body).toMatchObject({ upgrade_language: false, upgrades_enabled: false, upgradable_count: 0 });
    expect((await call('POST', '/api/queue/add-upgrades', { key: 'demo-academy' })).body.item_ids).toEqual([]);
    expect((await call('GET', '/api/anime')).body.find((entry: any) => entry.key === 'demo-academy').upgradable_count).toBe(0);
    // Off for the whole library too.
    await call('PATCH', '/api/anime/demo-academy', { upgrade_language: true });
    await app.running.services.settings.patch({ downloads: { upgrade_language: false } });
    expect((await call('GET', '/api/anime/demo-academy')).body).toMatchObject({ upgrades_enabled: false, upgradable_count: 0 });
    expect((await call('GET', '/api/anime')).body.find((entry: any) => entry.key === 'demo-academy').upgradable_count).toBe(0);
    await app.running.services.settings.patch({ downloads: { upgrade_language: true } });

    // Queued by hand: the imported file is replaced by the download in the series' layout.
    // The queue stands still while the skips are checked (the download would otherwise be quick to finish).
    await call('POST', '/api/queue/stop');
    const upgraded = nextEvent(app, 'episode_upgraded', (event) => event.data.key === 'demo-academy');
    const queued = await call('POST', '/api/queue/add-upgrades', { key: 'demo-academy' });
    expect(queued.status).toBe(201);
    expect(queued.body.item_ids).toHaveLength(1);
    const again = await call('POST', '/api/queue/add-upgrades', { key: 'demo-academy' });
    expect(again.body.skipped).toEqual([{ season: 1, episode: 3, reason: 'already in the queue' }]);
    const plain = await call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 3 }] });
    expect(plain.body.skipped).toEqual([{ season: 1, episode: 3, reason: 'already in the queue' }]);
    await call('POST', '/api/queue/start');
    await upgraded;
    const after = (await call('GET', '/api/anime/demo-academy')).body;
    expect(episodeOf(after, 1, 3)).toMatchObject({ language: 'German Dub', upgradable: false });
    expect(await videoFilesOf(after.folder_path, 1, 3)).toHaveLength(1);
    expect(await exists(join(after.folder_path, 'Demo Academy - S01E03 - (German Sub).mp4'))).toBe(false);
    expect(after.upgradable_count).toBe(0);
  });

  it('answers a clear error for an unknown series and a bad body', async () => {
    expect((await call('POST', '/api/queue/add-upgrades', { key: 'no-such-series' })).status).toBe(404);
    const bad = await call('POST', '/api/queue/add-upgrades', { key: 'Not A Key' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/series key/);
    expect((await call('PATCH', '/api/anime/still-running', { upgrade_language: 'yes' })).status).toBe(422);
    expect((await app.request('POST', '/api/queue/add-upgrades', { body: { key: 'still-running' } })).status).toBe(401);
  });
});
