import type { ApiClient } from './api-client.ts';
import type { ActivityPage, ActivityType } from '../../../contract/index.ts';

/** The activity log (GET /api/activity): what happened, newest first; shapes in contract/activity.ts. */
export type { ActivityItem, ActivityPage, ActivityType } from '../../../contract/index.ts';

/** The groups the page filters by. */
export const ACTIVITY_GROUPS = {
  series: ['series_added', 'series_imported', 'series_removed', 'series_refreshed'],
  scans: ['scan_complete', 'scan_failed'],
  downloads: ['download_started', 'download_complete', 'download_failed', 'episode_upgraded'],
  renames: ['episodes_renamed'],
  provider: ['provider_check', 'health_issue'],
  settings: ['settings_changed'],
} as const satisfies Record<string, readonly ActivityType[]>;
export type ActivityGroup = keyof typeof ACTIVITY_GROUPS;

export function getActivity(api: ApiClient, options: { offset: number; limit: number; group?: ActivityGroup }, signal?: AbortSignal): Promise<ActivityPage> {
  const query = new URLSearchParams({ offset: String(options.offset), limit: String(options.limit) });
  if (options.group) query.set('type', ACTIVITY_GROUPS[options.group].join(','));
  return api.get<ActivityPage>(`/api/activity?${query}`, signal);
}
