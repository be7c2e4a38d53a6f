import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One issued token (by its `jti`). Logout revokes it here so the token is refused from then on. */
export const UserSession = defineEntity({
  name: 'UserSession',
  tableName: 'user_session',
  properties: {
    id: p.string().primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
    revokedAt: p.datetime().nullable(),
    remember: p.boolean().default(false),
    clientAddress: p.string().nullable(),
    userAgent: p.text().nullable(),
  },
});
export type IUserSession = InferEntity<typeof UserSession>;
