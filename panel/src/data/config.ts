import type { ApiClient } from './api-client.ts';
import { t } from '../i18n/locale.ts';

export const LANGUAGES = ['German Dub', 'German Sub', 'English Sub', 'English Dub'] as const;
export const HOSTERS = ['VOE', 'Vidoza', 'Vidmoly', 'Doodstream', 'Filemoon', 'SpeedFiles', 'LoadX', 'Luluvdo', 'Streamtape'] as const;
/** The hosters the backend can resolve; any other name in the user's order waits for a resolver. */
export const SUPPORTED_HOSTERS: readonly string[] = ['VOE', 'Vidoza', 'Vidmoly', 'Doodstream', 'Filemoon'];
export type Language = (typeof LANGUAGES)[number];
/** A known name, or one the site started using that the settings keep as written. */
export type HosterName = (typeof HOSTERS)[number] | (string & {});

/** "not supported yet" beside every hoster in `names` without a resolver. */
export function hosterNotes(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => !SUPPORTED_HOSTERS.includes(name)).map((name) => [name, t('settings.notSupported')]));
}

/** GET /api/config: the effective settings plus the keys the environment pins. */
export interface Settings {
  anime_directory: string;
  provider: { url: string; requests_per_second: number; timeout_ms: number; cache_ttl_seconds: number };
  downloads: {
    concurrency: number;
    speed_limit_bytes_per_second: number;
    languages: Language[];
    hosters: HosterName[];
    max_attempts: number;
    queue_missing_after_scan: boolean;
    /** Replace files in a lower language once the first of `languages` is offered. */
    upgrade_language: boolean;
  };
  naming: { episode_template: string; season_folder_template: string; write_nfo: boolean; write_poster: boolean };
  library: { rescan_interval_hours: number; refresh_interval_hours: number; watch: boolean; watch_polling: boolean; activity_retention_days: number };
  auth: { session_hours: number; remember_days: number };
  logging: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  metrics: { enabled: boolean };
  backups: { database_keep: number };
  onboarding: { checklist_dismissed: boolean; languages_confirmed: boolean };
}
export type ConfigView = Settings & { readonly overridden_by_env: readonly string[] };

export interface ConfigBackup { readonly name: string; readonly created_at: string | null; readonly size: number }
export interface ValidationResult { readonly valid: boolean; readonly errors: readonly { path?: string; message: string }[] }

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type SettingsPatch = DeepPartial<Settings>;

export const getConfig = (api: ApiClient) => api.get<ConfigView>('/api/config');
export const updateConfig = (api: ApiClient, patch: SettingsPatch) => api.put<ConfigView>('/api/config', patch);
export const validateConfig = (api: ApiClient, patch: SettingsPatch) => api.post<ValidationResult>('/api/config/validate', patch);
export const listBackups = (api: ApiClient) => api.get<ConfigBackup[]>('/api/config/backups');
export const createBackup = (api: ApiClient) => api.post<ConfigBackup>('/api/config/backups');
export const restoreBackup = (api: ApiClient, name: string) => api.post<ConfigView>(`/api/config/backups/${encodeURIComponent(name)}/restore`);
