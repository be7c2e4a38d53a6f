import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { FolderWatcher, type FolderChange } from '../../backend/adapters/folder-watcher.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { capturedLogger } from '../helpers/loggers.ts';

/**
 * The watcher adapter on a real folder. Running out of inotify watches cannot be provoked
 * without changing the machine, so the first chokidar watcher reports ENOSPC exactly as
 * chokidar does when the kernel refuses a watch; everything after that is real.
 */
describe('folder watcher adapter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options: { polling?: boolean; failFirst?: boolean } = {}) {
    const temp = await makeTempDir();
    cleanups.push(temp.remove);
    await mkdir(join(temp.path, 'Series A', 'Season 01'), { recursive: true });
    const { logger, logs } = capturedLogger();
    const changes: { event: FolderChange; path: string }[] = [];
    const waiters: (() => void)[] = [];
    const created: FSWatcher[] = [];
    // The adapter marks itself watching when its chokidar watcher is ready; by the next turn of
    // the event loop it has (it awaits that same event).
    let reopenedResolve: () => void = () => {};
    const reopened = new Promise<void>((resolve) => {
      reopenedResolve = resolve;
    });
    const watcher = new FolderWatcher({
      root: temp.path,
      depth: 2,
      polling: options.polling ?? false,
      pollIntervalMs: 100,
      writeFinishMs: 200,
      logger,
      watch: (paths, chokidarOptions) => {
        const inner = watch(paths, chokidarOptions);
        created.push(inner);
        if (created.length === 2) inner.once('ready', () => setImmediate(reopenedResolve));
        if (options.failFirst && created.length === 1) {
          inner.once('ready', () => {
            const error = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC', errno: -28 });
            inner.emit('error', error);
          });
        }
        return inner;
      },
      onChange: (event, path) => {
        changes.push({ event, path });
        for (const wake of waiters.splice(0)) wake();
      },
    });
    cleanups.push(() => watcher.close());
    const changed = async (predicate: (change: { event: FolderChange; path: string }) => boolean) => {
      while (!changes.some(predicate)) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    return { root: temp.path, watcher, logs, changes, changed, created, reopened };
  }

  it('reports video files and folders in series and season folders, never dotfiles or *.part', async () => {
    const { root, watcher, changes, changed } = await setup();
    await watcher.start();
    expect(watcher.mode).toBe('inotify');
    expect(watcher.state).toBe('watching');
    const episode = join(root, 'Series A', 'Season 01', 'Series A - S01E01.mkv');
    await writeFile(join(root, 'Series A', 'Season 01', 'Series A - S01E02.mkv.part'), 'partial');
    await writeFile(join(root, 'Series A', '.aniworld.json'), '{}');
    await writeFile(episode, 'video');
    await changed((change) => change.path === episode);
    expect(changes.filter((change) => change.path.endsWith('.part') || change.path.includes('/.'))).toEqual([]);
    expect(changes).toContainEqual({ event: 'add', path: episode });
  });

  it('polls when asked to (network shares)', async () => {
    const { root, watcher, changed, created } = await setup({ polling: true });
    await watcher.start();
    expect(watcher.mode).toBe('polling');
    expect(created[0].options.usePolling).toBe(true);
    const episode = join(root, 'Series A', 'Season 01', 'Series A - S01E03.mp4');
    await writeFile(episode, 'video');
    await changed((change) => change.path === episode);
  });

  it('falls back to polling with a warning when the system runs out of inotify watches, and keeps reporting', async () => {
    const { root, watcher, logs, changed, created, reopened } = await setup({ failFirst: true });
    await watcher.start();
    await reopened;
    expect(created).toHaveLength(2);
    expect(watcher.state).toBe('watching');
    expect(watcher.mode).toBe('polling');
    expect(watcher.fallbackReason).toMatch(/^ENOSPC/);
    expect(created[1].options.usePolling).toBe(true);
    expect(logs.some((line) => line.level === 40 && String(line.msg).includes('ran out of inotify watches'))).toBe(true);
    const episode = join(root, 'Series A', 'Season 01', 'Series A - S01E04.mkv');
    await writeFile(episode, 'video');
    await changed((change) => change.path === episode);
    await watcher.close();
    expect(watcher.mode).toBe('off');
  });
});
