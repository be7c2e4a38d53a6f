import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The single master credential (row id 1) and the API key hash. Kept in the database, not in
 * the config file, so that config backups, the config API and diagnostics never carry them.
 */
export const Credential = defineEntity({
  name: 'Credential',
  tableName: 'credential',
  properties: {
    id: p.integer().primary().autoincrement(false),
    passwordHash: p.string(),
    apiKeyHash: p.string().nullable(),
    apiKeyPrefix: p.string().nullable(),
    apiKeyCreatedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type ICredential = InferEntity<typeof Credential>;
