import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const DOWNLOAD_STATUSES = ['pending', 'downloading', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUSES)[number];

/**
 * The user's view of one queued episode. The series is referenced by key (not a foreign key)
 * so that history survives removing a series. The job that runs it carries only this id.
 */
export const DownloadItem = defineEntity({
  name: 'DownloadItem',
  tableName: 'download_item',
  indexes: [{ properties: ['status', 'priority', 'position'] }, { properties: ['seriesKey', 'season', 'episode'] }],
  properties: {
    id: p.string().primary(),
    seriesKey: p.string(),
    seriesFolder: p.text(),
    seriesName: p.text(),
    season: p.integer(),
    episode: p.integer(),
    language: p.string().nullable(),
    /** Set on an upgrade: the language of the file on disk that this download replaces. */
    upgradeFrom: p.string().nullable(),
    status: p.string().$type<DownloadStatus>().default('pending'),
    priority: p.integer().default(0),
    position: p.double().default(0),
    progress: p.double().default(0),
    // bigint on PostgreSQL (a file over 2 GiB), read back as JS numbers. A raw default: the bigint
    // type would quote default(0) as '0', which neither database stores that way.
    downloadedBytes: p.bigint('number').defaultRaw('0'),
    totalBytes: p.bigint('number').nullable(),
    speed: p.double().default(0),
    eta: p.integer().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    hoster: p.string().nullable(),
    languageUsed: p.string().nullable(),
    filePath: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  },
});
export type IDownloadItem = InferEntity<typeof DownloadItem>;
