import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startAppWithSite } from '../helpers/site-app.ts';
import type { DomainEvent } from '../../backend/events/bus.ts';
import { inContext } from '../../backend/db/context.ts';
import { Episode } from '../../backend/modules/series/episode.entity.ts';
import { Series } from '../../backend/modules/series/series.entity.ts';

/** Organize: existing files renamed to the naming templates, companions along, nothing overwritten. */
let site: FixtureSite;
let app: TestApp;
let token: string;
let outside: string;
const renamed: DomainEvent[] = [];

const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

const S1E1 = 'Season 01/Old Layout - S01E01 - Folge 1 der Staffel 1';
const S1E2 = 'Season 01/Old Layout - S01E02 - Folge 2 der Staffel 1';
const S2E1 = 'Season 02/Old Layout - S02E01 - Folge 1 der Staffel 2';
const FILM = 'Season 00/Old Layout - S00E01 - The Movie Part 1';

/** The old layout: every file at the series root, with subtitles, NFO and thumbnail beside the videos. */
const OLD_FILES: Record<string, Buffer> = {
  'Old Layout S01E01.mkv': randomBytes(256 * 1024),
  'Old Layout S01E01.srt': Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHallo\n'),
  'Old Layout S01E01.de.forced.ass': Buffer.from('[Script Info]\nTitle: forced\n'),
  'Old Layout S01E01-thumb.jpg': randomBytes(2048),
  'Old Layout S01E01.nfo': Buffer.from('<episodedetails><title>One</title></episodedetails>'),
  'Old Layout S01E02.mp4': randomBytes(128 * 1024),
  'Old Layout S01E02.en.srt': Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHello\n'),
  'Old Layout S02E01.mkv': randomBytes(64 * 1024),
  'Old Layout S02E01.srt': Buffer.from('season two subtitles'),
  'Old Layout Film 1.mp4': randomBytes(32 * 1024),
  'notes.txt': Buffer.from('not an episode'),
};
const hashes = new Map<string, string>();

beforeAll(async () => {
  ({ site, app, token } = await startAppWithSite(0));
  app.running.services.events.subscribe((event) => {
    if (event.type === 'episodes_renamed') renamed.push(event);
  });

  const folder = join(app.mediaDir, 'Old Layout');
  await mkdir(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(OLD_FILES)) {
    await writeFile(join(folder, name), bytes);
    hashes.set(name, createHash('sha256').update(bytes).digest('hex'));
  }
  // A clash: the subtitle target of S02E01 exists already (another tool put it there).
  await mkdir(join(folder, 'Season 02'));
  await writeFile(join(folder, `${S2E1}.srt`), "someone else's subtitles");
  // An escape: the films' season folder is a link to a folder outside the media root.
  outside = join(app.root, 'outside');
  await mkdir(outside);
  await symlink(outside, join(folder, 'Season 00'));

  const imported = await call('POST', '/api/anime/import', { folder: 'Old Layout', key: 'old-layout' });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
});
afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

describe('Organize (rename to the naming templates)', () => {
  it('needs authentication and a known series', async () => {
    expect((await app.request('GET', '/api/anime/old-layout/rename')).status).toBe(401);
    expect((await app.request('POST', '/api/rename')).status).toBe(401);
    expect((await call('GET', '/api/anime/no-such-series/rename')).status).toBe(404);
    expect((await call('POST', '/api/anime/no-such-series/rename')).status).toBe(404);
    const bad = await call('POST', '/api/rename', { keys: ['../etc'] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/keys\.0: not a series key/);
  });

  it('previews the moves, companions included, and reports the clash and the escape without moving anything', async () => {
    const preview = await call('GET', '/api/anime/old-layout/rename');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ key: 'old-layout', folder: 'Old Layout', name: 'Old Layout' });
    expect(preview.body.moves.map((move: { from: string; to: string; kind: string }) => [move.from, move.to, move.kind])).toEqual([
      ['Old Layout S01E01.mkv', `${S1E1}.mkv`, 'episode'],
      ['Old Layout S01E01-thumb.jpg', `${S1E1}-thumb.jpg`, 'companion'],
      ['Old Layout S01E01.de.forced.ass', `${S1E1}.de.forced.ass`, 'companion'],
      ['Old Layout S01E01.nfo', `${S1E1}.nfo`, 'companion'],
      ['Old Layout S01E01.srt', `${S1E1}.srt`, 'companion'],
      ['Old Layout S01E02.mp4', `${S1E2}.mp4`, 'episode'],
      ['Old Layout S01E02.en.srt', `${S1E2}.en.srt`, 'companion'],
    ]);
    expect(preview.body.clashes).toEqual([
      expect.objectContaining({
        from: 'Old Layout Film 1.mp4',
        to: `${FILM}.mp4`,
        reason: 'unsafe_path',
        message: expect.stringMatching(/symbolic link leads outside the media folder/),
      }),
      expect.objectContaining({ from: 'Old Layout S02E01.srt', to: `${S2E1}.srt`, reason: 'exists', message: `${S2E1}.srt exists already` }),
    ]);
    // A preview moves nothing.
    expect((await readdir(join(app.mediaDir, 'Old Layout'))).sort()).toEqual(expect.arrayContaining(Object.keys(OLD_FILES)));
    expect(await readdir(join(app.mediaDir, 'Old Layout', 'Season 02'))).toEqual([`${S2E1.slice('Season 02/'.length)}.srt`]);
  });

  it('applies the moves: every byte kept, the database follows, the clash and the escape left alone', async () => {
    const applied = await call('POST', '/api/anime/old-layout/rename');
    expect(applied.status).toBe(200);
    expect(applied.body.moves).toHaveLength(7);
    expect(applied.body.failed).toEqual([]);
    expect(applied.body.clashes.map((clash: { reason: string }) => clash.reason)).toEqual(['unsafe_path', 'exists']);

    const folder = join(app.mediaDir, 'Old Layout');
    for (const move of applied.body.moves as { from: string; to: string }[]) {
      expect(await sha(join(folder, move.to)), move.to).toBe(hashes.get(move.from));
    }
    // Moved files are gone from the root; what clashed or is no episode stays where it was.
    expect((await readdir(folder)).filter((name) => name in OLD_FILES).sort()).toEqual([
      'Old Layout Film 1.mp4',
      'Old Layout S02E01.mkv',
      'Old Layout S02E01.srt',
      'notes.txt',
    ]);
    expect(await sha(join(folder, 'Old Layout S02E01.mkv'))).toBe(hashes.get('Old Layout S02E01.mkv'));
    expect(await readFile(join(folder, `${S2E1}.srt`), 'utf8')).toBe("someone else's subtitles");
    expect(await readdir(outside)).toEqual([]);

    const detail = (await call('GET', '/api/anime/old-layout')).body;
    expect(detail.episodes['1'].map((episode: { file_path: string }) => episode.file_path)).toEqual([join(folder, `${S1E1}.mkv`), join(folder, `${S1E2}.mp4`)]);
    expect(detail.episodes['2'][0].file_path).toBe(join(folder, 'Old Layout S02E01.mkv'));
    expect(detail.missing_episodes).toEqual({});

    // A rescan finds the same files at their new paths.
    const scan = await call('POST', '/api/anime/old-layout/rescan');
    expect(scan.body).toMatchObject({ key: 'old-layout', episodes: 4 });
    expect((await call('GET', '/api/anime/old-layout')).body.episodes['1'][0].file_path).toBe(join(folder, `${S1E1}.mkv`));

    expect(renamed.map((event) => event.data)).toEqual([
      expect.objectContaining({ key: 'old-layout', folder: 'Old Layout', renamed: 2, files: 7, clashes: 2, failed: 0 }),
    ]);
    // Nothing left to do but the clashes.
    const again = (await call('GET', '/api/anime/old-layout/rename')).body;
    expect(again.moves).toEqual([]);
    expect(again.clashes).toHaveLength(2);
  });

  it('previews and applies for the whole library once the clashes are resolved', async () => {
    const folder = join(app.mediaDir, 'Old Layout');
    const library = await call('GET', '/api/rename');
    expect(library.status).toBe(200);
    expect(library.body).toMatchObject({ total_moves: 0, total_clashes: 2, series: [expect.objectContaining({ key: 'old-layout', moves: [] })] });

    await rm(join(folder, `${S2E1}.srt`));
    await rm(join(folder, 'Season 00'));
    const preview = await call('GET', '/api/rename');
    expect(preview.body.total_moves).toBe(3);
    expect(preview.body.total_clashes).toBe(0);

    const applied = await call('POST', '/api/rename', {});
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ total_moves: 3, total_failed: 0 });
    expect(await sha(join(folder, `${S2E1}.mkv`))).toBe(hashes.get('Old Layout S02E01.mkv'));
    expect(await sha(join(folder, `${S2E1}.srt`))).toBe(hashes.get('Old Layout S02E01.srt'));
    expect(await sha(join(folder, `${FILM}.mp4`))).toBe(hashes.get('Old Layout Film 1.mp4'));
    expect((await call('GET', '/api/rename')).body).toEqual({ series: [], total_moves: 0, total_clashes: 0 });
    expect((await readdir(folder)).filter((name) => name.startsWith('Old Layout'))).toEqual([]);
  });

  it('renames to a changed template, leaving no empty season folder behind', async () => {
    await app.running.services.settings.patch({
      naming: { season_folder_template: 'Staffel {season}', episode_template: '{Series Title} {season}x{episode:00}' },
    });
    const folder = join(app.mediaDir, 'Old Layout');
    const applied = await call('POST', '/api/anime/old-layout/rename');
    expect(applied.body.moves.filter((move: { kind: string }) => move.kind === 'episode').map((move: { to: string }) => move.to)).toEqual([
      'Staffel 0/Old Layout 0x01.mp4',
      'Staffel 1/Old Layout 1x01.mkv',
      'Staffel 1/Old Layout 1x02.mp4',
      'Staffel 2/Old Layout 2x01.mkv',
    ]);
    expect(await sha(join(folder, 'Staffel 1', 'Old Layout 1x01.srt'))).toBe(hashes.get('Old Layout S01E01.srt'));
    expect(await readdir(join(folder, 'Season 02')).catch(() => 'gone')).toEqual('gone');
    expect((await readdir(folder)).filter((name) => name.startsWith('Season'))).toEqual([]);
  });

  it('refuses a recorded file path that leads out of the media folder', async () => {
    await writeFile(join(outside, 'escape.mkv'), 'not ours');
    await inContext(app.running.orm, async () => {
      const series = await app.running.orm.em.findOneOrFail(Series, { key: 'old-layout' });
      await app.running.orm.em.nativeUpdate(Episode, { series, season: 1, number: 1 }, { filePath: '../../outside/escape.mkv' });
    });
    const preview = (await call('GET', '/api/anime/old-layout/rename')).body;
    expect(preview.moves).toEqual([]);
    expect(preview.clashes).toEqual([
      expect.objectContaining({
        from: '../../outside/escape.mkv',
        reason: 'unsafe_path',
        message: expect.stringMatching(/not inside the folder of "Old Layout"/),
      }),
    ]);
    const applied = (await call('POST', '/api/anime/old-layout/rename')).body;
    expect(applied.moves).toEqual([]);
    expect(await readFile(join(outside, 'escape.mkv'), 'utf8')).toBe('not ours');
    expect(await readdir(outside)).toEqual(['escape.mkv']);
  });
});
