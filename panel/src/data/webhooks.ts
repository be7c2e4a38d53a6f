import type { ApiClient } from './api-client.ts';

export const WEBHOOK_KINDS = ['json', 'discord', 'ntfy', 'gotify'] as const;
export const WEBHOOK_EVENTS = ['download_complete', 'download_failed', 'series_added', 'scan_complete', 'episode_available', 'health_issue'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export interface Webhook {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly kind: WebhookKind;
  readonly events: string[];
  readonly method: 'POST' | 'PUT';
  readonly headers: Record<string, string>;
  readonly enabled: boolean;
  readonly has_secret: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface WebhookInput {
  name: string;
  url: string;
  kind: WebhookKind;
  events: string[];
  secret?: string | null;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  enabled: boolean;
}

export interface TestResult {
  readonly success: boolean;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly response_excerpt: string | null;
  readonly error: string | null;
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

export const listWebhooks = (api: ApiClient) => api.get<Webhook[]>('/api/webhooks');
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
      errors.push(`Line ${index + 1}: write "Name: value"`);
      return;
    }
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return { headers, errors };
}

export function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n');
}
