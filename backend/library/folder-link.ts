import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-file.ts';

/**
 * How a series folder says which series it holds, so that a lost database can be rebuilt from
 * disk: `.aniworld.json` ({key, name, ...}) written by us, or a legacy `key` file holding the slug.
 */
export const LINK_FILE = '.aniworld.json';
export const LEGACY_KEY_FILE = 'key';

const KEY = /^[a-z0-9][a-z0-9-]{0,199}$/;

export interface FolderLink {
  readonly key: string;
  readonly name?: string;
  readonly year?: number | null;
  readonly link?: string;
  readonly site?: string;
  readonly source: 'aniworld.json' | 'key-file';
}

export function isSeriesKey(value: unknown): value is string {
  return typeof value === 'string' && KEY.test(value);
}

/** Reads the link files that the folder listing shows to exist; a broken file counts as no link. */
export async function readFolderLink(folder: string, has: { json: boolean; keyFile: boolean }): Promise<FolderLink | undefined> {
  if (has.json) {
    try {
      const parsed = JSON.parse(await readFile(join(folder, LINK_FILE), 'utf8')) as Record<string, unknown>;
      if (isSeriesKey(parsed.key)) {
        return {
          key: parsed.key,
          name: typeof parsed.name === 'string' ? parsed.name : undefined,
          year: typeof parsed.year === 'number' ? parsed.year : null,
          link: typeof parsed.link === 'string' ? parsed.link : undefined,
          site: typeof parsed.site === 'string' ? parsed.site : undefined,
          source: 'aniworld.json',
        };
      }
    } catch {
      /* unreadable or not JSON: fall through to the legacy file */
    }
  }
  if (has.keyFile) {
    try {
      const key = (await readFile(join(folder, LEGACY_KEY_FILE), 'utf8')).trim();
      if (isSeriesKey(key)) return { key, source: 'key-file' };
    } catch {
      /* unreadable */
    }
  }
  return undefined;
}

export async function writeFolderLink(folder: string, link: { key: string; name: string; year: number | null; link: string; site: string }): Promise<void> {
  const content = { key: link.key, name: link.name, year: link.year, site: link.site, link: link.link, written_by: 'AniWorld' };
  await writeFileAtomic(join(folder, LINK_FILE), `${JSON.stringify(content, null, 2)}\n`);
}
