import pg from 'pg';
import type { Logger } from './logger.ts';

/** Who holds a cluster-wide role (the folder watcher): this process, or another one for now. */
export interface Election {
  readonly held: boolean;
  start(): Promise<void>;
  /** Gives the role up (if held) and stops asking. */
  close(): Promise<void>;
}

export interface AdvisoryLockOptions {
  readonly url: string;
  /** The pg_advisory_lock key; one per role, unlike any other lock the application takes. */
  readonly key: number;
  /** How often a process without the lock asks again, and the holder checks its connection (default 15 s). */
  readonly retryMs?: number;
  readonly logger: Logger;
  /** Called with true when this process gets the lock, with false when it loses it (connection gone). */
  readonly onChange: (held: boolean) => void;
}

/**
 * A session-level PostgreSQL advisory lock as an election: taken with pg_try_advisory_lock on a
 * connection of its own, kept for as long as that session lives. The server frees it when the
 * session ends, also when the holder is killed or its machine disappears (TCP keepalive), and one
 * of the processes asking every `retryMs` takes it over.
 *
 * A holder whose connection broke learns so at its next check at the latest, so for up to one
 * interval two processes may both believe they hold it; that is harmless for a folder watcher
 * (one rescan too many), which is what this is for. Not a lock for work that must never overlap.
 */
export class AdvisoryLockElection implements Election {
  readonly #options: AdvisoryLockOptions;
  readonly #logger: Logger;
  #client: pg.Client | undefined;
  #held = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();

  constructor(options: AdvisoryLockOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'election', lock: options.key });
  }

  get held(): boolean {
    return this.#held;
  }

  /** Asks once at once (so a single process holds the lock before start-up finishes), then every interval. */
  async start(): Promise<void> {
    this.#tick = this.#check();
    await this.#tick;
    this.#schedule();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#tick;
    const client = this.#client;
    this.#client = undefined;
    this.#held = false;
    // Ending the session frees the lock; nobody needs to be told, the process is going away.
    await client?.end().catch(() => {});
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#check().finally(() => this.#schedule());
    }, this.#options.retryMs ?? 15_000);
    this.#timer.unref();
  }

  async #check(): Promise<void> {
    try {
      const client = this.#client ?? (await this.#connect());
      if (this.#held) {
        // Still connected means still holding it: the lock lives exactly as long as the session.
        await client.query('select 1');
        return;
      }
      const result = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [this.#options.key]);
      if (result.rows[0]?.locked && !this.#closed) this.#change(true);
    } catch (error) {
      this.#logger.warn({ err: error }, 'advisory lock connection failed; asking again later');
      this.#drop();
    }
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#options.url, keepAlive: true, application_name: 'aniworld-election' });
    client.on('error', (error) => {
      if (this.#client !== client) return;
      this.#logger.warn({ err: error }, 'advisory lock connection lost');
      this.#drop();
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.#client = client;
    return client;
  }

  /** The session is gone, and the lock with it. */
  #drop(): void {
    const client = this.#client;
    this.#client = undefined;
    client?.end().catch(() => {});
    if (this.#held) this.#change(false);
  }

  #change(held: boolean): void {
    this.#held = held;
    this.#logger.info(held ? 'this process holds the lock now' : 'this process lost the lock');
    this.#options.onChange(held);
  }
}
