import type { DomainEvent } from '../../events/bus.ts';
import type { ActivityType } from '../../../contract/index.ts';

/**
 * Which domain events become activity entries, under which type, with which details. Only what
 * a person wants to read later: no progress ticks, no queue bookkeeping, never a URL or a secret.
 */
export { ACTIVITY_TYPES, type ActivityType } from '../../../contract/index.ts';

export interface ActivityRecord {
  readonly type: ActivityType;
  readonly key: string | null;
  readonly folder: string | null;
  readonly data: Record<string, unknown>;
}

const EPISODE = ['season', 'episode', 'serie_name'] as const;

/** The entry an event makes, or undefined for events the log does not keep. */
export function activityFor(event: DomainEvent): ActivityRecord | undefined {
  const data = event.data as Record<string, unknown>;
  const entry = (type: ActivityType, fields: readonly string[]): ActivityRecord => ({
    type,
    key: typeof data.key === 'string' ? data.key : null,
    folder: typeof data.folder === 'string' ? data.folder : null,
    data: pick(data, fields),
  });
  switch (event.type) {
    case 'series_added':
      return entry(data.imported === true ? 'series_imported' : 'series_added', ['name']);
    case 'series_removed':
      return entry('series_removed', ['files_deleted']);
    // A refresh that found nothing new is not news (the schedule refreshes every series daily).
    case 'series_refreshed':
      return Number(data.new_episodes) > 0 ? entry('series_refreshed', ['name', 'new_episodes', 'episodes', 'seasons']) : undefined;
    // Series scans follow every change the watcher sees; the log keeps library scans and failures.
    case 'scan_complete':
      return data.scope === 'library'
        ? entry('scan_complete', ['scope', 'folders', 'series', 'changed', 'linked', 'episodes_added', 'episodes_updated', 'episodes_removed', 'duration_ms'])
        : undefined;
    case 'scan_failed':
      return entry('scan_failed', ['scope', 'error']);
    case 'download_started':
      return entry('download_started', [...EPISODE, 'language', 'attempt']);
    case 'download_complete':
      return entry('download_complete', [...EPISODE, 'language', 'hoster', 'size']);
    case 'download_failed':
      return entry('download_failed', [...EPISODE, 'error', 'attempts']);
    case 'episodes_renamed':
      return entry('episodes_renamed', ['renamed', 'files', 'clashes', 'failed']);
    case 'provider_check':
      return entry('provider_check', ['site', 'reason', 'state']);
    case 'health_issue':
      return entry('health_issue', ['component', 'status', 'message']);
    case 'episode_upgraded':
      return entry('episode_upgraded', [...EPISODE, 'from_language', 'to_language']);
    default:
      return undefined;
  }
}

function pick(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (data[field] !== undefined && isPlain(data[field])) picked[field] = data[field];
  return picked;
}

function isPlain(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * The settings keys (dotted paths) whose values differ; the values themselves are never logged
 * (a FlareSolverr URL may carry credentials).
 */
export function changedSettingKeys(previous: unknown, next: unknown, prefix = ''): string[] {
  if (isRecord(previous) && isRecord(next)) {
    const names = [...new Set([...Object.keys(previous), ...Object.keys(next)])].sort();
    return names.flatMap((name) => changedSettingKeys(previous[name], next[name], prefix ? `${prefix}.${name}` : name));
  }
  return JSON.stringify(previous) === JSON.stringify(next) ? [] : [prefix];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
