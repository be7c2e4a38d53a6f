import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, basename } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/sqlite';
import { Migrator } from '@mikro-orm/migrations';
import Database from 'better-sqlite3';
import { ENTITIES } from './entities.ts';
import { ensurePrivateFile } from '../adapters/private-files.ts';
import { MIGRATIONS } from './migrations/index.ts';

export type Orm = MikroORM;
export type JournalMode = 'wal' | 'delete' | 'truncate' | 'persist';

export interface OrmOptions {
  readonly file: string;
  readonly journal: JournalMode;
  readonly backupDir: string;
  readonly debug?: boolean;
  /** ORM messages (migrations applied, slow queries) go to our structured log. */
  readonly log?: (message: string) => void;
  /** How many database backups the rotation keeps (settings.backups.database_keep). */
  readonly keepBackups?: number;
}

export const KEEP_DB_BACKUPS = 5;

export function ormConfig(options: OrmOptions): Options {
  return {
    dbName: options.file,
    entities: ENTITIES,
    extensions: [Migrator],
    // Nothing may use the global EntityManager: every request and job works on its own fork.
    allowGlobalContext: false,
    debug: options.debug ?? false,
    logger: options.log ?? (() => {}),
    migrations: {
      migrationsList: MIGRATIONS,
      silent: options.log === undefined,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
  };
}

/** Opens the database, sets the journal mode and applies pending migrations after backing up the file. */
export async function openDatabase(options: OrmOptions): Promise<Orm> {
  const existed = existsSync(options.file);
  // Owner only before SQLite opens it: the -wal and -shm files then get the same mode.
  await ensurePrivateFile(options.file);
  const orm = await MikroORM.init(ormConfig(options));
  try {
    const native = await nativeDatabase(orm);
    native.pragma(`journal_mode = ${options.journal}`);
    native.pragma('synchronous = NORMAL');
    native.pragma('busy_timeout = 5000');
    native.pragma('foreign_keys = ON');
    const pending = await orm.migrator.getPending();
    if (pending.length > 0) {
      if (existed) await backupDatabase(native, options.file, options.backupDir, 'pre-migration', options.keepBackups);
      await orm.migrator.up();
    }
    return orm;
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

export async function nativeDatabase(orm: Orm): Promise<Database.Database> {
  return (await orm.em.getConnection().getNativeClient()) as Database.Database;
}

/** A consistent copy even while WAL holds uncommitted pages: SQLite's own backup API. */
export async function backupDatabase(native: Database.Database, file: string, backupDir: string, reason: string, keep = KEEP_DB_BACKUPS): Promise<string> {
  mkdirSync(backupDir, { recursive: true, mode: 0o700 });
  // A name per copy: a second backup within the same millisecond takes the next one (names sort by time).
  let time = Date.now();
  let target: string;
  do target = join(backupDir, `${basename(file, '.db')}-${new Date(time++).toISOString().replace(/[-:.]/g, '')}-${reason}.db`);
  while (existsSync(target));
  await native.backup(target);
  // SQLite creates the copy with its default 0644: a backup holds the same secrets as the database.
  chmodSync(target, 0o600);
  pruneDatabaseBackups(file, backupDir, keep);
  return target;
}

/** One rotation for every kind of database backup (names sort by their time stamp): the newest `keep` stay. */
export function pruneDatabaseBackups(file: string, backupDir: string, keep = KEEP_DB_BACKUPS): void {
  const prefix = `${basename(file, '.db')}-`;
  const old = readdirSync(backupDir)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.db'))
    .sort()
    .reverse()
    .slice(keep);
  // force: a rotation running beside another (a restore's safety copy) may have removed it already.
  for (const name of old) rmSync(join(backupDir, name), { force: true });
}

/**
 * Copies a backup into the live database through SQLite's backup API: other connections (a
 * running server) keep working and see the restored pages, never a half-written file.
 */
export async function restoreDatabase(source: string, file: string): Promise<void> {
  const backup = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await backup.backup(file);
  } finally {
    backup.close();
  }
}
