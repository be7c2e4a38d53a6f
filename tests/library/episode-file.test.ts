import { describe, expect, it } from 'vitest';
import { isSeasonFolder, isVideoFile, parseEpisodeFile } from '../../backend/library/episode-file.ts';

describe('episode file names', () => {
  it.each([
    ['Naruto - S01E05 - Die Prüfung.mp4', 1, 5],
    ['Naruto - S01E05 - (German Dub).mp4', 1, 5],
    ['Naruto S02E005.mkv', 2, 5],
    ['naruto.s10e123.1080p.WEB.x264.mkv', 10, 123],
    ['[Group] Show s3e07 [1080p].MKV', 3, 7],
    ['Show - S00E02 - Special.mp4', 0, 2],
    ['One Piece Film 3.mp4', 0, 3],
    ['One Piece - Movie 12 - Red.mkv', 0, 12],
    ['Film_04.avi', 0, 4],
    ['Show (2020) [imdbid-tt123] S01E01.webm', 1, 1],
  ])('%s -> S%iE%i', (name, season, number) => {
    expect(parseEpisodeFile(name)).toEqual({ season, number });
  });

  it.each([
    'Show - S01E05.mp4.part',
    'Show - S01E05.srt',
    'Show - S01E05.nfo',
    'poster.jpg',
    'Show - Episode 5.mp4',
    'Show S1E5.mp4',
    'Show S01E0005.mp4',
    'Filmore 2.mp4',
    'Show - Film 0.mp4',
    '.mp4',
    'tvshow.nfo',
  ])('ignores %s', (name) => {
    expect(parseEpisodeFile(name)).toBeUndefined();
  });

  it('knows video extensions and season folders', () => {
    expect(isVideoFile('a.MKV')).toBe(true);
    expect(isVideoFile('a.mp4.part')).toBe(false);
    for (const name of ['Season 1', 'Season 01', 'season 12', 'Staffel 2', 'Specials', 'Filme', 'Movies', 'Season.03']) expect(isSeasonFolder(name)).toBe(true);
    for (const name of ['Extras', 'Season', 'Season One', 'subs']) expect(isSeasonFolder(name)).toBe(false);
  });
});
