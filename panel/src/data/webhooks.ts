import type { Webhook as WebhookWire } from '../../../contract/index.ts';
import type { ApiClient } from './api-client.ts';
import { t } from '../i18n/locale.ts';

export const WEBHOOK_KINDS = ['json', 'discord', 'ntfy', 'gotify', 'telegram', 'pushover', 'jellyfin', 'emby', 'plex'] as const;
export const WEBHOOK_EVENTS = ['download_complete', 'download_failed', 'series_added', 'series_removed', 'scan_complete', 'episode_upgraded', 'health_issue', 'provider_check'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Media servers are refreshed, not sent a message: no method, headers or signature. */
export function isMediaServer(kind: string): kind is 'jellyfin' | 'emby' | 'plex' {
  return kind === 'jellyfin' || kind === 'emby' || kind === 'plex';
}

/** Where a new target of a kind usually lives, and which events it wants. */
export const KIND_DEFAULTS: Partial<Record<WebhookKind, { url: string; events: WebhookEvent[] }>> = {
  telegram: { url: 'https://api.telegram.org', events: ['download_complete', 'download_failed'] },
  pushover: { url: 'https://api.pushover.net', events: ['download_complete', 'download_failed'] },
  jellyfin: { url: 'http://jellyfin:8096', events: ['download_complete', 'series_removed', 'scan_complete'] },
  emby: { url: 'http://emby:8096', events: ['download_complete', 'series_removed', 'scan_complete'] },
  plex: { url: 'http://plex:32400', events: ['download_complete', 'series_removed', 'scan_complete'] },
};

export interface WebhookOptions {
  chat_id?: string;
  user_key?: string;
  server_path?: string;
}

/** A hook as the API shows it (`contract/webhooks.ts`). */
export type Webhook = WebhookWire;

export interface WebhookInput {
  name: string;
  url: string;
  kind: WebhookKind;
  events: string[];
  secret?: string | null;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  options?: WebhookOptions;
  enabled: boolean;
}

export interface TestResult {
  readonly success: boolean;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly response_excerpt: string | null;
  readonly error: string | null;
  /** Media servers: what the check found, for the panel to word in its language. */
  readonly code?: string;
  readonly params?: Record<string, string>;
}

export interface Delivery {
  readonly id: string;
  readonly sequence: number;
  readonly event: string;
  readonly status: string;
  readonly attempts: number;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly next_attempt_at: string | null;
  readonly created_at: string;
  readonly delivered_at: string | null;
}

export const listWebhooks = (api: ApiClient, signal?: AbortSignal) => api.get<Webhook[]>('/api/webhooks', signal);
export const createWebhook = (api: ApiClient, input: WebhookInput) => api.post<Webhook>('/api/webhooks', input);
export const updateWebhook = (api: ApiClient, id: string, input: Partial<WebhookInput>) => api.put<Webhook>(`/api/webhooks/${encodeURIComponent(id)}`, input);
export const deleteWebhook = (api: ApiClient, id: string) => api.delete<void>(`/api/webhooks/${encodeURIComponent(id)}`);
export const testWebhook = (api: ApiClient, input: WebhookInput) => api.post<TestResult>('/api/webhooks/test', input);
/** With `edits`, tests the saved hook as the edit form has it now (••• keeps stored values), without saving. */
export const testSavedWebhook = (api: ApiClient, id: string, edits?: Partial<WebhookInput>) => api.post<TestResult>(`/api/webhooks/${encodeURIComponent(id)}/test`, edits);
export const listDeliveries = (api: ApiClient, id: string, page = 1) =>
  api.get<{ items: Delivery[]; total: number; page: number; per_page: number }>(`/api/webhooks/${encodeURIComponent(id)}/deliveries?page=${page}&per_page=20`);

/** "Authorization: Bearer x" lines <-> a header map, for the form's textarea. */
export function parseHeaderLines(text: string): { headers: Record<string, string>; errors: string[] } {
  const headers: Record<string, string> = {};
  const errors: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      errors.push(t('hooks.headerLine', { line: index + 1 }));
      return;
    }
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return { headers, errors };
}

export function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n');
}
