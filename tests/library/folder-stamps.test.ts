import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeClock } from '../../backend/adapters/clock.ts';
import { folderUnchanged } from '../../backend/library/folder-stamps.ts';
import { scanSeriesFolder } from '../../backend/library/scanner.ts';
import { query, startLibrary, type Library } from './library-fixture.ts';

let lib: Library | undefined;
afterEach(async () => {
  await lib?.close();
  lib = undefined;
});

// A minute ahead: every directory just written counts as settled, so stamps are taken and trusted.
const later = () => Date.now() + 60_000;
const link = (key: string) => JSON.stringify({ key, name: key });

async function files(key: string) {
  const rows = await query<{ file_path: string }>(
    lib!.orm,
    'select e.file_path from episode e join series s on s.id = e.series_id where s.key = ? and e.downloaded = 1 order by e.file_path',
    [key],
  );
  return rows.map((row) => row.file_path);
}

describe('folder stamps', () => {
  it('match while the folder and its season folders are unchanged, and not after a change', async () => {
    lib = await startLibrary();
    await lib.files(['A/A - S01E01.mkv', 'A/Season 02/A - S02E01.mkv', 'A/Extras/x.mkv']);
    const { stamp } = scanSeriesFolder(lib.root, 'A', later());
    expect(stamp).toMatch(/^\d+:[\d.]+:[\d.]+\|Season 02=\d+:[\d.]+:[\d.]+$/);
    expect(folderUnchanged(lib.root, 'A', stamp!, later())).toBe(true);
    // Folders the scan does not read do not count.
    await writeFile(join(lib.root, 'A/Extras/y.mkv'), '');
    expect(folderUnchanged(lib.root, 'A', stamp!, later())).toBe(true);
    await writeFile(join(lib.root, 'A/Season 02/A - S02E02.mkv'), '');
    expect(folderUnchanged(lib.root, 'A', stamp!, later())).toBe(false);
    const again = scanSeriesFolder(lib.root, 'A', later()).stamp!;
    await rm(join(lib.root, 'A/A - S01E01.mkv'));
    expect(folderUnchanged(lib.root, 'A', again, later())).toBe(false);
    expect(folderUnchanged(lib.root, 'missing', again, later())).toBe(false);
  });

  it('are not taken of a directory changed in the last moments (seconds when its timestamps are whole seconds), nor of a missing folder', async () => {
    lib = await startLibrary();
    await lib.files(['B/B - S01E01.mkv']);
    const path = join(lib.root, 'B');
    expect(scanSeriesFolder(lib.root, 'B', (await stat(path)).mtimeMs + 50).stamp).toBeUndefined();
    // A whole-second mtime, as coarse filesystems write it (utimes also moves the ctime to now).
    const whole = Math.floor(Date.now() / 1000) * 1000;
    await utimes(path, whole / 1000, whole / 1000);
    const { ctimeMs } = await stat(path);
    expect(scanSeriesFolder(lib.root, 'B', Math.max(ctimeMs + 500, whole + 1500)).stamp).toBeUndefined();
    expect(scanSeriesFolder(lib.root, 'B', Math.max(ctimeMs + 500, whole + 2500)).stamp).toBeDefined();
    expect(scanSeriesFolder(lib.root, 'missing', later()).stamp).toBeUndefined();
  });
});

describe('LibraryScanService with trusted directory stamps', () => {
  it('still sees every change to a series folder and its season folders', async () => {
    lib = await startLibrary({ clock: new FakeClock(later()) });
    await lib.files({
      'Show/.aniworld.json': link('show'),
      'Show/Show - S01E01.mkv': '',
      'Show/Season 02/Show - S02E01.mkv': '',
      'Other/.aniworld.json': link('other'),
      'Other/Other - S01E01.mkv': '',
    });
    await lib.scanner.scanLibrary();
    expect(await files('show')).toEqual(['Season 02/Show - S02E01.mkv', 'Show - S01E01.mkv']);

    const unchanged = await lib.scanner.scanLibrary();
    expect([unchanged.series, unchanged.changed]).toEqual([2, 0]);

    await writeFile(join(lib.root, 'Show/Season 02/Show - S02E02.mkv'), '');
    expect((await lib.scanner.scanLibrary()).episodes_added).toBe(1);
    await rename(join(lib.root, 'Show/Season 02/Show - S02E02.mkv'), join(lib.root, 'Show/Season 02/Show - S02E03.mkv'));
    await lib.scanner.scanLibrary();
    expect(await files('show')).toEqual(['Season 02/Show - S02E01.mkv', 'Season 02/Show - S02E03.mkv', 'Show - S01E01.mkv']);
    await mkdir(join(lib.root, 'Show/Staffel 3'));
    await writeFile(join(lib.root, 'Show/Staffel 3/Show - S03E01.mkv'), '');
    await rm(join(lib.root, 'Show/Show - S01E01.mkv'));
    await lib.scanner.scanLibrary();
    expect(await files('show')).toEqual(['Season 02/Show - S02E01.mkv', 'Season 02/Show - S02E03.mkv', 'Staffel 3/Show - S03E01.mkv']);
    await rm(join(lib.root, 'Show/Season 02'), { recursive: true });
    await lib.scanner.scanLibrary();
    expect(await files('show')).toEqual(['Staffel 3/Show - S03E01.mkv']);
    expect(await files('other')).toEqual(['Other - S01E01.mkv']);
    const stamps = await query<{ scan_stamp: string | null }>(lib.orm, 'select scan_stamp from series order by key');
    expect(stamps.every((row) => row.scan_stamp !== null)).toBe(true);
  });

  it('reads a folder again when the database forgot its signature, and progress still counts skipped folders', async () => {
    lib = await startLibrary({ clock: new FakeClock(later()) });
    await lib.files({ 'Show/.aniworld.json': link('show'), 'Show/Show - S01E01.mkv': '' });
    await lib.scanner.scanLibrary();
    await lib.scanner.scanLibrary();
    // What a rename or an organise run does: the series must be diffed again though no directory moved.
    await query(lib.orm, "update series set scan_signature = null where key = 'show'");
    await query(lib.orm, "delete from episode where series_id = (select id from series where key = 'show')");
    lib.events.length = 0;
    const summary = await lib.scanner.scanLibrary();
    expect(summary.changed).toBe(1);
    expect(await files('show')).toEqual(['Show - S01E01.mkv']);
    lib.events.length = 0;
    await lib.scanner.scanLibrary();
    expect(lib.events.filter((event) => event.type === 'scan_progress').map((event) => (event.type === 'scan_progress' ? event.data.current : -1))).toEqual([
      1,
    ]);
  });
});
