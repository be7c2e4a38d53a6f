import { defineJob } from '../definition.ts';

/** How often a running download renews its job lock at most: always well inside the lock lifetime. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Runs one attempt of one queued episode. The queue service decides what starts (priority,
 * concurrency, backoff) and records the outcome; the job only carries the item id to it.
 */
export const downloadEpisodeJob = defineJob({
  name: 'download-episode',
  needs: ['queue'],
  concurrency: (settings) => settings.downloads.concurrency,
  lockLifetimeMs: 5 * 60_000,
  async run(context, { queue }) {
    const touch = setInterval(
      () => {
        context.touch().catch(() => {});
      },
      Math.min(TOUCH_EVERY_MS, context.lockLifetimeMs / 3),
    );
    try {
      await queue.runItem(context.payload.itemId, context.signal);
    } finally {
      clearInterval(touch);
    }
  },
});
