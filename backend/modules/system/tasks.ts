import type { JobSummary } from '../../job-queue.ts';

export interface ScheduledTask {
  readonly name: string;
  readonly state: JobSummary['state'];
  readonly next_run_at: string | null;
  readonly last_run_at: string | null;
  readonly last_error: string | null;
}

/**
 * The recurring jobs (scheduled rescan, provider refresh, session pruning) as the panel's
 * system page shows them; one-off runs of the same job names are left out.
 */
export function scheduledTasks(list: () => Promise<readonly JobSummary[]>, names: readonly string[]): () => Promise<ScheduledTask[]> {
  return async () => (await list())
    .filter((job) => names.includes(job.name) && (job.state === 'repeating' || job.state === 'paused'))
    .map((job) => ({ name: job.name, state: job.state, next_run_at: job.nextRunAt, last_run_at: job.lastRunAt, last_error: job.failReason }));
}
