import Database from 'better-sqlite3';
import type { AgendaBackend } from 'agenda';
import { SqliteJobRepository } from './SqliteJobRepository.ts';
import { SqliteJobLogger } from './SqliteJobLogger.ts';
import { InProcessNotificationChannel } from './in-process-channel.ts';

export type SqliteBackendOptions = { readonly path: string } | { readonly database: Database.Database } | Database.Database;

/**
 * Agenda 6 backend on one SQLite file (or ':memory:'), the default job store.
 *
 * - repository: atomic locking through IMMEDIATE transactions, WAL and a busy timeout, so several
 *   processes may share the file (they find each other's jobs by polling).
 * - notificationChannel: in-process, so a job saved by this process starts at once instead of at
 *   the next poll.
 * - logger: Agenda's persistent job log, in the same file.
 *
 * Built from `{ path }` it owns its connection: Agenda's stop() closes it, and connect() or the
 * next use opens it again (so the same Agenda can start again, and another Agenda can use the
 * backend). Built from an open better-sqlite3 database (`new SqliteBackend(db)` or `{ database: db }`)
 * it leaves that connection open.
 */
export class SqliteBackend implements AgendaBackend {
  readonly name = 'SQLite';
  readonly repository: SqliteJobRepository;
  readonly logger: SqliteJobLogger;
  readonly notificationChannel = new InProcessNotificationChannel();

  constructor(options: SqliteBackendOptions) {
    this.repository = new SqliteJobRepository(
      options instanceof Database ? { database: options } : 'path' in options ? { path: options.path } : { database: options.database },
    );
    this.logger = new SqliteJobLogger(() => this.repository.database);
  }

  get ownsConnection(): boolean {
    return this.repository.ownsConnection;
  }

  async connect(): Promise<void> {
    await this.repository.connect();
  }

  /** Idempotent; the notification channel is Agenda's to disconnect (its stop() does). */
  async disconnect(): Promise<void> {
    await this.repository.disconnect();
  }

  /**
   * Shuts the store for good (the job runner's stop): unlike disconnect(), a later use fails
   * instead of reopening, so a job of a stopped Agenda that finishes late cannot overwrite what
   * the next process reads.
   */
  async close(): Promise<void> {
    await this.repository.close();
  }
}
