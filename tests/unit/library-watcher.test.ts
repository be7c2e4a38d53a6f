import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { watch } from 'chokidar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../backend/adapters/clock.ts';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { EventBus, type DomainEvent } from '../../backend/events/bus.ts';
import { LibraryWatcher } from '../../backend/modules/series/library-watcher.ts';
import { SettingsStore } from '../../config/store.ts';
import { settingsSchema } from '../../config/schema.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { silentLogger } from '../helpers/loggers.ts';

/** chokidar as the watcher sees it: the test says what the file system reports. */
class FakeFileSystemWatcher extends EventEmitter {
  closed = false;
  readonly options: { usePolling?: boolean };
  constructor(options: { usePolling?: boolean }) {
    super();
    this.options = options;
    queueMicrotask(() => this.emit('ready'));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * The library watcher with the outside faked: chokidar's events and the clock. The settings
 * store, the event bus and the SQLite database are the real ones; the series side is the
 * watcher's narrow port (which series a path belongs to, scan it), recorded here.
 */
describe('LibraryWatcher (unit, fake file system events and clock)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let orm: Orm;
  let settings: SettingsStore;
  let events: EventBus;
  let published: DomainEvent[];
  let clock: FakeClock;
  let watchers: FakeFileSystemWatcher[];
  let scans: string[];
  /** Resolves the scan that is running (the next one waits for it). */
  let holdScans: Promise<void> | undefined;
  let library: LibraryWatcher | undefined;
  const root = '/media/anime';

  beforeEach(async () => {
    temp = await makeTempDir();
    orm = await openDatabase({ file: join(temp.path, 'aniworld.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
    settings = new SettingsStore({
      file: join(temp.path, 'config.json'),
      backupDir: join(temp.path, 'backups'),
      envSettings: {},
      initial: settingsSchema.parse({}),
      clock: new FakeClock(),
    });
    events = new EventBus();
    published = [];
    events.subscribe((event) => published.push(event));
    clock = new FakeClock();
    watchers = [];
    scans = [];
    holdScans = undefined;
  });
  afterEach(async () => {
    await library?.close();
    library = undefined;
    await orm.close(true);
    await temp.remove();
  });

  async function start(): Promise<LibraryWatcher> {
    const fakeWatch = ((_root: string, options: { usePolling?: boolean }) => {
      const watcher = new FakeFileSystemWatcher(options);
      watchers.push(watcher);
      return watcher;
    }) as unknown as typeof watch;
    library = new LibraryWatcher({
      series: {
        mediaRoot: () => root,
        async keyForPath(path) {
          return path.startsWith(`${root}/Demo Academy`) ? 'demo-academy' : undefined;
        },
        async scanSeries(key) {
          scans.push(key);
          await holdScans;
        },
      },
      orm,
      settings,
      events,
      clock,
      watch: fakeWatch,
      debounceMs: 20,
      logger: silentLogger(),
    });
    await library.start();
    return library;
  }
  const fileSystem = () => watchers.at(-1)!;

  it('turns a season copied in (many changes) into one scan of that series', async () => {
    const watcher = await start();
    expect(watcher.health()).toMatchObject({ status: 'ok', mode: 'inotify', state: 'watching' });
    fileSystem().emit('addDir', `${root}/Demo Academy/Season 02`);
    for (let episode = 1; episode <= 12; episode++)
      fileSystem().emit('add', `${root}/Demo Academy/Season 02/Demo Academy - S02E${String(episode).padStart(2, '0')}.mkv`);
    await expect.poll(() => scans).toEqual(['demo-academy']);
    await watcher.idle();
    expect(scans).toEqual(['demo-academy']);
  });

  it('ignores files that are not videos and files it downloaded itself, until that is long enough ago', async () => {
    const watcher = await start();
    fileSystem().emit('add', `${root}/Demo Academy/Season 01/notes.txt`);
    const own = `${root}/Demo Academy/Season 01/Demo Academy - S01E01.mp4`;
    events.publish('download_complete', {
      item_id: 'a1',
      key: 'demo-academy',
      folder: 'Demo Academy',
      season: 1,
      episode: 1,
      serie_name: 'Demo Academy',
      file_path: own,
      size: 5,
      hoster: 'VOE',
      language: 'German Dub',
    });
    fileSystem().emit('add', own);
    await watcher.idle();
    expect(scans).toEqual([]);
    // A minute later the same path is someone else's change (a replaced file).
    clock.advance(61_000);
    fileSystem().emit('change', own);
    await expect.poll(() => scans).toEqual(['demo-academy']);
  });

  it('scans a series once more when it changed during its scan, not once per change', async () => {
    const watcher = await start();
    let release!: () => void;
    holdScans = new Promise((resolve) => {
      release = resolve;
    });
    fileSystem().emit('add', `${root}/Demo Academy/Season 01/a.mkv`);
    await expect.poll(() => scans).toEqual(['demo-academy']);
    for (const name of ['b.mkv', 'c.mkv', 'd.mkv']) fileSystem().emit('add', `${root}/Demo Academy/Season 01/${name}`);
    await expect.poll(() => watcher.health().pending_series).toBe(1);
    holdScans = undefined;
    release();
    await expect.poll(() => scans).toEqual(['demo-academy', 'demo-academy']);
    await watcher.idle();
    expect(scans).toHaveLength(2);
  });

  it('announces a folder that comes or goes directly in the media folder (the import page) and scans nothing', async () => {
    const watcher = await start();
    fileSystem().emit('addDir', `${root}/New Show`);
    fileSystem().emit('unlinkDir', `${root}/Old Show`);
    await expect
      .poll(() => published.filter((event) => event.type === 'import_folder_changed').map((event) => event.data))
      .toEqual([
        { folder: 'New Show', change: 'added' },
        { folder: 'Old Show', change: 'removed' },
      ]);
    await watcher.idle();
    expect(scans).toEqual([]);
  });

  it('follows library.watch and library.watch_polling live', async () => {
    await settings.patch({ library: { watch: false } });
    const watcher = await start();
    expect(watcher.health()).toMatchObject({ status: 'disabled', mode: 'off' });
    expect(watchers).toHaveLength(0);
    await settings.patch({ library: { watch: true, watch_polling: true } });
    await expect.poll(() => watcher.health()).toMatchObject({ status: 'ok', mode: 'polling', state: 'watching' });
    expect(fileSystem().options.usePolling).toBe(true);
    await settings.patch({ library: { watch: false } });
    await expect.poll(() => watcher.health().status).toBe('disabled');
    expect(fileSystem().closed).toBe(true);
  });
});
