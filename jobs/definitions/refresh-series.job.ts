import { defineJob } from '../definition.ts';

/** Reloads provider data (seasons, episodes, titles): one series by key, or every monitored one. */
export const refreshSeriesJob = defineJob({
  name: 'refresh-series',
  needs: ['library'],
  lockLifetimeMs: 60 * 60_000,
  async run(context, { library }) {
    if (context.payload.key) await library.refreshSeries(context.payload.key);
    else await library.refreshAll();
  },
});
