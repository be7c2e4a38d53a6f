import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Episode } from './episode.entity.ts';

/** A series the user follows. `key` (the provider slug) identifies it everywhere; `folder` is only where it lives on disk. */
export const Series = defineEntity({
  name: 'Series',
  tableName: 'series',
  properties: {
    id: p.integer().primary().autoincrement(),
    key: p.string().unique(),
    folder: p.text().index(),
    name: p.text(),
    site: p.text(),
    link: p.text(),
    year: p.integer().nullable(),
    endYear: p.integer().nullable(),
    description: p.text().nullable(),
    cover: p.text().nullable(),
    genres: p.json<string[]>().default('[]'),
    imdbId: p.string().nullable(),
    ageRating: p.integer().nullable(),
    seasonCount: p.integer().default(0),
    hasFilms: p.boolean().default(false),
    monitored: p.boolean().default(true),
    /** The language wanted for this series (downloads try it first; upgrades aim for it); null: the first of downloads.languages. */
    preferredLanguage: p.string().nullable(),
    /** Whether files in a lower language are replaced once the wanted one is offered (with downloads.upgrade_language on). */
    upgradeLanguage: p.boolean().default(true),
    providerCheckedAt: p.datetime().nullable(),
    scannedAt: p.datetime().nullable(),
    /** Hash of the episode files found by the last scan; an unchanged folder is not diffed again. */
    scanSignature: p.string().nullable(),
    /** Inode and times of the folder and its season folders when that scan read them (folder-stamps.ts). */
    scanStamp: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    episodes: () => p.oneToMany(Episode).mappedBy('series'),
  },
});
export type ISeries = InferEntity<typeof Series>;
