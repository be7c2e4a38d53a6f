/**
 * The small port services use to reach the job runner. Only jobs/ imports agenda;
 * everything in backend/ sees this interface.
 */
export interface JobPayloads {
  'download-episode': { itemId: string };
  'rescan-library': Record<string, never>;
  'refresh-series': { key?: string };
  'deliver-webhook': { deliveryId: number };
  'prune-sessions': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface EnqueueOptions {
  /** Higher runs first. */
  readonly priority?: number;
  readonly runAt?: Date;
  /** Jobs with the same unique key are stored once. */
  readonly uniqueKey?: string;
}

export interface JobSummary {
  readonly id: string;
  readonly name: JobName;
  readonly payload: unknown;
  readonly state: 'scheduled' | 'queued' | 'running' | 'completed' | 'failed' | 'repeating' | 'paused';
  readonly nextRunAt: string | null;
  readonly lastRunAt: string | null;
  readonly failReason: string | null;
}

export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
  /** Removes queued jobs of that name whose payload matches. */
  cancel<N extends JobName>(name: N, payload: Partial<JobPayloads[N]>): Promise<number>;
  /** Stops or restarts picking up new jobs of a name (running ones are not touched). */
  pause(name: JobName): Promise<void>;
  resume(name: JobName): Promise<void>;
  list(name?: JobName): Promise<JobSummary[]>;
}
