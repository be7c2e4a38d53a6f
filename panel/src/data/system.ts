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
export interface ScheduledTask { readonly name: string; readonly state?: string; readonly next_run_at: string | null; readonly last_run_at: string | null; readonly last_error?: string | null }

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
