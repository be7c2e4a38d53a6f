import { open } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { ConflictError, ValidationError } from '../../errors.ts';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** Tables every AniWorld database has had since the first migration. */
const OUR_TABLES = ['mikro_orm_migrations', 'series', 'episode', 'download_item'];

export interface DatabaseFileReport {
  /** Migrations the file has applied, oldest first. */
  readonly migrations: readonly string[];
  /** Migrations of this version the file does not have yet: they run right after a restore. */
  readonly pending: readonly string[];
}

/**
 * Checks that a file is an intact AniWorld database this version can run: a SQLite file (by its
 * header, before SQLite opens it), passing SQLite's quick check, with our tables, and no migration
 * this version does not know (a backup of a newer AniWorld would lose data on an older one).
 */
export async function inspectDatabaseFile(path: string, knownMigrations: readonly string[]): Promise<DatabaseFileReport> {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const handle = await open(path, 'r');
  try {
    await handle.read(header, 0, header.length, 0);
  } finally {
    await handle.close();
  }
  if (!header.equals(SQLITE_HEADER))
    throw new ValidationError('This file is not a SQLite database, so it is no AniWorld database backup. Nothing was changed.');
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new ValidationError(`SQLite cannot open this file (${(error as Error).message}). Nothing was changed.`);
  }
  try {
    let check: string;
    try {
      check = String(db.pragma('quick_check', { simple: true }));
    } catch (error) {
      throw new ValidationError(`This database is damaged (${(error as Error).message}). Nothing was changed.`);
    }
    if (check !== 'ok') throw new ValidationError(`This database is damaged (SQLite reports: ${check}). Nothing was changed.`);
    const tables = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((row) => row.name));
    const missing = OUR_TABLES.filter((table) => !tables.has(table));
    if (missing.length > 0)
      throw new ValidationError(`This SQLite database is not an AniWorld database (no ${missing.join(', ')} table). Nothing was changed.`);
    const migrations = (db.prepare('select name from mikro_orm_migrations order by id').all() as { name: string }[]).map((row) =>
      row.name.replace(/\.[jt]s$/, ''),
    );
    const unknown = migrations.filter((name) => !knownMigrations.includes(name));
    if (unknown.length > 0)
      throw new ConflictError(
        `This backup was made by a newer AniWorld (it has ${unknown.join(', ')}). Update AniWorld first, then restore it. Nothing was changed.`,
      );
    return { migrations, pending: knownMigrations.filter((name) => !migrations.includes(name)) };
  } finally {
    db.close();
  }
}
