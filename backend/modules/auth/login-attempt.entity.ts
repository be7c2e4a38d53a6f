import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Failed logins per client address; persisted so throttling survives a restart. */
export const LoginAttempt = defineEntity({
  name: 'LoginAttempt',
  tableName: 'login_attempt',
  properties: {
    clientAddress: p.string().primary(),
    failures: p.integer().default(0),
    lockedUntil: p.datetime().nullable(),
    lastFailureAt: p.datetime().nullable(),
  },
});
export type ILoginAttempt = InferEntity<typeof LoginAttempt>;
