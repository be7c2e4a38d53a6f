import type { ApiClient } from './api-client.ts';
import { toUrl } from '../base.ts';

export interface ComponentHealth { readonly status: 'ok' | 'degraded' | 'down' | 'disabled' | 'check'; readonly [detail: string]: unknown }
export interface Health {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly version: string;
  readonly uptime_seconds: number;
  readonly [component: string]: unknown;
}
export interface LogLine { readonly time?: string | number; readonly level?: string | number; readonly msg?: string; readonly [field: string]: unknown }
import type { Checklist, DatabaseBackup, DatabaseRestore, ScheduledTask } from '../../../contract/index.ts';

export type { Checklist, ChecklistItemId, DatabaseBackup, DatabaseRestore, ScheduledTask } from '../../../contract/index.ts';

/** The API answers 503 with the same body when something is down: the report still matters then. */
export async function getHealth(): Promise<Health> {
  const response = await fetch(toUrl('/api/health'), { headers: { accept: 'application/json' } });
  const body = (await response.json()) as Health;
  if (!body || typeof body.status !== 'string') throw new Error(`Health check answered ${response.status}`);
  return body;
}

export function healthComponents(health: Health): [string, ComponentHealth][] {
  return Object.entries(health).filter((entry): entry is [string, ComponentHealth] =>
    typeof entry[1] === 'object' && entry[1] !== null && typeof (entry[1] as ComponentHealth).status === 'string');
}

export const getLogs = (api: ApiClient, lines = 200, level?: string) => api.get<{ lines: LogLine[] }>(`/api/system/logs?lines=${lines}${level ? `&level=${level}` : ''}`);
export const getTasks = (api: ApiClient) => api.get<ScheduledTask[] | { tasks: ScheduledTask[] }>('/api/system/tasks');

export interface ProviderTestStep { readonly step: 'dns' | 'reach' | 'search'; readonly status: 'ok' | 'warn' | 'fail'; readonly message: string; readonly ms: number }
export interface ProviderTestResult { readonly ok: boolean; readonly steps: readonly ProviderTestStep[]; readonly provider: ComponentHealth }

/** One search through the provider client, step by step (can take as long as a browser solve). */
export const testProvider = (api: ApiClient, query?: string) => api.post<ProviderTestResult>('/api/system/provider-test', query ? { query } : {});

/** "Run now": the task's job becomes due at once (202). */
export const runTask = (api: ApiClient, name: string) => api.post<ScheduledTask>(`/api/system/tasks/${encodeURIComponent(name)}/run`);

export const listDatabaseBackups = (api: ApiClient) => api.get<{ backups: DatabaseBackup[]; keep: number }>('/api/system/backups');
export const createDatabaseBackup = (api: ApiClient) => api.post<DatabaseBackup>('/api/system/backups');
export const restoreDatabaseBackup = (api: ApiClient, name: string) => api.post<DatabaseRestore>(`/api/system/backups/${encodeURIComponent(name)}/restore`);
export const deleteDatabaseBackup = (api: ApiClient, name: string) => api.delete<void>(`/api/system/backups/${encodeURIComponent(name)}`);
/** The file goes up as it is; the server checks it before keeping it as a backup. */
export const uploadDatabaseBackup = (api: ApiClient, file: Blob) => api.post<DatabaseBackup>('/api/system/backups/upload', file);
/** The backup as a file the browser saves (the download needs the session, so no plain link). */
export async function downloadDatabaseBackup(api: ApiClient, name: string): Promise<void> {
  const blob = await (await api.raw(`/api/system/backups/${encodeURIComponent(name)}`)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const getChecklist = (api: ApiClient) => api.get<Checklist>('/api/system/checklist');
