import type { ProviderChecks } from '../../../contract/index.ts';
import type { ApiClient } from './api-client.ts';

/** Provider checks no machine could pass: the list, the live view of one, and a person's input to it. */

/** A check waiting for a person (`contract/health.ts`). */
export type ProviderCheck = ProviderChecks['checks'][number];
export interface CheckFrame { readonly seq: number; readonly url: string; readonly width: number; readonly height: number }
export type CheckInput = { type: 'click'; x: number; y: number } | { type: 'key'; key: string } | { type: 'text'; text: string };

/** Keys forwarded by name; everything else a person types goes as text. */
export const NAMED_KEYS = new Set(['Enter', 'Backspace', 'Tab', 'Escape', 'Delete', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']);

const checkPath = (site: string) => `/api/provider/checks/${encodeURIComponent(site)}`;

export const listProviderChecks = async (api: ApiClient) => (await api.get<ProviderChecks>('/api/provider/checks')).checks;

/** The next frame after `after` as an object URL (the caller revokes it); undefined when the page did not change for a while. */
export async function nextFrame(api: ApiClient, site: string, after: number, signal?: AbortSignal): Promise<CheckFrame | undefined> {
  const response = await api.raw(`${checkPath(site)}/frame?after=${after}`, signal);
  if (response.status === 204) return undefined;
  const header = (name: string) => Number(response.headers.get(name) ?? 0);
  return { seq: header('x-frame-seq'), width: header('x-frame-width'), height: header('x-frame-height'), url: URL.createObjectURL(await response.blob()) };
}

export const sendCheckInput = (api: ApiClient, site: string, input: CheckInput) => api.post<void>(`${checkPath(site)}/input`, input);
export const giveUpCheck = (api: ApiClient, site: string) => api.post<void>(`${checkPath(site)}/give-up`);
