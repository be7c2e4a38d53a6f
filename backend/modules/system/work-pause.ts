import type { JobQueue, JobName } from '../../job-queue.ts';
import { AppError } from '../../errors.ts';
import type { PauseWork } from './backup.service.ts';

/** Jobs that write the library database besides downloads. */
const LIBRARY_JOBS: readonly JobName[] = ['rescan-library', 'refresh-series'];

export class WorkRunningError extends AppError {
  constructor(names: readonly string[]) {
    super(409, 'work_running', `A database restore waits until ${names.join(' and ')} has finished: try again in a moment. Nothing was changed.`, {
      details: { running: names },
    });
  }
}

/**
 * What a database restore stops first: the download queue pauses (transfers keep their .part
 * and go on afterwards, unless the queue was paused already), scans and refreshes are not
 * picked up, and one that runs right now makes the restore wait instead of racing it.
 */
export function pauseLibraryWork(deps: {
  jobs: JobQueue;
  queue: { status(): Promise<{ is_paused: boolean }>; pause(): Promise<unknown>; resume(): Promise<unknown> };
}): PauseWork {
  return async () => {
    const running = (await deps.jobs.list()).filter((job) => job.state === 'running' && LIBRARY_JOBS.includes(job.name)).map((job) => job.name);
    if (running.length > 0) throw new WorkRunningError([...new Set(running)]);
    for (const name of LIBRARY_JOBS) await deps.jobs.pause(name);
    const wasPaused = (await deps.queue.status()).is_paused;
    if (!wasPaused) await deps.queue.pause();
    return async () => {
      if (!wasPaused) await deps.queue.resume();
      for (const name of LIBRARY_JOBS) await deps.jobs.resume(name);
    };
  };
}
