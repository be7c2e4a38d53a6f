import type { ApiClient } from './api-client.ts';

/** Organize: renaming existing files to the naming templates (GET previews, POST applies). */
export interface FileMove {
  readonly from: string;
  readonly to: string;
  readonly season: number;
  readonly episode: number;
  readonly kind: 'episode' | 'companion';
}

export type ClashReason = 'exists' | 'duplicate' | 'unsafe_path';

export interface RenameClash extends FileMove {
  readonly reason: ClashReason;
  readonly message: string;
}

export interface RenamePlan {
  readonly key: string;
  readonly folder: string;
  readonly name: string;
  readonly moves: FileMove[];
  readonly clashes: RenameClash[];
}

export interface RenameResult extends RenamePlan {
  readonly failed: (FileMove & { readonly message: string })[];
}

export interface LibraryRenamePlan {
  readonly series: RenamePlan[];
  readonly total_moves: number;
  readonly total_clashes: number;
}

export interface LibraryRenameResult {
  readonly series: RenameResult[];
  readonly total_moves: number;
  readonly total_failed: number;
}

const path = (key: string) => `/api/anime/${encodeURIComponent(key)}/rename`;

export const previewRename = (api: ApiClient, key: string) => api.get<RenamePlan>(path(key));
export const applyRename = (api: ApiClient, key: string) => api.post<RenameResult>(path(key));
export const previewLibraryRename = (api: ApiClient) => api.get<LibraryRenamePlan>('/api/rename');
export const applyLibraryRename = (api: ApiClient, keys?: readonly string[]) => api.post<LibraryRenameResult>('/api/rename', keys ? { keys } : {});

/** Where the panel's Organize page lives: the whole library, or one series. */
export function organizePath(key?: string): string {
  return key ? `/library/organize?series=${encodeURIComponent(key)}` : '/library/organize';
}
