import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Provider } from '../../providers/provider.ts';
import { listSeriesFolders, scanSeriesFolder } from '../../library/scanner.ts';
import { readFolderLink } from '../../library/folder-link.ts';
import { NotFoundError } from '../../errors.ts';
import type { MediaRoot } from './media-root.ts';
import { IgnoredFolder } from './ignored-folder.entity.ts';
import { confidentMatch } from './import-match.ts';
import type { IgnoredFolders, ImportCandidate, ImportCandidates } from '../../../contract/index.ts';

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

type ImportSuggestion = ImportCandidate['suggestions'][number];

/** Folders in the media root that no series owns and nobody ignored, with suggested matches from the provider search. */
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
  async candidates(options: { offset: number; limit: number }): Promise<ImportCandidates> {
    const folders = await this.unmatchedFolders();
    const page = folders.slice(options.offset, options.offset + options.limit);
    const items: ImportCandidate[] = [];
    for (const folder of page) items.push(await this.describe(folder));
    return { total: folders.length, offset: options.offset, limit: options.limit, ignored: await this.#em.count(IgnoredFolder, {}), items };
  }

  /** Folder names directly in the media root that no series owns and that are not ignored. */
  async unmatchedFolders(): Promise<string[]> {
    const owned = new Set((await this.#em.execute<{ folder: string }[]>('select folder from series')).map((row) => row.folder));
    const ignored = new Set((await this.#em.find(IgnoredFolder, {}, { disableIdentityMap: true })).map((row) => row.folder));
    return (await listSeriesFolders(this.#root.path())).filter((folder) => !owned.has(folder) && !ignored.has(folder));
  }

  /** One folder: its episode files, the key it names itself, the provider's suggestions and the confident match. */
  async describe(folder: string): Promise<ImportCandidate> {
    const root = this.#root.path();
    const scan = scanSeriesFolder(root, folder);
    const link =
      scan.hasLinkFile || scan.hasKeyFile ? await readFolderLink(join(root, folder), { json: scan.hasLinkFile, keyFile: scan.hasKeyFile }) : undefined;
    const query = folderSearchQuery(folder) || folder;
    let suggestions: ImportSuggestion[] = [];
    let error: string | null = null;
    try {
      const seen = new Set<string>();
      suggestions = (await this.#provider().search(query))
        .filter((result) => !seen.has(result.key) && seen.add(result.key))
        .slice(0, SUGGESTIONS)
        .map((result) => ({ key: result.key, name: result.name, link: result.link, cover: result.cover, year: result.year, description: result.description }));
    } catch (failure) {
      error = (failure as Error).message;
      this.#logger.warn({ component: 'library', folder, err: failure }, 'import search failed');
    }
    const linkedKey = link?.key ?? null;
    const match = error && !linkedKey ? null : confidentMatch({ folder, query, linkedKey, suggestions });
    return { folder, query, episode_files: scan.episodes.length, linked_key: linkedKey, suggestions, match, error };
  }

  // --- ignored folders ---

  async ignored(): Promise<IgnoredFolders> {
    const rows = await this.#em.find(IgnoredFolder, {}, { orderBy: { folder: 'asc' }, disableIdentityMap: true });
    return { folders: rows.map((row) => ({ folder: row.folder, ignored_at: row.createdAt.toISOString() })) };
  }

  /** Idempotent: ignoring an ignored folder changes nothing. */
  async ignore(folder: string): Promise<{ folder: string; ignored: true }> {
    if (!(await this.#em.count(IgnoredFolder, { folder }))) {
      this.#em.create(IgnoredFolder, { folder });
      await this.#em.flush();
    }
    return { folder, ignored: true };
  }

  async unignore(folder: string): Promise<{ folder: string; ignored: false }> {
    const removed = await this.#em.nativeDelete(IgnoredFolder, { folder });
    if (removed === 0) throw new NotFoundError(`The folder "${folder}" is not ignored`);
    return { folder, ignored: false };
  }
}
