import type { DestinationStream } from 'pino';
import { loadConfig } from '../../config/load.ts';
import { SettingsStore } from '../../config/store.ts';
import type { AppConfig } from '../../config/schema.ts';
import { createLogger, type Logger } from '../adapters/logger.ts';
import { systemClock } from '../adapters/clock.ts';
import { prepareDataFolder } from '../adapters/data-folder.ts';
import { RotatingLogFile } from '../adapters/log-files.ts';
import { openDatabase, type Orm } from '../db/orm.ts';
import { EventBus } from '../events/bus.ts';
import { MediaRoot } from '../modules/series/media-root.ts';
import { LibraryScanService } from '../modules/series/library-scan.service.ts';

/** What a library command works with: the scanner and the bus its progress goes out on. */
export interface LibraryContext {
  readonly config: AppConfig;
  readonly orm: Orm;
  readonly events: EventBus;
  readonly scanner: LibraryScanService;
  close(): Promise<void>;
}

/**
 * The composition for `aniworld scan`: config, the database and the scanner, nothing else. The
 * whole app (HTTP, jobs, the provider, the browser, the download engine) costs more to load
 * than a rescan of a large library takes. A running server sees the CLI's writes through
 * SQLite's data_version (or the event bridge on PostgreSQL), as with the full CLI start.
 */
export async function openLibraryContext(options: { env: NodeJS.ProcessEnv; cwd: string; logDestination: DestinationStream }): Promise<LibraryContext> {
  const { config, envSettings } = loadConfig({ env: options.env, cwd: options.cwd });
  await prepareDataFolder(config.paths.dataDir);
  const logFile = new RotatingLogFile({ dir: config.paths.logDir });
  const logger: Logger = createLogger({ level: config.settings.logging.level, destination: options.logDestination, file: logFile });
  let orm: Orm | undefined;
  try {
    const settings = new SettingsStore({
      file: config.paths.configFile,
      backupDir: config.paths.backupDir,
      envSettings,
      initial: config.settings,
      clock: systemClock,
    });
    const databaseUrl = config.runtime.database_url;
    const ormLog = (message: string) => logger.info({ component: 'orm' }, message.replace(/\u001b\[[0-9;]*m/g, ''));
    orm = databaseUrl
      ? await (await import('../db/postgres.ts')).openPostgres({ url: databaseUrl, log: ormLog })
      : await openDatabase({ file: config.paths.databaseFile, journal: config.runtime.sqlite_journal, backupDir: config.paths.backupDir, log: ormLog });
    const events = new EventBus({ logger, now: () => systemClock.now() });
    const scanner = new LibraryScanService({
      orm,
      root: new MediaRoot(settings, options.cwd),
      events,
      logger,
      clock: systemClock,
      providerUrl: () => settings.current().provider.url,
    });
    const opened = orm;
    return {
      config,
      orm: opened,
      events,
      scanner,
      async close() {
        await opened.close();
        await logFile.close();
      },
    };
  } catch (error) {
    await orm?.close();
    await logFile.close();
    throw error;
  }
}
