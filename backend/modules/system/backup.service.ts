import { copyFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SettingsStore } from '../../../config/store.ts';
import { backupDatabase, nativeDatabase, restoreDatabase, type Orm } from '../../db/orm.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';

export interface BackupEntry { readonly name: string; readonly kind: 'config' | 'database'; readonly created_at: string; readonly size: number }

const DATABASE_BACKUP = /^aniworld-(\d{8}T\d{9}Z)-[a-z0-9-]+\.db$/;

/**
 * Config backups (SettingsStore) and database backups (SQLite's online backup API) under one
 * name space, so `aniworld backup restore <name>` takes whatever `backup list` shows.
 */
export class BackupService {
  readonly #settings: SettingsStore;
  readonly #orm: Orm;
  readonly #databaseFile: string;
  readonly #backupDir: string;

  constructor(options: { settings: SettingsStore; orm: Orm; databaseFile: string; backupDir: string }) {
    this.#settings = options.settings;
    this.#orm = options.orm;
    this.#databaseFile = options.databaseFile;
    this.#backupDir = options.backupDir;
  }

  /** Both at once: a consistent database copy (safe while the server writes) and the config file. */
  async create(): Promise<BackupEntry[]> {
    const native = await this.#sqlite();
    const config = await this.#settings.createBackup();
    const database = await backupDatabase(native, this.#databaseFile, this.#backupDir, 'manual');
    const name = database.slice(this.#backupDir.length + 1);
    return [
      { name: config.name, kind: 'config', created_at: config.created_at, size: config.size },
      await this.#databaseEntry(name),
    ];
  }

  async list(): Promise<BackupEntry[]> {
    const configs: BackupEntry[] = (await this.#settings.listBackups()).map((backup) => ({ ...backup, kind: 'config' }));
    const names = await readdir(this.#backupDir).catch(() => [] as string[]);
    const databases = await Promise.all(names.filter((name) => DATABASE_BACKUP.test(name)).map((name) => this.#databaseEntry(name)));
    return [...configs, ...databases].sort((a, b) => b.created_at.localeCompare(a.created_at) || a.name.localeCompare(b.name));
  }

  /**
   * A config backup replaces config.json (the current one is backed up first). A database backup
   * is copied page by page into the live database through SQLite's backup API after a safety
   * copy, so a running server sees either the old or the restored data, never a torn file.
   */
  async restore(name: string): Promise<{ kind: 'config' | 'database'; safety_backup?: string }> {
    if (!DATABASE_BACKUP.test(name)) {
      await this.#settings.restore(name);
      return { kind: 'config' };
    }
    const source = join(this.#backupDir, name);
    if (!(await stat(source).catch(() => undefined))) throw new NotFoundError(`No database backup named "${name}"`);
    const native = await this.#sqlite();
    // The safety copy's rotation may delete the oldest backup: the one being restored, perhaps.
    const staged = join(this.#backupDir, `.restoring-${name}`);
    await copyFile(source, staged);
    try {
      const safety = await backupDatabase(native, this.#databaseFile, this.#backupDir, 'pre-restore');
      await restoreDatabase(staged, this.#databaseFile);
      return { kind: 'database', safety_backup: safety.slice(this.#backupDir.length + 1) };
    } finally {
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${staged}${suffix}`, { force: true })));
    }
  }

  /** Backups cover the embedded SQLite database; an external PostgreSQL has its own tools. */
  async #sqlite() {
    const native = await nativeDatabase(this.#orm);
    if (typeof (native as { backup?: unknown }).backup !== 'function') {
      throw new ConflictError('Database backups cover the embedded SQLite database. Back up PostgreSQL with pg_dump; config backups still work from the panel.');
    }
    return native;
  }

  async #databaseEntry(name: string): Promise<BackupEntry> {
    const info = await stat(join(this.#backupDir, name));
    const stamp = DATABASE_BACKUP.exec(name)![1];
    const created = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
    return { name, kind: 'database', created_at: created, size: info.size };
  }
}
