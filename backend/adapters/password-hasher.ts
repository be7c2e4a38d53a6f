import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/** bcrypt with a cost that tests may lower; 12 takes ~250 ms on a small NAS CPU. */
export class BcryptPasswordHasher implements PasswordHasher {
  readonly #rounds: number;
  constructor(rounds = 12) { this.#rounds = rounds; }
  hash(password: string): Promise<string> { return bcrypt.hash(password, this.#rounds); }
  verify(password: string, hash: string): Promise<boolean> { return bcrypt.compare(password, hash); }
}
