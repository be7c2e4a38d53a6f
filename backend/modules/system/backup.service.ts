import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SettingsStore } from '../../../config/store.ts';
import { backupDatabase, nativeDatabase, pruneDatabaseBackups, restoreDatabase, type Orm } from '../../db/orm.ts';
import { MIGRATIONS } from '../../db/migrations/index.ts';
import { AppError, NotFoundError, PayloadTooLargeError } from '../../errors.ts';
import { inspectDatabaseFile } from './database-file.ts';
import type { DatabaseBackup, DatabaseRestore } from '../../../contract/index.ts';

export interface BackupEntry {
  readonly name: string;
  readonly kind: 'config' | 'database';
  readonly created_at: string;
  readonly size: number;
}
export type { DatabaseBackup, DatabaseRestore };

const DATABASE_BACKUP = /^aniworld-(\d{8}T\d{9}Z)-([a-z0-9-]+)\.db$/;
/** An uploaded database bigger than this is refused before it fills the disk. */
export const MAX_UPLOAD_BYTES = 8 * 1024 ** 3;

/**
 * Stops what writes the library while a database is put back and returns the function that
 * starts it again (the download queue pauses; a running scan makes the restore wait for it).
 */
export type PauseWork = () => Promise<() => Promise<void>>;

/** 409 with its own code: the panel says it in the user's language, and nothing pretends to work. */
export class BackupUnsupportedError extends AppError {
  constructor() {
    super(
      409,
      'backup_unsupported',
      'Database backups cover the embedded SQLite database. This install keeps its data on PostgreSQL: back it up with pg_dump. Config backups still work from Settings.',
    );
  }
}

/**
 * Config backups (SettingsStore) and database backups (SQLite's online backup API) under one
 * name space, so `aniworld backup restore <name>` takes whatever `backup list` shows.
 */
export class BackupService {
  readonly #settings: SettingsStore;
  readonly #orm: Orm;
  readonly #databaseFile: string;
  readonly #backupDir: string;
  readonly #pauseWork: PauseWork;
  readonly #knownMigrations = MIGRATIONS.map((migration) => migration.name);
  /** One backup, restore or upload at a time: two restores racing would leave either one's data. */
  #busy: Promise<unknown> = Promise.resolve();

  constructor(options: { settings: SettingsStore; orm: Orm; databaseFile: string; backupDir: string; pauseWork?: PauseWork }) {
    this.#settings = options.settings;
    this.#orm = options.orm;
    this.#databaseFile = options.databaseFile;
    this.#backupDir = options.backupDir;
    this.#pauseWork = options.pauseWork ?? (async () => async () => {});
  }

  /** How many database backups the rotation keeps (settings.backups.database_keep). */
  get keep(): number {
    return this.#settings.current().backups.database_keep;
  }

  /** Both at once: a consistent database copy (safe while the server writes) and the config file. */
  async create(): Promise<BackupEntry[]> {
    await this.#sqlite();
    const config = await this.#settings.createBackup();
    return [{ name: config.name, kind: 'config', created_at: config.created_at, size: config.size }, await this.createDatabase()];
  }

  /** A consistent copy of the live database (SQLite's backup API, never a copy of a file in WAL use). */
  createDatabase(reason = 'manual'): Promise<DatabaseBackup> {
    // In line with restores: two copies started in the same millisecond would write one file.
    const run = this.#busy.then(async () => {
      const native = await this.#sqlite();
      const target = await backupDatabase(native, this.#databaseFile, this.#backupDir, reason, this.keep);
      return this.#databaseEntry(basename(target));
    });
    this.#busy = run.catch(() => {});
    return run;
  }

  async list(): Promise<BackupEntry[]> {
    const configs: BackupEntry[] = (await this.#settings.listBackups()).map((backup) => ({ ...backup, kind: 'config' }));
    const databases = await this.#listDatabase();
    return [...configs, ...databases].sort((a, b) => b.created_at.localeCompare(a.created_at) || a.name.localeCompare(b.name));
  }

  /** Database backups, newest first; 409 on PostgreSQL. */
  async listDatabase(): Promise<DatabaseBackup[]> {
    await this.#sqlite();
    return this.#listDatabase();
  }

  /** The file of a database backup, for a download. */
  async databaseFile(name: string): Promise<{ path: string; size: number }> {
    await this.#sqlite();
    const entry = await this.#existing(name);
    return { path: join(this.#backupDir, name), size: entry.size };
  }

  async deleteDatabase(name: string): Promise<void> {
    await this.#sqlite();
    await this.#existing(name);
    await rm(join(this.#backupDir, name), { force: true });
  }

  /**
   * Stores an uploaded database as a backup (`*-upload.db`) once it is known to be an intact
   * AniWorld database this version can run; anything else is refused and removed, so a bad file
   * never takes the place of a good one.
   */
  async upload(body: Readable, declaredBytes?: number): Promise<DatabaseBackup> {
    await this.#sqlite();
    if (declaredBytes !== undefined && declaredBytes > MAX_UPLOAD_BYTES)
      throw new PayloadTooLargeError(`A database upload may be at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB.`);
    await mkdir(this.#backupDir, { recursive: true, mode: 0o700 });
    const staged = join(this.#backupDir, `.upload-${randomUUID()}.db`);
    try {
      let received = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          callback(
            received > MAX_UPLOAD_BYTES ? new PayloadTooLargeError(`A database upload may be at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB.`) : null,
            chunk,
          );
        },
      });
      await pipeline(body, limit, createWriteStream(staged, { mode: 0o600, flags: 'wx' }));
      await inspectDatabaseFile(staged, this.#knownMigrations);
      // Opening a copy of a WAL database leaves its -wal and -shm next to it: not part of a backup.
      await removeJournal(staged);
      await chmod(staged, 0o600);
      // Named and moved in one synchronous step: a second upload in the same millisecond takes
      // the next name instead of replacing this one.
      let time = Date.now();
      let name: string;
      do name = `aniworld-${new Date(time++).toISOString().replace(/[-:.]/g, '')}-upload.db`;
      while (existsSync(join(this.#backupDir, name)));
      renameSync(staged, join(this.#backupDir, name));
      pruneDatabaseBackups(this.#databaseFile, this.#backupDir, this.keep);
      return await this.#databaseEntry(name);
    } finally {
      await removeWithJournal(staged);
    }
  }

  /**
   * A config backup replaces config.json (the current one is backed up first). A database
   * backup is checked, then copied page by page into the live database through SQLite's backup
   * API after a safety copy: the copy is one write transaction, so every connection sees either
   * the old or the restored data, never a torn file, and the running app reads the restored data
   * at its next query (no restart). Migrations the backup lacks run right after.
   */
  async restore(name: string): Promise<{ kind: 'config' } | DatabaseRestore> {
    if (!DATABASE_BACKUP.test(name)) {
      await this.#settings.restore(name);
      return { kind: 'config' };
    }
    return this.restoreDatabase(name);
  }

  restoreDatabase(name: string): Promise<DatabaseRestore> {
    const run = this.#busy.then(() => this.#restoreDatabase(name));
    this.#busy = run.catch(() => {});
    return run;
  }

  async #restoreDatabase(name: string): Promise<DatabaseRestore> {
    const native = await this.#sqlite();
    await this.#existing(name);
    // The safety copy's rotation may delete the oldest backup: the one being restored, perhaps.
    const staged = join(this.#backupDir, `.restoring-${name}`);
    await copyFile(join(this.#backupDir, name), staged);
    try {
      const report = await inspectDatabaseFile(staged, this.#knownMigrations);
      const resumeWork = await this.#pauseWork();
      try {
        const safety = await backupDatabase(native, this.#databaseFile, this.#backupDir, 'pre-restore', this.keep);
        await restoreDatabase(staged, this.#databaseFile);
        if (report.pending.length > 0) await this.#orm.migrator.up();
        return { kind: 'database', restored: name, safety_backup: basename(safety), migrations_applied: report.pending.length };
      } finally {
        await resumeWork();
      }
    } finally {
      await removeWithJournal(staged);
    }
  }

  /** Backups cover the embedded SQLite database; an external PostgreSQL has its own tools. */
  async #sqlite() {
    const native = await nativeDatabase(this.#orm);
    if (typeof (native as { backup?: unknown }).backup !== 'function') throw new BackupUnsupportedError();
    return native;
  }

  async #listDatabase(): Promise<DatabaseBackup[]> {
    const names = await readdir(this.#backupDir).catch(() => [] as string[]);
    const entries = await Promise.all(names.filter((name) => DATABASE_BACKUP.test(name)).map((name) => this.#databaseEntry(name).catch(() => undefined)));
    return entries
      .filter((entry): entry is DatabaseBackup => entry !== undefined)
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.name.localeCompare(b.name));
  }

  async #existing(name: string): Promise<DatabaseBackup> {
    if (!DATABASE_BACKUP.test(name)) throw new NotFoundError(`No database backup named "${name}"`);
    return this.#databaseEntry(name).catch(() => {
      throw new NotFoundError(`No database backup named "${name}"`);
    });
  }

  async #databaseEntry(name: string): Promise<DatabaseBackup> {
    const info = await stat(join(this.#backupDir, name));
    const [, stamp, reason] = DATABASE_BACKUP.exec(name)!;
    const created = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
    return { name, kind: 'database', created_at: created, size: info.size, reason };
  }
}

async function removeJournal(path: string): Promise<void> {
  await Promise.all(['-wal', '-shm', '-journal'].map((suffix) => rm(`${path}${suffix}`, { force: true })));
}

async function removeWithJournal(path: string): Promise<void> {
  await Promise.all([rm(path, { force: true }), removeJournal(path)]);
}
