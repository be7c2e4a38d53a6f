import type { AnyJobDefinition } from '../definition.ts';
import { deliverWebhookJob } from './deliver-webhook.job.ts';
import { downloadEpisodeJob } from './download-episode.job.ts';
import { pruneSessionsJob } from './prune-sessions.job.ts';
import { pruneActivityJob } from './prune-activity.job.ts';
import { refreshSeriesJob } from './refresh-series.job.ts';
import { rescanLibraryJob } from './rescan-library.job.ts';

/** Every job the runner knows. Add one line per new jobs/definitions/<name>.job.ts. */
export const JOB_DEFINITIONS: readonly AnyJobDefinition[] = [
  pruneSessionsJob,
  pruneActivityJob,
  rescanLibraryJob,
  refreshSeriesJob,
  deliverWebhookJob,
  downloadEpisodeJob,
];
