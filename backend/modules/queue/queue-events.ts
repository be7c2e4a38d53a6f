import type { IDownloadItem } from './download-item.entity.ts';

/** The fields every download_* event carries about its item. */
export function itemEventBase(item: IDownloadItem) {
  return { item_id: item.id, key: item.seriesKey, folder: item.seriesFolder, season: item.season, episode: item.episode };
}
