import { readFile, chmod, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from './atomic-file.ts';

/** A start-up error about secret.key; its message says what happened and how to recover. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

/** 64 random bytes in base64url; anything shorter than 32 bytes is not a key we wrote. */
const KEY_TEXT = /^[A-Za-z0-9_-]{43,}$/;

export interface SecretOptions {
  /** The recovery path (`aniworld reset-password`): a damaged or missing key is replaced. */
  readonly replace?: boolean;
  /** Whether a master password exists already: then a missing key is a loss, not a first start. */
  readonly installed: () => Promise<boolean>;
}

const RECOVERY =
  'Restore secret.key from a backup of the data folder, or run "aniworld reset-password" ' +
  '(in Docker: docker compose run --rm aniworld aniworld reset-password), which writes a new key, sets a new master password and signs out every session.';

/**
 * Reads the signing secret from the data dir, generating it on first start.
 * It signs every session and keys the password hash, so a damaged or lost key stops start-up
 * with the way out instead of being replaced silently (which would end every session and make
 * the master password unusable without a word). The file is kept at mode 0600.
 */
export async function loadOrCreateSecret(path: string, options: SecretOptions): Promise<Uint8Array> {
  let text: string | undefined;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'EISDIR') throw new SecretKeyError(`${path} is a folder, not the key file. Move it away. ${RECOVERY}`);
    if (code !== 'ENOENT') throw error;
  }
  if (text !== undefined && KEY_TEXT.test(text)) {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) await chmod(path, 0o600).catch(() => {});
    return Buffer.from(text, 'base64url');
  }
  if (!options.replace) {
    if (text !== undefined)
      throw new SecretKeyError(
        `${path} is damaged (${Buffer.byteLength(text)} bytes; the key is 86 base64url characters). AniWorld does not replace it on its own. ${RECOVERY}`,
      );
    if (await options.installed())
      throw new SecretKeyError(`${path} is missing, but a master password is set up. AniWorld does not make a new key on its own. ${RECOVERY}`);
  }
  const secret = randomBytes(64);
  await writeFileAtomic(path, `${secret.toString('base64url')}\n`, { mode: 0o600 });
  await chmod(path, 0o600).catch(() => {});
  return secret;
}
