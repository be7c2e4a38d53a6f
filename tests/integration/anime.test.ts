import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startAppWithSite } from '../helpers/site-app.ts';
import { inContext } from '../../backend/db/context.ts';
import type { DomainEvent, DomainEventType } from '../../backend/events/bus.ts';

let site: FixtureSite;
let app: TestApp;
let token: string;
const events: DomainEvent[] = [];

beforeAll(async () => {
  ({ site, app, token } = await startAppWithSite(3));
  app.running.services.events.subscribe((event) => events.push(event));
});
afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

function nextEvent<K extends DomainEventType>(type: K, predicate: (event: DomainEvent<K>) => boolean = () => true): Promise<DomainEvent<K>> {
  return new Promise((resolve) => {
    const stop = app.running.services.events.subscribe((event) => {
      if (event.type === type && predicate(event as DomainEvent<K>)) {
        stop();
        resolve(event as DomainEvent<K>);
      }
    });
  });
}

describe('/api/anime', () => {
  it('needs authentication', async () => {
    expect((await app.request('GET', '/api/anime')).status).toBe(401);
  });

  it('searches the provider', async () => {
    const result = await call('POST', '/api/anime/search', { query: 'Demo' });
    expect(result.status).toBe(200);
    expect(result.body).toEqual([
      expect.objectContaining({ key: 'demo-academy', name: 'Demo Academy', link: `${site.url}/anime/stream/demo-academy`, added: false }),
    ]);
    expect((await call('POST', '/api/anime/search', { query: '' })).status).toBe(422);
  });

  it('search results carry the year and cover from the series page', async () => {
    const [result] = (await call('POST', '/api/anime/search', { query: 'Demo' })).body;
    expect(result).toMatchObject({ key: 'demo-academy', year: 2019, cover: expect.stringMatching(/^http/) });
  });

  it('a pasted series link finds that series', async () => {
    const found = await call('POST', '/api/anime/search', { query: `  ${site.url}/anime/stream/demo-academy  ` });
    expect(found.status).toBe(200);
    expect(found.body).toEqual([expect.objectContaining({ key: 'demo-academy', name: 'Demo Academy', year: 2019, added: false })]);
    // A link to another site is searched as text and finds nothing, rather than fetching that site.
    expect((await call('POST', '/api/anime/search', { query: 'https://example.com/anime/stream/demo-academy' })).body).toEqual([]);
  });

  it('adds by key: folder, .aniworld.json, tvshow.nfo, provider episodes, all missing', async () => {
    const added = nextEvent('series_added');
    const result = await call('POST', '/api/anime/add', { key: 'demo-academy' });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      key: 'demo-academy',
      name: 'Demo Academy',
      folder: 'Demo Academy (2019)',
      year: 2019,
      monitored: true,
      genres: expect.arrayContaining(['Action']),
      imdb_id: 'tt0000001',
    });
    expect(result.body.missing_episodes).toEqual({ 1: [1, 2, 3], 2: [1, 2] });
    expect(result.body.episodes['1']).toHaveLength(3);
    expect(result.body.episodes['1'][0]).toMatchObject({ number: 1, downloaded: false, missing: true, file_path: null, on_provider: true });
    expect((await added).data).toMatchObject({ key: 'demo-academy', folder: 'Demo Academy (2019)', name: 'Demo Academy' });

    const folder = join(app.mediaDir, 'Demo Academy (2019)');
    expect(JSON.parse(await readFile(join(folder, '.aniworld.json'), 'utf8'))).toMatchObject({ key: 'demo-academy', name: 'Demo Academy' });
    const nfo = await readFile(join(folder, 'tvshow.nfo'), 'utf8');
    expect(nfo).toContain('<title>Demo Academy</title>');
    expect(nfo).toContain('<uniqueid type="imdb" default="true">tt0000001</uniqueid>');

    const again = await call('POST', '/api/anime/add', { key: 'demo-academy' });
    expect(again.status).toBe(409);
    expect((await call('POST', '/api/anime/search', { query: 'Demo' })).body[0].added).toBe(true);
  });

  it('adds by link of the configured host only; films are season 0', async () => {
    const foreign = await call('POST', '/api/anime/add', { link: 'https://evil.example/anime/stream/film-collection' });
    expect(foreign.status).toBe(422);
    expect((await call('POST', '/api/anime/add', { link: `${site.url}/support/frage/1` })).status).toBe(422);
    expect((await call('POST', '/api/anime/add', {})).status).toBe(422);

    const result = await call('POST', '/api/anime/add', { link: `${site.url}/anime/stream/film-collection`, monitored: true });
    expect(result.status).toBe(201);
    expect(result.body.missing_episodes).toEqual({ 0: [1, 2], 1: [1, 2] });
    expect(result.body.has_films).toBe(true);
    // The site's [Movie] / [OVA] / [Episode 001] suffixes are the stored type, not part of the titles.
    expect(result.body.episodes['0'].map((film: { number: number; title_en: string; type: string }) => [film.number, film.title_en, film.type])).toEqual([
      [1, 'The Movie Part 1', 'movie'],
      [2, 'The Movie Part 2', 'ova'],
    ]);
    expect(result.body.episodes['1'][0]).toMatchObject({ title_en: 'Episode 1 of season 1', type: 'episode' });
    expect(result.body.genres).toEqual(['Action', 'Abenteuer']);
  });

  it('answers 404 for a series the provider shows its "not found" box for', async () => {
    const missing = await call('POST', '/api/anime/add', { key: 'no-such-series' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'provider_not_found', message: expect.stringMatching(/^the provider has no series "no-such-series"/) });
  });

  it('lists summaries with missing episodes and counts', async () => {
    const list = await call('GET', '/api/anime');
    expect(list.status).toBe(200);
    expect(list.body.map((item: { key: string }) => item.key)).toEqual(['demo-academy', 'film-collection']);
    expect(list.body[0]).toMatchObject({
      key: 'demo-academy',
      name: 'Demo Academy',
      site: new URL(site.url).host,
      folder: 'Demo Academy (2019)',
      link: `${site.url}/anime/stream/demo-academy`,
      missing_episodes: { 1: [1, 2, 3], 2: [1, 2] },
      episode_count: 5,
      downloaded_count: 0,
      missing_count: 5,
    });
  });

  it('rescans one series after files appear, in any naming pattern', async () => {
    const folder = join(app.mediaDir, 'Demo Academy (2019)');
    await mkdir(join(folder, 'Season 01'), { recursive: true });
    await writeFile(join(folder, 'Season 01', 'Demo Academy - S01E01 - Ankunft.mp4'), 'video');
    await writeFile(join(folder, 'demo.academy.s02e002.mkv'), 'video');
    await writeFile(join(folder, 'Demo Academy - S01E02.mp4.part'), 'partial');
    const scan = await call('POST', '/api/anime/demo-academy/rescan');
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({ key: 'demo-academy', changed: true, episodes: 2 });
    const detail = await call('GET', '/api/anime/demo-academy');
    expect(detail.body.missing_episodes).toEqual({ 1: [2, 3], 2: [1] });
    expect(detail.body.episodes['1'][0]).toMatchObject({
      downloaded: true,
      missing: false,
      file_path: join(folder, 'Season 01', 'Demo Academy - S01E01 - Ankunft.mp4'),
      size: 5,
    });
    expect((await call('POST', '/api/anime/nope/rescan')).status).toBe(404);
  });

  it('runs a full rescan in the background with events carrying key and folder', async () => {
    await mkdir(join(app.mediaDir, 'Film Collection (2015)', 'Filme'), { recursive: true });
    await writeFile(join(app.mediaDir, 'Film Collection (2015)', 'Filme', 'Film Collection - Film 2.mp4'), 'f');
    events.length = 0;
    const complete = nextEvent('scan_complete', (event) => event.data.scope === 'library');
    const started = await call('POST', '/api/anime/rescan');
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ status: 'started' });
    expect((await complete).data).toMatchObject({ scope: 'library', series: 2, changed: 1 });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['scan_started', 'scan_progress', 'scan_complete']));
    const progress = events.find((event) => event.type === 'scan_progress')!;
    expect(progress.data).toMatchObject({ current: 2, total: 2, key: 'film-collection', folder: 'Film Collection (2015)' });
    expect((await call('GET', '/api/anime/film-collection')).body.missing_episodes).toEqual({ 0: [1], 1: [1, 2] });

    // A request while a scan runs joins it instead of starting a second one.
    const series = app.running.services.series;
    const done = nextEvent('scan_complete', (event) => event.data.scope === 'library');
    expect([series.requestLibraryScan().status, series.requestLibraryScan().status]).toEqual(['started', 'running']);
    await done;
    expect(series.isScanning()).toBe(false);
  });

  it('unmonitored series have nothing missing; PATCH validates', async () => {
    const patched = await call('PATCH', '/api/anime/film-collection', { monitored: false, preferred_language: 'German Sub' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ monitored: false, preferred_language: 'German Sub', missing_episodes: {} });
    expect((await call('PATCH', '/api/anime/film-collection', { preferred_language: 'Klingon' })).status).toBe(422);
    expect((await call('PATCH', '/api/anime/film-collection', { monitored: true })).body.missing_episodes).toEqual({ 0: [1], 1: [1, 2] });
  });

  it('refreshes provider data on demand', async () => {
    const result = await call('POST', '/api/anime/demo-academy/refresh');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ key: 'demo-academy', seasons: 2, episodes: 5 });
  });

  it('keeps a hostile title inside the media folder, for the folder and every download target', async () => {
    const result = await call('POST', '/api/anime/add', { key: 'hostile-title' });
    expect(result.status).toBe(201);
    expect(result.body.folder).toBe('-..-x (2021)');
    const series = app.running.services.series;
    const target = await inContext(app.running.orm, () => series.episodeTarget('hostile-title', 1, 1, 'German Dub', 'mp4'));
    expect(target).toBe(join(app.mediaDir, '-..-x (2021)', 'Season 01', '-..-x - S01E01 - ..-..-..-etc.mp4'));
    const english = await inContext(app.running.orm, () => series.episodeTarget('hostile-title', 1, 1, 'English Sub', 'mp4'));
    expect(english).toBe(join(app.mediaDir, '-..-x (2021)', 'Season 01', '-..-x - S01E01 - a-b-c-def.mp4'));
    await expect(inContext(app.running.orm, () => series.episodeTarget('hostile-title', 1, 1, null, '../mp4'))).rejects.toMatchObject({ status: 422 });
    expect(await readdir(app.root)).toEqual(expect.not.arrayContaining(['x']));
  });

  it('records a finished download at once and refuses paths outside the series folder', async () => {
    const series = app.running.services.series;
    const target = await inContext(app.running.orm, () => series.episodeTarget('demo-academy', 1, 3, 'German Dub', 'mkv'));
    expect(target).toBe(
      join(
        app.mediaDir,
        'Demo Academy (2019)',
        'Season 01',
        'Demo Academy - S01E03 - Folge 3.mkv'.replace('Folge 3', (await call('GET', '/api/anime/demo-academy')).body.episodes['1'][2].title_de),
      ),
    );
    await writeFile(target, 'abc');
    await inContext(app.running.orm, () => series.markEpisodeDownloaded('demo-academy', 1, 3, target, 3));
    expect((await call('GET', '/api/anime/demo-academy')).body.missing_episodes).toEqual({ 1: [2], 2: [1] });
    await expect(
      inContext(app.running.orm, () => series.markEpisodeDownloaded('demo-academy', 1, 2, join(app.mediaDir, 'other.mkv'), 1)),
    ).rejects.toMatchObject({ code: 'unsafe_path' });
    expect(await inContext(app.running.orm, () => series.missingEpisodes('demo-academy'))).toEqual([
      expect.objectContaining({ season: 1, episode: 2 }),
      expect.objectContaining({ season: 2, episode: 1 }),
    ]);
    expect(await inContext(app.running.orm, () => series.keyForPath(target))).toBe('demo-academy');
    expect(await inContext(app.running.orm, () => series.keyForPath(join(app.root, 'elsewhere')))).toBeUndefined();
  });

  it('previews naming templates for the panel', async () => {
    const preview = await call('POST', '/api/anime/naming/preview', {
      episode_template: '{Series Title} {season:00}x{episode:000}',
      season_folder_template: 'S{season}',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.examples[0].path).toBe("Frieren - Beyond Journey's End (2023)/S1/Frieren - Beyond Journey's End 01x001.mp4");
    expect((await call('POST', '/api/anime/naming/preview', {})).body.examples[0].path).toMatch(/\/Season 01\/.* - S01E01 - /);
    const bad = await call('POST', '/api/anime/naming/preview', { episode_template: '{Quality}' });
    expect(bad.status).toBe(422);
  });

  it('imports an unknown folder through suggested matches', async () => {
    await mkdir(join(app.mediaDir, 'Still Running (2024) [1080p]'), { recursive: true });
    await writeFile(join(app.mediaDir, 'Still Running (2024) [1080p]', 'Still Running S01E02.mkv'), 'x');
    const candidates = await call('GET', '/api/anime/import');
    expect(candidates.status).toBe(200);
    expect(candidates.body.total).toBe(1);
    expect(candidates.body.items[0]).toMatchObject({
      folder: 'Still Running (2024) [1080p]',
      query: 'Still Running',
      episode_files: 1,
      suggestions: [expect.objectContaining({ key: 'still-running' })],
    });

    expect((await call('POST', '/api/anime/import', { folder: '../data', key: 'still-running' })).status).toBe(422);
    expect((await call('POST', '/api/anime/import', { folder: 'Nope', key: 'still-running' })).status).toBe(404);
    expect((await call('POST', '/api/anime/import', { folder: 'Demo Academy (2019)', key: 'still-running' })).status).toBe(409);
    const imported = await call('POST', '/api/anime/import', { folder: 'Still Running (2024) [1080p]', key: 'still-running' });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ key: 'still-running', folder: 'Still Running (2024) [1080p]', missing_episodes: { 1: [1] } });
    expect(JSON.parse(await readFile(join(app.mediaDir, 'Still Running (2024) [1080p]', '.aniworld.json'), 'utf8')).key).toBe('still-running');
    expect((await call('GET', '/api/anime/import')).body.total).toBe(0);
  });

  it('deletes with and without files', async () => {
    const keep = await call('DELETE', '/api/anime/film-collection');
    expect(keep.status).toBe(200);
    expect(keep.body).toEqual({ key: 'film-collection', folder: 'Film Collection (2015)', files_deleted: false });
    expect(await exists(join(app.mediaDir, 'Film Collection (2015)', 'Filme', 'Film Collection - Film 2.mp4'))).toBe(true);
    expect((await call('GET', '/api/anime/film-collection')).status).toBe(404);

    const removed = await call('DELETE', '/api/anime/hostile-title?delete_files=true');
    expect(removed.body.files_deleted).toBe(true);
    expect(await exists(join(app.mediaDir, '-..-x (2021)'))).toBe(false);
    expect(await exists(app.mediaDir)).toBe(true);
    expect((await call('DELETE', '/api/anime/hostile-title')).status).toBe(404);
  });

  it('rebuilds the library from .aniworld.json files after the database is lost', async () => {
    await call('DELETE', '/api/anime/demo-academy');
    await call('DELETE', '/api/anime/still-running');
    const summary = await app.running.services.series.scanLibrary();
    expect(summary).toMatchObject({ linked: 3, unknown_folders: [] });
    const list = await call('GET', '/api/anime');
    expect(list.body.map((item: { key: string }) => item.key).sort()).toEqual(['demo-academy', 'film-collection', 'still-running']);
  });
});
