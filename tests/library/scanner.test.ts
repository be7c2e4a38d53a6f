import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inContext } from '../../backend/db/context.ts';
import { scanSeriesFolder } from '../../backend/library/scanner.ts';
import { query, startLibrary, type Library } from './library-fixture.ts';

let lib: Library;
beforeEach(async () => {
  lib = await startLibrary();
});
afterEach(async () => {
  await lib.close();
});

const link = (key: string, name = key) => JSON.stringify({ key, name });

async function episodes(key: string) {
  return query<{ season: number; number: number; downloaded: number; file_path: string | null; size: number | null; on_provider: number }>(
    lib.orm,
    'select e.season, e.number, e.downloaded, e.file_path, e.size, e.on_provider from episode e join series s on s.id = e.series_id where s.key = ? order by e.season, e.number',
    [key],
  );
}

describe('scanSeriesFolder', () => {
  it('reads flat folders and season folders, films, and ignores junk', async () => {
    await lib.files({
      'Show/Show - S01E01 - Pilot.mp4': 'x',
      'Show/show.s01e02.mkv': '',
      'Show/Season 02/Show S02E010.mkv': '',
      'Show/Staffel 3/Show - S03E01 - (German Dub).mp4': '',
      'Show/Specials/Show - Film 2.mp4': '',
      'Show/Show - Movie 1.mkv': '',
      'Show/Season 00/Show S00E03.mkv': '',
      'Show/Show - S01E03.mp4.part': '',
      'Show/Show - S01E04.srt': '',
      'Show/poster.jpg': '',
      'Show/tvshow.nfo': '',
      'Show/Extras/Show - S09E09.mp4': '',
      'Show/Season 02/nested/Show - S02E11.mp4': '',
    });
    const scan = scanSeriesFolder(lib.root, 'Show');
    expect(scan.episodes.map((e) => [e.season, e.number, e.file])).toEqual([
      [0, 1, 'Show - Movie 1.mkv'],
      [0, 2, 'Specials/Show - Film 2.mp4'],
      [0, 3, 'Season 00/Show S00E03.mkv'],
      [1, 1, 'Show - S01E01 - Pilot.mp4'],
      [1, 2, 'show.s01e02.mkv'],
      [2, 10, 'Season 02/Show S02E010.mkv'],
      [3, 1, 'Staffel 3/Show - S03E01 - (German Dub).mp4'],
    ]);
    expect(scan.hasLinkFile).toBe(false);
  });

  it('keeps one file per episode and changes the signature only when files change', async () => {
    await lib.files(['A/A - S01E01 - (German Dub).mp4', 'A/A - S01E01 - (English Sub).mp4']);
    const first = scanSeriesFolder(lib.root, 'A');
    expect(first.episodes).toHaveLength(1);
    expect(scanSeriesFolder(lib.root, 'A').signature).toBe(first.signature);
    await lib.files(['A/A - S01E02.mp4']);
    expect(scanSeriesFolder(lib.root, 'A').signature).not.toBe(first.signature);
    expect(scanSeriesFolder(lib.root, 'missing').episodes).toEqual([]);
  });
});

describe('LibraryScanService', () => {
  it('links folders by .aniworld.json and legacy key file, reports unknown folders, stores episodes without stat', async () => {
    await lib.files({
      'Linked (2020)/.aniworld.json': link('linked-show', 'Linked Show'),
      'Linked (2020)/Season 01/Linked - S01E01.mp4': '12345',
      'Linked (2020)/Season 01/Linked - S01E02.mkv': '',
      'Legacy/key': 'legacy-show\n',
      'Legacy/Legacy - S01E01.mp4': '',
      'Unknown Folder/Unknown - S01E01.mp4': '',
      'Broken Link/.aniworld.json': '{not json',
      '.hidden/x - S01E01.mp4': '',
      'stray-file.mp4': '',
    });
    const summary = await lib.scanner.scanLibrary();
    expect(summary).toMatchObject({ folders: 4, series: 2, linked: 2, unknown_folders: ['Broken Link', 'Unknown Folder'], episodes_added: 3 });

    const series = await query<{ key: string; folder: string; name: string; link: string; site: string }>(
      lib.orm,
      'select key, folder, name, link, site from series order by key',
    );
    expect(series).toEqual([
      { key: 'legacy-show', folder: 'Legacy', name: 'Legacy', link: 'https://aniworld.to/anime/stream/legacy-show', site: 'aniworld.to' },
      { key: 'linked-show', folder: 'Linked (2020)', name: 'Linked Show', link: 'https://aniworld.to/anime/stream/linked-show', site: 'aniworld.to' },
    ]);
    expect(await episodes('linked-show')).toEqual([
      { season: 1, number: 1, downloaded: 1, file_path: 'Season 01/Linked - S01E01.mp4', size: null, on_provider: 0 },
      { season: 1, number: 2, downloaded: 1, file_path: 'Season 01/Linked - S01E02.mkv', size: null, on_provider: 0 },
    ]);

    const types = lib.events.map((event) => event.type);
    expect(types[0]).toBe('scan_started');
    expect(types).toContain('scan_progress');
    expect(types.at(-1)).toBe('scan_complete');
    const progress = lib.events.find((event) => event.type === 'scan_progress')!;
    expect(progress.data).toMatchObject({ current: 4, total: 4 });
  });

  it('a second scan without changes writes nothing; changes are picked up; a vanished folder empties its series', async () => {
    await lib.files({ 'S/.aniworld.json': link('s'), 'S/S - S01E01.mp4': '', 'S/S - S01E02.mp4': '' });
    await lib.scanner.scanLibrary();
    const again = await lib.scanner.scanLibrary();
    expect(again).toMatchObject({ changed: 0, episodes_added: 0, episodes_updated: 0, episodes_removed: 0 });

    await rm(join(lib.root, 'S/S - S01E02.mp4'));
    await lib.files(['S/Season 01/S - S01E03.mp4']);
    expect(await lib.scanner.scanLibrary()).toMatchObject({ changed: 1, episodes_added: 1, episodes_removed: 1 });
    expect((await episodes('s')).map((e) => e.number)).toEqual([1, 3]);

    await rm(join(lib.root, 'S'), { recursive: true });
    expect(await lib.scanner.scanLibrary()).toMatchObject({ series: 0, changed: 1, episodes_removed: 2 });
    expect(await episodes('s')).toEqual([]);
  });

  it('keeps provider episodes when their file goes away and follows a renamed folder', async () => {
    await lib.files({ 'Old/.aniworld.json': link('moved'), 'Old/M - S01E01.mp4': '' });
    await lib.scanner.scanLibrary();
    await query(lib.orm, 'update episode set on_provider = 1');
    await rename(join(lib.root, 'Old'), join(lib.root, 'New Name'));
    const summary = await lib.scanner.scanLibrary();
    expect(summary).toMatchObject({ series: 1, unknown_folders: [] });
    expect((await query<{ folder: string }>(lib.orm, 'select folder from series'))[0].folder).toBe('New Name');
    expect(await episodes('moved')).toMatchObject([{ downloaded: 1, on_provider: 1 }]);

    await rm(join(lib.root, 'New Name/M - S01E01.mp4'));
    await lib.scanner.scanLibrary();
    expect(await episodes('moved')).toEqual([{ season: 1, number: 1, downloaded: 0, file_path: null, size: null, on_provider: 1 }]);
  });

  it('scanSeries rescans one series only and joins concurrent library scans', async () => {
    await lib.files({ 'A/.aniworld.json': link('a'), 'B/.aniworld.json': link('b') });
    const [first, second] = await Promise.all([lib.scanner.scanLibrary(), lib.scanner.scanLibrary()]);
    expect(first).toBe(second);
    expect(lib.events.filter((event) => event.type === 'scan_started')).toHaveLength(1);

    await lib.files(['A/A - S01E01.mp4', 'B/B - S01E01.mp4']);
    lib.events.length = 0;
    const result = await inContext(lib.orm, () => lib.scanner.scanSeries('a'));
    expect(result).toEqual({ key: 'a', folder: 'A', changed: true, episodes: 1 });
    expect(await episodes('a')).toHaveLength(1);
    expect(await episodes('b')).toHaveLength(0);
    expect(lib.events.map((event) => [event.type, ...('key' in event.data ? [event.data.key, event.data.folder] : [])])).toEqual([
      ['scan_started', 'a', 'A'],
      ['scan_complete', 'a', 'A'],
    ]);
    expect((await inContext(lib.orm, () => lib.scanner.scanSeries('a'))).changed).toBe(false);
    await expect(inContext(lib.orm, () => lib.scanner.scanSeries('nope'))).rejects.toMatchObject({ status: 404 });
  });

  it('publishes scan_failed when the media folder cannot be read', async () => {
    await rm(lib.root, { recursive: true });
    await writeFile(lib.root, 'not a folder');
    await expect(lib.scanner.scanLibrary()).rejects.toThrow(/ENOTDIR|not a directory/);
    expect(lib.events.at(-1)?.type).toBe('scan_failed');
  });
});
