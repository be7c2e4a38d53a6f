import type { Logger } from '../backend/adapters/logger.ts';
import type { Settings } from '../config/schema.ts';
import type { JobName, JobPayloads } from '../backend/job-queue.ts';

/**
 * What job handlers may call: narrow views of backend services, wired once in backend/main.ts.
 * To give a job a new collaborator, add an optional field here and pass the service in main.ts.
 * A definition names the fields it needs in `needs`; the runner registers it only when all of
 * them are wired (a process without the series service simply does not run library jobs).
 */
export interface JobServices {
  readonly auth?: { pruneSessions(): Promise<number> };
  /** The series service (the library: scans, provider refreshes). */
  readonly series?: {
    scanLibrary(): Promise<unknown>;
    refreshSeries(key: string): Promise<unknown>;
    refreshAll(): Promise<unknown>;
  };
  /** The download queue: queues the missing episodes of monitored series (after a scheduled rescan). */
  readonly queue?: {
    queueMissing(): Promise<unknown>;
    /** Runs one attempt of a started queue item (the download-episode job). */
    runItem(itemId: string, signal?: AbortSignal): Promise<void>;
  };
  /** The webhook outbox: one delivery attempt. */
  readonly webhooks?: { deliver(deliveryId: number): Promise<unknown> };
  readonly settings?: { current(): Readonly<Settings> };
  /** The activity log: deletes entries past their retention. */
  readonly activity?: { prune(): Promise<number> };
}

export interface JobContext<N extends JobName> {
  readonly id: string;
  readonly name: N;
  readonly payload: JobPayloads[N];
  /** 1 on the first run, 2 on the first retry, ... */
  readonly attempt: number;
  /**
   * Aborted when the runner shuts down or the job is cancelled through the JobQueue. Pass it to
   * fetch/streams; a job that sees it should stop soon (its work is retried after a restart).
   */
  readonly signal: AbortSignal;
  /**
   * Renews the job's lock (and stores progress 0-100). A job running longer than its
   * `lockLifetimeMs` must call this meanwhile, or another worker may take the job over.
   */
  touch(progress?: number): Promise<void>;
  /** The lock lifetime this run has: touch() well within it. */
  readonly lockLifetimeMs: number;
  readonly logger: Logger;
}

export type ServicesFor<S extends keyof JobServices> = { readonly [K in S]-?: NonNullable<JobServices[K]> };

/**
 * One background job: jobs/definitions/<name>.job.ts exports one of these (made with defineJob)
 * and jobs/definitions/index.ts lists it. The handler is thin: it calls services and returns.
 * It already runs on its own EntityManager fork (inContext), so services use `orm.em` freely.
 */
export interface JobDefinition<N extends JobName = JobName, S extends keyof JobServices = keyof JobServices> {
  readonly name: N;
  readonly needs: readonly S[];
  /** Parallel runs per process (default 1); a function is re-read whenever settings change. */
  readonly concurrency?: number | ((settings: Readonly<Settings>) => number);
  /** How long a run may go without touch() before it counts as dead (default 10 minutes). */
  readonly lockLifetimeMs?: number;
  /** Delay before retry number `attempt` (1-based) in ms, or null to stop retrying. Default: no retry. */
  readonly retry?: (attempt: number, error: Error) => number | null;
  /** Keep a finished one-time job in the store (default false: completed jobs are deleted, failed ones kept). */
  readonly keepCompleted?: boolean;
  /** `services` holds the needed services (present) plus every other wired one (optional). */
  run(context: JobContext<N>, services: ServicesFor<S> & JobServices): Promise<void>;
}

export function defineJob<N extends JobName, S extends keyof JobServices = never>(definition: JobDefinition<N, S>): JobDefinition<N, S> {
  return definition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobDefinition = JobDefinition<any, any>;
