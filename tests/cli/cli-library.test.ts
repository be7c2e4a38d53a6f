import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { cli } from './cli-harness.ts';

let temp: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir('aniworld-cli-');
  const media = join(temp.path, 'media');
  const linked = join(media, 'Linked Show (2020)');
  await mkdir(join(linked, 'Season 01'), { recursive: true });
  await writeFile(join(linked, '.aniworld.json'), JSON.stringify({ key: 'linked-show', name: 'Linked Show' }));
  await writeFile(join(linked, 'Season 01', 'Linked Show - S01E01 - Pilot.mkv'), 'x');
  await writeFile(join(linked, 'Season 01', 'Linked Show - S01E02 - Next.mkv'), 'x');
  await mkdir(join(media, 'Mystery Folder'), { recursive: true });
});
afterEach(async () => {
  await temp.remove();
});

describe('aniworld scan', () => {
  it('links known folders, counts episodes and lists unknown folders', async () => {
    const text = await cli(temp.path, ['scan']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Scanned 2 folders');
    expect(text.stdout).toContain('1 newly linked');
    expect(text.stdout).toContain('Mystery Folder');
    // Not a terminal: no progress bar escape codes in the output.
    expect(text.stderr).not.toContain('\u001b[');

    const again = await cli(temp.path, ['scan', '--json']);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ folders: 2, series: 1, linked: 0, unknown_folders: ['Mystery Folder'] });

    const one = await cli(temp.path, ['scan', 'linked-show', '--json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ key: 'linked-show', episodes: 2 });
    const missing = await cli(temp.path, ['scan', 'no-such-show']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No series with key "no-such-show"');
  });

  it('reads everything after "--" as a series key, even when it looks like an option', async () => {
    expect((await cli(temp.path, ['scan'])).code).toBe(0);
    const dashed = await cli(temp.path, ['scan', '--', '--json']);
    expect(dashed.code).toBe(1);
    expect(dashed.stderr).toContain('No series with key "--json"');
    expect(dashed.stdout).toBe('');
    const named = await cli(temp.path, ['scan', '--json', '--', 'linked-show']);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout)).toMatchObject({ key: 'linked-show', episodes: 2 });
  });
});

describe('aniworld queue', () => {
  it('adds an episode of a library series and lists it; rejects bad input', async () => {
    expect((await cli(temp.path, ['scan'])).code).toBe(0);
    const added = await cli(temp.path, ['queue', 'add', 'linked-show', '1', '3', '--json']);
    expect(added.code).toBe(0);
    const [id] = JSON.parse(added.stdout).item_ids as string[];
    expect(id).toBeTruthy();
    const twice = await cli(temp.path, ['queue', 'add', 'linked-show', '1', '3']);
    expect(twice.stdout).toContain('skipped 1 already queued');

    const list = await cli(temp.path, ['queue', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/1 pending/);
    expect(list.stdout).toContain('linked-show');
    expect(list.stdout).toContain('S01E03');
    const json = JSON.parse((await cli(temp.path, ['queue', 'list', '--json'])).stdout);
    expect(json.pending_queue.map((item: { id: string }) => item.id)).toEqual([id]);

    expect((await cli(temp.path, ['queue', 'add', 'linked-show', 'one', '3'])).code).toBe(64);
    expect((await cli(temp.path, ['queue', 'add', 'linked-show', '1', '0'])).code).toBe(64);
    expect((await cli(temp.path, ['queue', 'add', 'linked-show'])).code).toBe(64);
    const unknown = await cli(temp.path, ['queue', 'add', 'not-in-library', '1', '1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not-in-library');
  });
});
