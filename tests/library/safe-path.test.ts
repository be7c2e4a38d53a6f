import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInsideRoot, sanitizeName, UnsafePathError } from '../../backend/library/safe-path.ts';
import { episodeFileName, seasonFolderName, seriesFolderName } from '../../backend/library/naming.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

let temp: { path: string; remove: () => Promise<void> };
let root: string;
beforeEach(async () => {
  temp = await makeTempDir();
  root = join(temp.path, 'media');
  await mkdir(root);
});
afterEach(async () => {
  await temp.remove();
});

const HOSTILE = [
  '../../x',
  '..',
  '.',
  '/etc/passwd',
  'a/b',
  'a\\b',
  'CON',
  'con.txt',
  'LPT1',
  'nul',
  'COM9',
  'x\u0000y',
  'tab\there\nnew',
  'trailing. . .',
  '   ',
  '',
  '<>:"/\\|?*',
  'ü'.repeat(300),
  '😀'.repeat(100),
];

describe('sanitizeName', () => {
  it('strips bidirectional controls and the byte-order mark, so a name reads as it is', () => {
    expect(sanitizeName('evil\u202Egpj.exe')).toBe('evilgpj.exe');
    expect(sanitizeName('\ufeffA\u2066B\u2069\u200fC\u061c')).toBe('ABC');
    expect(seriesFolderName('Title\u202E (x)', 2020)).toBe('Title (x) (2020)');
  });

  it.each(HOSTILE)('makes %j one harmless component', (raw) => {
    const name = sanitizeName(raw);
    expect(name.length).toBeGreaterThan(0);
    expect(name).not.toMatch(/[<>:"/\\|?*\u0000-\u001f]/);
    expect(name).not.toMatch(/^\.|[. ]$/);
    expect(name).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name).not.toContain('\ufffd');
  });

  it('keeps ordinary titles readable', () => {
    expect(sanitizeName('Attack on Titan (2013)')).toBe('Attack on Titan (2013)');
    expect(sanitizeName('Re:Zero')).toBe('Re-Zero');
    expect(sanitizeName('Frieren: Beyond')).toBe('Frieren - Beyond');
    expect(sanitizeName('Fate/Zero')).toBe('Fate-Zero');
    expect(sanitizeName('What?!')).toBe('What!');
    expect(sanitizeName('CON')).toBe('_CON');
  });
});

describe('assertInsideRoot', () => {
  it('accepts paths below the root, even when they do not exist yet', async () => {
    expect(await assertInsideRoot(root, 'Show/Season 01/x.mp4')).toBe(join(root, 'Show/Season 01/x.mp4'));
    expect(await assertInsideRoot(root, join(root, 'Show'))).toBe(join(root, 'Show'));
  });

  it.each(['../x', '../../etc/passwd', '/etc/passwd', 'Show/../../x', 'a\u0000b'])('refuses %j', async (target) => {
    await expect(assertInsideRoot(root, target)).rejects.toBeInstanceOf(UnsafePathError);
  });

  it('refuses a symlink that leads out of the root', async () => {
    const outside = join(temp.path, 'outside');
    await mkdir(outside);
    await symlink(outside, join(root, 'Escape'));
    await expect(assertInsideRoot(root, 'Escape/Season 01/x.mp4')).rejects.toMatchObject({ code: 'unsafe_path', status: 400 });
  });

  it('never lets hostile provider names write outside the media root', async () => {
    for (const title of HOSTILE) {
      const values = { seriesTitle: title, year: null, season: 1, episode: 1, episodeTitle: title, language: title };
      const path = join(
        seriesFolderName(title, null),
        seasonFolderName('{Series Title}', values),
        episodeFileName('{Series Title} - {Episode Title} - {Language}', values, 'mp4'),
      );
      const target = await assertInsideRoot(root, path);
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, 'x');
    }
    expect(await readdir(temp.path)).toEqual(['media']);
  });
});
