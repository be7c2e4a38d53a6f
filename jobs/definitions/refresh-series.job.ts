import { defineJob } from '../definition.ts';

/** Reloads provider data (seasons, episodes, titles): one series by key, or every monitored one. */
export const refreshSeriesJob = defineJob({
  name: 'refresh-series',
  needs: ['series'],
  lockLifetimeMs: 60 * 60_000,
  async run(context, { series }) {
    if (context.payload.key) await series.refreshSeries(context.payload.key);
    else await series.refreshAll();
  },
});
