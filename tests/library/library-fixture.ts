import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { EventBus, type DomainEvent } from '../../backend/events/bus.ts';
import { FakeClock } from '../../backend/adapters/clock.ts';
import { LibraryScanService } from '../../backend/modules/series/library-scan.service.ts';
import type { MediaRoot } from '../../backend/modules/series/media-root.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { silentLogger } from '../helpers/loggers.ts';

/** A real SQLite database and a media folder in a temp dir, with the scan service on top. */
export async function startLibrary(options: { clock?: FakeClock } = {}) {
  const temp = await makeTempDir('aniworld-library-');
  const root = join(temp.path, 'media');
  await mkdir(root);
  const orm = await openDatabase({ file: join(temp.path, 'test.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
  const events: DomainEvent[] = [];
  const bus = new EventBus();
  bus.subscribe((event) => events.push(event));
  const logger = silentLogger();
  const mediaRoot = { path: () => root } as MediaRoot;
  const scanner = new LibraryScanService({
    orm,
    root: mediaRoot,
    events: bus,
    logger,
    clock: options.clock ?? new FakeClock(),
    providerUrl: () => 'https://aniworld.to',
  });
  return {
    root,
    orm,
    events,
    scanner,
    /** Creates files (empty unless content is given) below the media root. */
    async files(paths: Record<string, string> | string[]) {
      const entries = Array.isArray(paths) ? paths.map((path) => [path, ''] as const) : Object.entries(paths);
      for (const [path, content] of entries) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), content);
      }
    },
    async close() {
      await orm.close(true);
      await temp.remove();
    },
  };
}

export type Library = Awaited<ReturnType<typeof startLibrary>>;

export function query<T>(orm: Orm, sql: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.fork().getConnection().execute(sql, params) as Promise<T[]>;
}
