import Database from 'better-sqlite3';
import { JobStoreError } from './errors.ts';

export type SqliteConnectionOptions = { readonly path: string } | { readonly database: Database.Database };

/**
 * The job store's SQLite connection, opened by connect() and, after a disconnect, again by the
 * next use. Agenda connects its backend once, in its constructor, while its stop() and drain()
 * disconnect a backend that owns its connection: a stopped Agenda that starts again, a query after
 * stop() and a second Agenda on the same backend all reach a disconnected store, and must find it
 * working, not "not connected".
 *
 * - From `{ path }` it owns the connection: disconnect() closes the file and the next use opens it
 *   again. An in-memory database (':memory:', or '' for a temporary one) is kept instead: its jobs
 *   live only as long as its connection, and a reopened one would be empty. It closes with the
 *   backend, when that is garbage-collected.
 * - From `{ database }` it borrows the caller's connection and never closes it.
 *
 * close() is the end: it disconnects (an in-memory database too) and every later use fails, so
 * nothing of a process that shut its job store down, such as a job still finishing, writes there.
 */
export class SqliteConnection {
  readonly #options: SqliteConnectionOptions;
  /** Pragmas and schema, run on every connection this opens or is given. */
  readonly #prepare: (db: Database.Database) => void;
  #db: Database.Database | undefined;
  #closed = false;

  constructor(options: SqliteConnectionOptions, prepare: (db: Database.Database) => void) {
    this.#options = options;
    this.#prepare = prepare;
  }

  get ownsConnection(): boolean {
    return 'path' in this.#options;
  }

  get connected(): boolean {
    return this.#db?.open === true;
  }

  /** The open connection; opened (again) when there is none. */
  get database(): Database.Database {
    if (this.#closed) throw new JobStoreError('The SQLite job store has been closed (the process is shutting down or has stopped its job runner).');
    if (this.#db?.open) return this.#db;
    const db = 'path' in this.#options ? new Database(this.#options.path) : this.#options.database;
    if (!db.open) {
      throw new JobStoreError(
        'The SQLite connection given to the job store has been closed by its owner; pass an open better-sqlite3 database, or { path } so the store opens its own.',
      );
    }
    try {
      this.#prepare(db);
    } catch (error) {
      if (this.ownsConnection) db.close();
      throw error;
    }
    this.#db = db;
    return db;
  }

  connect(): void {
    void this.database;
  }

  /** Idempotent: closes what it opened (a file), forgets a borrowed connection. */
  disconnect(): void {
    const db = this.#db;
    if (!db || (this.ownsConnection && db.memory && db.open)) return;
    this.#db = undefined;
    if (this.ownsConnection && db.open) db.close();
  }

  /** Final: disconnects, in-memory databases included; any later use fails. */
  close(): void {
    this.#closed = true;
    const db = this.#db;
    this.#db = undefined;
    if (db && this.ownsConnection && db.open) db.close();
  }
}
