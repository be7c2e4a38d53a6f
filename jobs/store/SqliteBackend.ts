import Database from 'better-sqlite3';
import { InMemoryNotificationChannel, type AgendaBackend } from 'agenda';
import { SqliteJobRepository } from './SqliteJobRepository.ts';
import { SqliteJobLogger } from './SqliteJobLogger.ts';

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
 * Built from `{ path }` it owns (and closes) its connection; built from an open better-sqlite3
 * database (`new SqliteBackend(db)` or `{ database: db }`) it leaves that connection open.
 */
export class SqliteBackend implements AgendaBackend {
  readonly name = 'SQLite';
  readonly repository: SqliteJobRepository;
  readonly logger: SqliteJobLogger;
  readonly notificationChannel = new InMemoryNotificationChannel();

  constructor(options: SqliteBackendOptions) {
    this.repository = new SqliteJobRepository(options instanceof Database ? { database: options } : 'path' in options ? { path: options.path } : { database: options.database });
    this.logger = new SqliteJobLogger(() => this.repository.database);
  }

  get ownsConnection(): boolean {
    return this.repository.ownsConnection;
  }

  async connect(): Promise<void> {
    await this.repository.connect();
  }

  async disconnect(): Promise<void> {
    await this.repository.disconnect();
  }
}
