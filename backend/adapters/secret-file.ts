import { readFile, chmod, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from './atomic-file.ts';

/**
 * Reads the signing secret from the data dir, generating it on first start.
 * The file is kept at mode 0600; the value never leaves this function's caller chain into logs.
 */
export async function loadOrCreateSecret(path: string): Promise<Uint8Array> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text.length >= 43) {
      const info = await stat(path);
      if ((info.mode & 0o077) !== 0) await chmod(path, 0o600).catch(() => {});
      return Buffer.from(text, 'base64url');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(64);
  await writeFileAtomic(path, `${secret.toString('base64url')}\n`, { mode: 0o600 });
  await chmod(path, 0o600).catch(() => {});
  return secret;
}
