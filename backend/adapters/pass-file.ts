import { chmod, readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.ts';

/**
 * The passes of solved anti-bot checks, kept in the data folder (mode 0600: they open the site
 * for whoever holds them) so a restart does not solve again. A missing or unreadable file is an
 * empty one: the worst case is one more solve.
 */
export class PassFile<T> {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async read(): Promise<T | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as T;
      await chmod(this.path, 0o600).catch(() => {});
      return parsed;
    } catch {
      return undefined;
    }
  }

  async write(content: T): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await chmod(this.path, 0o600).catch(() => {});
  }
}
