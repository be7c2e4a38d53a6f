import { afterEach, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { companionFiles, moveWithoutOverwrite, TargetExistsError } from '../../backend/library/file-moves.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('companionFiles', () => {
  it('finds subtitles, NFO and thumbnails by the base name, not other videos or unfinished downloads', () => {
    const names = [
      'Show S01E01.mkv',
      'Show S01E01.srt',
      'Show S01E01.en.forced.ass',
      'Show S01E01-thumb.jpg',
      'Show S01E01.nfo',
      'Show S01E01.mkv.part',
      'Show S01E01-02.mkv',
      'Show S01E01-02.srt',
      'Show S01E010.srt',
      'Show S01E02.srt',
      'Show S01E01 notes.txt',
    ];
    expect(companionFiles('Show S01E01.mkv', names)).toEqual([
      { name: 'Show S01E01-thumb.jpg', suffix: '-thumb.jpg' },
      { name: 'Show S01E01.en.forced.ass', suffix: '.en.forced.ass' },
      { name: 'Show S01E01.nfo', suffix: '.nfo' },
      { name: 'Show S01E01.srt', suffix: '.srt' },
    ]);
    // "Show S01E01-02.srt" belongs to the longer video name.
    expect(companionFiles('Show S01E01-02.mkv', names)).toEqual([{ name: 'Show S01E01-02.srt', suffix: '.srt' }]);
  });
});

describe('moveWithoutOverwrite', () => {
  it('moves into a new folder and refuses to replace an existing file', async () => {
    const temp = await makeTempDir();
    cleanups.push(temp.remove);
    await writeFile(join(temp.path, 'a.mkv'), 'first');
    await moveWithoutOverwrite(join(temp.path, 'a.mkv'), join(temp.path, 'Season 01', 'b.mkv'));
    expect(await readFile(join(temp.path, 'Season 01', 'b.mkv'), 'utf8')).toBe('first');
    expect(await readdir(temp.path)).toEqual(['Season 01']);

    await writeFile(join(temp.path, 'c.mkv'), 'second');
    await expect(moveWithoutOverwrite(join(temp.path, 'c.mkv'), join(temp.path, 'Season 01', 'b.mkv'))).rejects.toBeInstanceOf(TargetExistsError);
    expect(await readFile(join(temp.path, 'Season 01', 'b.mkv'), 'utf8')).toBe('first');
    expect(await readFile(join(temp.path, 'c.mkv'), 'utf8')).toBe('second');
  });
});
