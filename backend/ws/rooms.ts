import type { DomainEventType } from '../events/bus.ts';

/** Rooms a client can join; events outside every room go to every authenticated client. */
export const ROOMS = ['downloads', 'download_progress', 'scan_progress'] as const;
export type Room = (typeof ROOMS)[number];

export function isRoom(value: string): value is Room {
  return (ROOMS as readonly string[]).includes(value);
}

/**
 * Where each domain event goes. `null` means everyone authenticated:
 * series_added, series_refreshed, series_removed, episode_upgraded, episodes_renamed, languages_offered,
 * import_folder_changed, health_issue and provider_check
 * concern the whole panel, not one page.
 */
export function roomFor(type: DomainEventType): Room | null {
  if (type === 'download_progress') return 'download_progress';
  if (type.startsWith('download_') || type.startsWith('queue_')) return 'downloads';
  if (type.startsWith('scan_')) return 'scan_progress';
  return null;
}
