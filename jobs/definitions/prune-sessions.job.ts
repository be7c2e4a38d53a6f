import { defineJob } from '../definition.ts';

/** Deletes expired login sessions; scheduled daily. */
export const pruneSessionsJob = defineJob({
  name: 'prune-sessions',
  needs: ['auth'],
  async run(context, { auth }) {
    const removed = await auth.pruneSessions();
    if (removed > 0) context.logger.info({ removed }, 'expired sessions pruned');
  },
});
