/**
 * The small port services use to reach the job runner. It sits with the services that use it
 * (queue, webhook outbox, scheduled tasks); jobs/ implements it and is the only folder that
 * imports agenda (backend/main.ts passes the runner in).
 *
 * Adding a job: a name and its payload here, a handler in jobs/definitions/<name>.job.ts
 * (see jobs/definition.ts), one line in jobs/definitions/index.ts. Payloads are small JSON:
 * ids, not records (the handler loads what it needs).
 */
export interface JobPayloads {
  'download-episode': { itemId: string };
  'rescan-library': Record<string, never>;
  'refresh-series': { key?: string };
  'deliver-webhook': { deliveryId: number };
  'prune-sessions': Record<string, never>;
  'prune-activity': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface EnqueueOptions {
  /**
   * Among jobs of the same name that are due, higher runs first; equal priorities run in the
   * order they were enqueued. Default 0.
   */
  readonly priority?: number;
  /** Not before this time (default: now). */
  readonly runAt?: Date;
  /**
   * At most one stored job per key: enqueueing the same key again updates that job (payload,
   * priority, runAt) and makes a failed or finished one due again instead of adding a second.
   */
  readonly uniqueKey?: string;
  /**
   * Store it paused (as pause() would): for a service whose own state says "not now" while this
   * process's runner may not know (another process paused the name).
   */
  readonly paused?: boolean;
  /**
   * Read just before the job is stored; false stores nothing. An enqueue of a key whose job runs
   * in this process is stored once that job has ended, so the check sees what changed meanwhile.
   */
  readonly onlyIf?: () => Promise<boolean>;
}

export interface JobSummary {
  readonly id: string;
  readonly name: JobName;
  readonly payload: unknown;
  readonly state: 'scheduled' | 'queued' | 'running' | 'completed' | 'failed' | 'repeating' | 'paused';
  readonly priority: number;
  /** ISO time; jobs that are simply due now show 1970-01-01T00:00:00.000Z (that is how priority works). */
  readonly nextRunAt: string | null;
  readonly lastRunAt: string | null;
  readonly failReason: string | null;
  /** The job of a schedule (it repeats), not a one-time run of the same name. */
  readonly repeating?: boolean;
}

export interface JobQueue {
  /** Stores the job; a processing runner starts it at once when a slot is free. */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
  /**
   * Removes the stored jobs of that name whose payload has these values, and aborts the
   * context.signal of a matching job running in this process. Returns how many were removed.
   */
  cancel<N extends JobName>(name: N, payload: Partial<JobPayloads[N]>): Promise<number>;
  /**
   * Stops or restarts picking up jobs of a name; running ones are not touched. Stored jobs stay
   * paused across restarts, but jobs enqueued after a restart are not: a service that keeps a
   * paused state calls pause() again at start.
   */
  pause(name: JobName): Promise<void>;
  resume(name: JobName): Promise<void>;
  /** Stored jobs (completed one-time jobs are deleted), due first. */
  list(name?: JobName): Promise<JobSummary[]>;
}
