import type { DomainEvent } from '../../events/bus.ts';

export interface SeriesMissing {
  readonly key: string;
  readonly missing_count: number;
}

/**
 * Adds the library's missing counts to `scan_complete` before it goes to webhooks: a receiver
 * wants to know what is missing now, and the scan itself only knows what changed on disk.
 * For a one-series scan the counts are that series' own.
 */
export function scanMissingCounts(listSeries: () => Promise<readonly SeriesMissing[]>) {
  return async (event: DomainEvent): Promise<Record<string, unknown>> => {
    if (event.type !== 'scan_complete') return {};
    const key = (event.data as { key?: string }).key;
    const all = await listSeries();
    const scope = key ? all.filter((series) => series.key === key) : all;
    return {
      missing_episodes: scope.reduce((sum, series) => sum + series.missing_count, 0),
      series_with_missing: scope.filter((series) => series.missing_count > 0).length,
    };
  };
}
