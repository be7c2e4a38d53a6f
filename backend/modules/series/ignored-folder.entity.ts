import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A folder in the media folder the user asked the import not to suggest again ("ignore this folder"). */
export const IgnoredFolder = defineEntity({
  name: 'IgnoredFolder',
  tableName: 'ignored_folder',
  properties: {
    /** The folder's name directly in the media folder, as the import lists it. */
    folder: p.text().primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IIgnoredFolder = InferEntity<typeof IgnoredFolder>;
