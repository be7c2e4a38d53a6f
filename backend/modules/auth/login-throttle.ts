import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../adapters/clock.ts';
import { TooManyRequestsError } from '../../errors.ts';
import { LoginAttempt } from './login-attempt.entity.ts';

/** Failures allowed before the first lockout. */
export const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 60 * 60_000;
/** A client that has behaved for a day starts from zero again. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

/**
 * Per client address: after FREE_FAILURES failures every further failure locks the address,
 * doubling from 30 s up to an hour. Stored in the database so a restart does not reset it.
 */
export class LoginThrottle {
  readonly #em: EntityManager;
  readonly #clock: Clock;

  constructor(options: { em: EntityManager; clock: Clock }) {
    this.#em = options.em;
    this.#clock = options.clock;
  }

  async assertAllowed(clientAddress: string): Promise<void> {
    const attempt = await this.#em.findOne(LoginAttempt, { clientAddress });
    const now = this.#clock.now().getTime();
    if (attempt?.lockedUntil && attempt.lockedUntil.getTime() > now) {
      const seconds = Math.ceil((attempt.lockedUntil.getTime() - now) / 1000);
      throw new TooManyRequestsError(`Too many failed logins. Try again in ${formatWait(seconds)}.`, seconds);
    }
  }

  async recordFailure(clientAddress: string): Promise<void> {
    const now = this.#clock.now();
    let attempt = await this.#em.findOne(LoginAttempt, { clientAddress });
    if (!attempt) {
      attempt = this.#em.create(LoginAttempt, { clientAddress, failures: 0 });
    } else if (attempt.lastFailureAt && now.getTime() - attempt.lastFailureAt.getTime() > FORGET_AFTER_MS) {
      attempt.failures = 0;
    }
    attempt.failures += 1;
    attempt.lastFailureAt = now;
    if (attempt.failures >= FREE_FAILURES) {
      const lockMs = Math.min(FIRST_LOCK_MS * 2 ** (attempt.failures - FREE_FAILURES), MAX_LOCK_MS);
      attempt.lockedUntil = new Date(now.getTime() + lockMs);
    }
    await this.#em.flush();
  }

  async recordSuccess(clientAddress: string): Promise<void> {
    await this.#em.nativeDelete(LoginAttempt, { clientAddress });
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
