import type { ApiClient } from './api-client.ts';
import type { LibraryRenamePlan, LibraryRenameResult, RenamePlan, RenameResult } from '../../../contract/index.ts';

/** Organize: renaming existing files to the naming templates (GET previews, POST applies); shapes in contract/organize.ts. */
export type { ClashReason, FileMove, LibraryRenamePlan, LibraryRenameResult, RenameClash, RenamePlan, RenameResult } from '../../../contract/index.ts';

const path = (key: string) => `/api/anime/${encodeURIComponent(key)}/rename`;

export const previewRename = (api: ApiClient, key: string, signal?: AbortSignal) => api.get<RenamePlan>(path(key), signal);
export const applyRename = (api: ApiClient, key: string) => api.post<RenameResult>(path(key));
export const previewLibraryRename = (api: ApiClient, signal?: AbortSignal) => api.get<LibraryRenamePlan>('/api/rename', signal);
export const applyLibraryRename = (api: ApiClient, keys?: readonly string[]) => api.post<LibraryRenameResult>('/api/rename', keys ? { keys } : {});

/** Where the panel's Organize page lives: the whole library, or one series. */
export function organizePath(key?: string): string {
  return key ? `/library/organize?series=${encodeURIComponent(key)}` : '/library/organize';
}
