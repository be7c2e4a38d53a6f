import { createHmac, hkdfSync } from 'node:crypto';
import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** True for a stored hash of an older scheme: rehash it after the next successful check. */
  needsRehash(hash: string): boolean;
}

/** Marks hashes of the pre-hashed scheme; bcrypt hashes of the first releases have none. */
const PREHASHED = 'hmac-sha256$';

/**
 * bcrypt reads at most 72 bytes, so an 80-character password would also accept its first 72
 * characters followed by anything. The password is therefore first run through HMAC-SHA-256
 * (keyed from the data folder's secret.key, so the database alone is not enough to try
 * guesses), and the 44-character base64 digest goes to bcrypt. Hashes stored before this
 * scheme (no prefix) still verify and are replaced by the new scheme at the next login.
 * The cost is 12 (~250 ms on a small NAS CPU); tests lower it.
 */
export class BcryptPasswordHasher implements PasswordHasher {
  readonly #rounds: number;
  readonly #key: Buffer;

  constructor(options: { secret: Uint8Array; rounds?: number }) {
    this.#rounds = options.rounds ?? 12;
    this.#key = Buffer.from(hkdfSync('sha256', options.secret, Buffer.alloc(0), 'aniworld password pre-hash v1', 32));
  }

  async hash(password: string): Promise<string> {
    return `${PREHASHED}${await bcrypt.hash(this.#prehash(password), this.#rounds)}`;
  }

  verify(password: string, hash: string): Promise<boolean> {
    if (hash.startsWith(PREHASHED)) return bcrypt.compare(this.#prehash(password), hash.slice(PREHASHED.length));
    return bcrypt.compare(password, hash);
  }

  needsRehash(hash: string): boolean {
    return !hash.startsWith(PREHASHED);
  }

  #prehash(password: string): string {
    return createHmac('sha256', this.#key).update(password, 'utf8').digest('base64');
  }
}
