import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Provider } from '../../providers/provider.ts';
import { listSeriesFolders, scanSeriesFolder } from '../../library/scanner.ts';
import { readFolderLink } from '../../library/folder-link.ts';
import type { MediaRoot } from './media-root.ts';

const SUGGESTIONS = 5;

/**
 * "Dragon Ball (1986) [imdbid-tt0088509] {tvdb-123}" -> "Dragon Ball": what the provider search
 * is asked when matching an unknown folder.
 */
export function folderSearchQuery(folder: string): string {
  return folder
    .replace(/\[[^\]]*\]|\{[^}]*\}|\((?:19|20)\d{2}(?:\s*-\s*(?:19|20)?\d{0,4})?\)/g, ' ')
    .replace(/[._]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Folders in the media root that no series owns, with suggested matches from the provider search. */
export class SeriesImporter {
  readonly #orm: Orm;
  readonly #root: MediaRoot;
  readonly #provider: () => Provider;
  readonly #logger: Logger;

  constructor(deps: { orm: Orm; root: MediaRoot; provider: () => Provider; logger: Logger }) {
    this.#orm = deps.orm;
    this.#root = deps.root;
    this.#provider = deps.provider;
    this.#logger = deps.logger;
  }

  get #em(): EntityManager {
    return this.#orm.em as EntityManager;
  }

  /** Searches the provider only for the requested page of folders: it is rate limited. */
  async candidates(options: { offset: number; limit: number }) {
    const root = this.#root.path();
    const owned = new Set((await this.#em.execute<{ folder: string }[]>('select folder from series')).map((row) => row.folder));
    const folders = (await listSeriesFolders(root)).filter((folder) => !owned.has(folder));
    const page = folders.slice(options.offset, options.offset + options.limit);
    const items = [];
    for (const folder of page) {
      const scan = scanSeriesFolder(root, folder);
      const link = scan.hasLinkFile || scan.hasKeyFile ? await readFolderLink(join(root, folder), { json: scan.hasLinkFile, keyFile: scan.hasKeyFile }) : undefined;
      const query = folderSearchQuery(folder) || folder;
      let suggestions: { key: string; name: string; link: string; cover: string | null; year: number | null; description: string | null }[] = [];
      let error: string | null = null;
      try {
        suggestions = (await this.#provider().search(query)).slice(0, SUGGESTIONS).map((result) => ({ key: result.key, name: result.name, link: result.link, cover: result.cover, year: result.year, description: result.description }));
      } catch (failure) {
        error = (failure as Error).message;
        this.#logger.warn({ component: 'library', folder, err: failure }, 'import search failed');
      }
      items.push({ folder, query, episode_files: scan.episodes.length, linked_key: link?.key ?? null, suggestions, error });
    }
    return { total: folders.length, offset: options.offset, limit: options.limit, items };
  }
}
