import { defineJob } from '../definition.ts';

/**
 * Full library scan: the scheduled safety net for changes the watcher missed (network shares).
 * With downloads.queue_missing_after_scan on, it then queues what is missing.
 */
export const rescanLibraryJob = defineJob({
  name: 'rescan-library',
  needs: ['series', 'settings'],
  lockLifetimeMs: 60 * 60_000,
  async run(context, { series, settings, queue }) {
    await series.scanLibrary();
    if (context.signal.aborted || !settings.current().downloads.queue_missing_after_scan) return;
    if (!queue) {
      context.logger.warn('downloads.queue_missing_after_scan is on, but this process has no download queue');
      return;
    }
    await queue.queueMissing();
  },
});
