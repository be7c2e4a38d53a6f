import type { JobName, JobSummary } from '../../job-queue.ts';
import { NotFoundError } from '../../errors.ts';
import type { ScheduledTask } from '../../../contract/index.ts';

export type { ScheduledTask };

export interface TaskJobs {
  list(): Promise<readonly JobSummary[]>;
  runNow(name: JobName): Promise<'scheduled' | 'one-time'>;
}

/**
 * The recurring jobs (scheduled rescan, provider refresh, session pruning) as the System page
 * shows them, each with "run now". One-off runs of the same names only count as "running".
 */
export class TaskService {
  readonly #jobs: TaskJobs;
  readonly #names: readonly JobName[];

  constructor(options: { jobs: TaskJobs; names: readonly JobName[] }) {
    this.#jobs = options.jobs;
    this.#names = options.names;
  }

  async list(): Promise<ScheduledTask[]> {
    const jobs = await this.#jobs.list();
    return this.#names.map((name) => {
      const ofName = jobs.filter((job) => job.name === name);
      const schedule = ofName.find((job) => job.repeating);
      const running = ofName.some((job) => job.state === 'running');
      const lastRun =
        ofName
          .map((job) => job.lastRunAt)
          .filter((time): time is string => time !== null)
          .sort()
          .at(-1) ?? null;
      return {
        name,
        state: running ? 'running' : !schedule ? 'off' : schedule.state === 'paused' ? 'paused' : 'repeating',
        running,
        next_run_at: schedule?.nextRunAt ?? null,
        last_run_at: lastRun,
        last_error: schedule?.failReason ?? null,
      };
    });
  }

  /** Starts the task now through the job runner; 404 for a name that is no scheduled task. */
  async run(name: string): Promise<ScheduledTask> {
    const task = this.#names.find((known) => known === name);
    if (!task) throw new NotFoundError(`No scheduled task named "${name}". Known tasks: ${this.#names.join(', ')}.`);
    await this.#jobs.runNow(task);
    return (await this.list()).find((entry) => entry.name === task)!;
  }
}
