import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One line of the activity log: something that happened (a series added, a scan, a download, a
 * rename, a settings change). `data` holds the event's details the panel words; never a secret.
 */
export const ActivityEntry = defineEntity({
  name: 'ActivityEntry',
  tableName: 'activity',
  // Newest first, optionally of some types; pruning deletes by age.
  indexes: [{ properties: ['createdAt'] }, { properties: ['type', 'createdAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    type: p.string(),
    seriesKey: p.string().nullable(),
    folder: p.text().nullable(),
    data: p.json<Record<string, unknown>>().default('{}'),
    createdAt: p.datetime(),
  },
});
export type IActivityEntry = InferEntity<typeof ActivityEntry>;
