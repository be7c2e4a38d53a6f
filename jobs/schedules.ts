import type { Agenda } from 'agenda';
import type { Logger } from '../backend/adapters/logger.ts';
import type { Settings } from '../config/schema.ts';
import type { JobName } from '../backend/job-queue.ts';

const HOUR = 3600_000;

export interface Schedule {
  readonly name: JobName;
  /** Interval in ms from the live settings; 0 turns the schedule off. */
  readonly everyMs: (settings: Readonly<Settings>) => number;
}

export const SCHEDULES: readonly Schedule[] = [
  { name: 'rescan-library', everyMs: (settings) => settings.library.rescan_interval_hours * HOUR },
  { name: 'refresh-series', everyMs: (settings) => settings.library.refresh_interval_hours * HOUR },
  { name: 'prune-sessions', everyMs: () => 24 * HOUR },
  { name: 'prune-activity', everyMs: () => 24 * HOUR },
];

/**
 * Installs each schedule as one repeating Agenda job (type 'single', so every process and every
 * restart shares it). The next run is computed from the stored lastRunAt, not from "now": a
 * restart does not push a rescan further away, and a run missed while the app was down is
 * caught up at once.
 */
export async function applySchedules(
  agenda: Agenda,
  schedules: readonly Schedule[],
  settings: Readonly<Settings>,
  logger: Logger,
  now: Date = new Date(),
): Promise<void> {
  for (const schedule of schedules) {
    const everyMs = schedule.everyMs(settings);
    const { jobs } = await agenda.queryJobs({ name: schedule.name });
    const existing = jobs.find((job) => job.type === 'single');
    if (everyMs <= 0) {
      if (existing) await agenda.cancel({ id: existing._id });
      continue;
    }
    const lastRunAt = existing?.lastRunAt ? new Date(existing.lastRunAt).getTime() : undefined;
    const due = lastRunAt === undefined ? now.getTime() : Math.max(now.getTime(), lastRunAt + everyMs);
    const job = agenda.create(schedule.name, {});
    job.attrs.type = 'single';
    job.attrs.repeatInterval = everyMs;
    job.attrs.nextRunAt = new Date(due);
    // Update by id: the upsert of a 'single' job would keep a stale nextRunAt when the interval shrank.
    if (existing) job.attrs._id = existing._id;
    await job.save();
    logger.debug(
      { job: schedule.name, every_hours: everyMs / HOUR, next_run_at: new Date(due).toISOString(), overdue: due === now.getTime() },
      'schedule applied',
    );
  }
}
