import type { EntityManager } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Clock } from '../../adapters/clock.ts';
import { TooManyRequestsError } from '../../errors.ts';
import { LoginAttempt, type ILoginAttempt } from './login-attempt.entity.ts';

/** Failures allowed per client address before the first lockout. */
export const FREE_FAILURES = 5;
/** Failures allowed from all addresses together (a botnet, or a proxy hiding every client behind one). */
export const OVERALL_FREE_FAILURES = 20;
/** The row that counts every address; not an address itself. */
const OVERALL = '*';
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 60 * 60_000;
/** The overall lock also locks out the owner: it stays short. */
const MAX_OVERALL_LOCK_MS = 15 * 60_000;
/** A client that has behaved for a day starts from zero again. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;
/** Compare-and-set rounds before a reservation gives up (each round someone else won one). */
const MAX_ROUNDS = 200;

interface Limit {
  readonly key: string;
  readonly free: number;
  readonly maxLockMs: number;
  readonly message: (wait: string) => string;
}

const PER_ADDRESS = (key: string): Limit => ({
  key,
  free: FREE_FAILURES,
  maxLockMs: MAX_LOCK_MS,
  message: (wait) => `Too many failed logins. Try again in ${wait}.`,
});
const ALL_ADDRESSES: Limit = {
  key: OVERALL,
  free: OVERALL_FREE_FAILURES,
  maxLockMs: MAX_OVERALL_LOCK_MS,
  message: (wait) => `Too many failed logins on this server. Try again in ${wait}.`,
};

interface Taken {
  readonly failures: number;
  readonly previousLock: Date | null;
}

/** What a login holds while its password is checked; a success releases it, a failure keeps it as the count. */
export interface LoginReservation {
  succeeded(): Promise<void>;
}

/**
 * Login throttling that holds against parallel bursts: every attempt is counted as a failure
 * *before* its password is checked (a reservation), by a compare-and-set on the stored count,
 * so 100 parallel attempts get 100 distinct counts and only the first FREE_FAILURES reach the
 * password check. After that each further failure locks the address, doubling from 30 s up to
 * an hour; all addresses together are limited the same way. Stored in the database, so a
 * restart (or another API process on the same database) sees the same counts.
 */
export class LoginThrottle {
  readonly #em: EntityManager;
  readonly #clock: Clock;

  constructor(options: { em: EntityManager; clock: Clock }) {
    this.#em = options.em;
    this.#clock = options.clock;
  }

  async reserve(clientAddress: string): Promise<LoginReservation> {
    const address = PER_ADDRESS(clientAddress);
    const own = await this.#take(address);
    try {
      await this.#take(ALL_ADDRESSES);
    } catch (error) {
      await this.#giveBack(address.key, own);
      throw error;
    }
    return {
      succeeded: async () => {
        // A success forgets the address's earlier failures and hands back its overall count.
        await this.#em.nativeDelete(LoginAttempt, { clientAddress });
        await this.#release(OVERALL);
      },
    };
  }

  async #take(limit: Limit): Promise<Taken> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const row = await this.#em.findOne(LoginAttempt, { clientAddress: limit.key }, { disableIdentityMap: true });
      const now = this.#clock.now();
      if (row?.lockedUntil && row.lockedUntil.getTime() > now.getTime()) {
        const seconds = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
        throw new TooManyRequestsError(limit.message(formatWait(seconds)), seconds);
      }
      const forgotten =
        !row || (row.lastFailureAt !== null && row.lastFailureAt !== undefined && now.getTime() - row.lastFailureAt.getTime() > FORGET_AFTER_MS);
      const failures = (forgotten ? 0 : row.failures) + 1;
      const lockedUntil = failures >= limit.free ? new Date(now.getTime() + Math.min(FIRST_LOCK_MS * 2 ** (failures - limit.free), limit.maxLockMs)) : null;
      if (await this.#compareAndSet(limit.key, row, { failures, lockedUntil, lastFailureAt: now })) return { failures, previousLock: row?.lockedUntil ?? null };
    }
    throw new TooManyRequestsError(limit.message(formatWait(1)), 1);
  }

  /** Writes `next` only if the row still holds the count it was read with; false when another attempt came first. */
  async #compareAndSet(key: string, row: ILoginAttempt | null, next: { failures: number; lockedUntil: Date | null; lastFailureAt: Date }): Promise<boolean> {
    if (!row) {
      try {
        await this.#em.insert(LoginAttempt, { clientAddress: key, ...next });
        return true;
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) return false;
        throw error;
      }
    }
    return (await this.#em.nativeUpdate(LoginAttempt, { clientAddress: key, failures: row.failures }, next)) === 1;
  }

  /** Undoes a reservation that never reached the password check; if others counted since, it stays counted. */
  async #giveBack(key: string, taken: Taken): Promise<void> {
    await this.#em.nativeUpdate(
      LoginAttempt,
      { clientAddress: key, failures: taken.failures },
      { failures: taken.failures - 1, lockedUntil: taken.previousLock },
    );
  }

  async #release(key: string): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const row = await this.#em.findOne(LoginAttempt, { clientAddress: key }, { disableIdentityMap: true });
      if (!row || row.failures <= 0) return;
      if ((await this.#em.nativeUpdate(LoginAttempt, { clientAddress: key, failures: row.failures }, { failures: row.failures - 1 })) === 1) return;
    }
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
