import { defineJob } from '../definition.ts';

/** Deletes activity log entries older than library.activity_retention_days; scheduled daily. */
export const pruneActivityJob = defineJob({
  name: 'prune-activity',
  needs: ['activity'],
  async run(context, { activity }) {
    const removed = await activity.prune();
    if (removed > 0) context.logger.info({ removed }, 'old activity entries pruned');
  },
});
