import { basename, join, relative, sep } from 'node:path';
import { DeadlockException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import type { SettingsStore } from '../../../config/store.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { assertInsideRoot, isWithin, UnsafePathError } from '../../library/safe-path.ts';
import { episodeFileName, episodeTitleFor, seasonFolderName } from '../../library/naming.ts';
import { readFolderLink } from '../../library/folder-link.ts';
import { Series, type ISeries } from './series.entity.ts';
import { Episode } from './episode.entity.ts';
import type { MediaRoot } from './media-root.ts';

const DEADLOCK_ATTEMPTS = 3;

/** Where episode files go (downloads), what a finished one records, and which series a path belongs to (watcher). */
export class EpisodeFiles {
  readonly #orm: Orm;
  readonly #root: MediaRoot;
  readonly #settings: SettingsStore;

  constructor(deps: { orm: Orm; root: MediaRoot; settings: SettingsStore }) {
    this.#orm = deps.orm;
    this.#root = deps.root;
    this.#settings = deps.settings;
  }

  get #em(): EntityManager {
    return this.#orm.em as EntityManager;
  }

  /**
   * The series a changed file belongs to (for the folder watcher): the first folder below the
   * media root, looked up in the database. Undefined for paths outside the root and for folders
   * no series owns yet (a library scan links those).
   */
  async keyForPath(absolutePath: string): Promise<string | undefined> {
    const root = this.#root.path();
    if (!isWithin(root, absolutePath)) return undefined;
    const folder = relative(root, absolutePath).split(sep)[0];
    if (!folder) return undefined;
    const series = await this.#em.findOne(Series, { folder }, { fields: ['key'] as never });
    if (series) return series.key;
    const link = await readFolderLink(join(root, folder), { json: true, keyFile: true });
    if (!link) return undefined;
    return (await this.#em.count(Series, { key: link.key })) > 0 ? link.key : undefined;
  }

  /** The absolute, sanitised path an episode download must be written to, per the naming templates. */
  async episodeTarget(key: string, season: number, episode: number, language: string | null, extension: string): Promise<string> {
    if (!/^[a-z0-9]{1,10}$/i.test(extension)) throw new ValidationError(`"${extension}" is not a file extension`);
    const series = await this.#get(key);
    assertPlainFolder(series.folder);
    const row = await this.#em.findOne(Episode, { series, season, number: episode });
    const naming = this.#settings.current().naming;
    const values = { seriesTitle: series.name, year: series.year ?? null, season, episode, episodeTitle: episodeTitleFor(language, row?.titleDe ?? null, row?.titleEn ?? null), language };
    const relativePath = join(series.folder, seasonFolderName(naming.season_folder_template, values), episodeFileName(naming.episode_template, values, extension));
    return assertInsideRoot(this.#root.path(), relativePath);
  }

  /** Records a finished download (the scan would find it too; this makes it visible at once). */
  async markEpisodeDownloaded(key: string, season: number, episode: number, absolutePath: string, size: number): Promise<void> {
    // On PostgreSQL a scan of the same series (the watcher saw the new file) can lock the series
    // and episode rows in the other order; the server then aborts one of the two transactions as a
    // deadlock. The file is on disk: do what PostgreSQL asks and run the short transaction again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#recordDownloaded(key, season, episode, absolutePath, size);
      } catch (error) {
        if (!(error instanceof DeadlockException) || attempt >= DEADLOCK_ATTEMPTS) throw error;
        this.#em.clear();
      }
    }
  }

  async #recordDownloaded(key: string, season: number, episode: number, absolutePath: string, size: number): Promise<void> {
    const series = await this.#get(key);
    const seriesPath = join(this.#root.path(), series.folder);
    if (!isWithin(seriesPath, absolutePath) || absolutePath === seriesPath) throw new UnsafePathError(absolutePath, `it is not inside the folder of "${key}"`);
    const filePath = relative(seriesPath, absolutePath).split(sep).join('/');
    const row = await this.#em.findOne(Episode, { series, season, number: episode });
    if (row) Object.assign(row, { downloaded: true, filePath, size });
    else this.#em.create(Episode, { series, season, number: episode, downloaded: true, filePath, size, onProvider: false, languages: [], titleDe: null, titleEn: null });
    // The folder changed: the next scan must diff this series again.
    series.scanSignature = null;
    await this.#em.flush();
  }

  async #get(key: string): Promise<ISeries> {
    const series = await this.#em.findOne(Series, { key });
    if (!series) throw new NotFoundError(`No series with key "${key}"`);
    return series;
  }
}

function assertPlainFolder(folder: string): void {
  if (folder !== basename(folder) || folder === '.' || folder === '..' || folder === '') throw new UnsafePathError(folder, 'a series folder must be one folder name');
}
