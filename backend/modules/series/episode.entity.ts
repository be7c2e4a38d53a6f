import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { EpisodeType, Language } from '../../providers/provider.ts';
import { Series } from './series.entity.ts';

/** One episode of a series: what the provider lists and what is on disk. Season 0 holds films and specials. */
export const Episode = defineEntity({
  name: 'Episode',
  tableName: 'episode',
  uniques: [{ properties: ['series', 'season', 'number'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    series: () => p.manyToOne(Series).deleteRule('cascade'),
    season: p.integer(),
    number: p.integer(),
    titleDe: p.text().nullable(),
    titleEn: p.text().nullable(),
    /** What the provider's title suffix said: episode, ova, movie or special (the titles come without it). */
    type: p.string().$type<EpisodeType>().default('episode'),
    languages: p.json<string[]>().default('[]'),
    onProvider: p.boolean().default(false),
    downloaded: p.boolean().default(false),
    filePath: p.text().nullable(),
    /** The language of the file on disk: what its download used, else what its name says (library/file-language.ts); null when unknown. */
    language: p.string().$type<Language>().nullable(),
    /** Bytes; bigint on PostgreSQL (a file over 2 GiB), read back as a JS number. */
    size: p.bigint('number').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IEpisode = InferEntity<typeof Episode>;
