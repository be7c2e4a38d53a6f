import { unlink } from 'node:fs/promises';
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
    const values = {
      seriesTitle: series.name,
      year: series.year ?? null,
      season,
      episode,
      episodeTitle: episodeTitleFor(language, row?.titleDe ?? null, row?.titleEn ?? null),
      language,
    };
    const relativePath = join(
      series.folder,
      seasonFolderName(naming.season_folder_template, values),
      episodeFileName(naming.episode_template, values, extension),
    );
    return assertInsideRoot(this.#root.path(), relativePath);
  }

  /**
   * Records a finished download (the scan would find it too; this makes it visible at once) and
   * the language it is in. With `replace` (an upgrade) the episode's previous file, when it has
   * another name, is deleted first: the new file is complete and in place by then, and recording
   * last means a scan that ran in between cannot leave the old name or an unknown language behind.
   * Answers the previous file's path (absolute), if there was one.
   */
  async markEpisodeDownloaded(
    key: string,
    season: number,
    episode: number,
    absolutePath: string,
    size: number,
    file: { language: string | null; replace?: boolean } = { language: null },
  ): Promise<{ previous: string | null }> {
    const previous = file.replace ? await this.#replacePrevious(key, season, episode, absolutePath) : null;
    // On PostgreSQL a scan of the same series (the watcher saw the new file) can lock the series
    // and episode rows in the other order; the server then aborts one of the two transactions as a
    // deadlock. The file is on disk: do what PostgreSQL asks and run the short transaction again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#recordDownloaded(key, season, episode, absolutePath, size, file.language);
        return { previous };
      } catch (error) {
        if (!(error instanceof DeadlockException) || attempt >= DEADLOCK_ATTEMPTS) throw error;
        this.#em.clear();
      }
    }
  }

  /** Deletes the episode's recorded file when the new one has another name; the new one replaced it in place otherwise. */
  async #replacePrevious(key: string, season: number, episode: number, absolutePath: string): Promise<string | null> {
    const series = await this.#get(key);
    const row = await this.#em.findOne(Episode, { series, season, number: episode });
    if (!row?.filePath) return null;
    const seriesPath = join(this.#root.path(), series.folder);
    const previous = await assertInsideRoot(seriesPath, row.filePath);
    if (previous !== absolutePath && previous !== seriesPath) {
      await unlink(previous).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    return previous;
  }

  async #recordDownloaded(key: string, season: number, episode: number, absolutePath: string, size: number, language: string | null): Promise<void> {
    const series = await this.#get(key);
    const seriesPath = join(this.#root.path(), series.folder);
    if (!isWithin(seriesPath, absolutePath) || absolutePath === seriesPath) throw new UnsafePathError(absolutePath, `it is not inside the folder of "${key}"`);
    const filePath = relative(seriesPath, absolutePath).split(sep).join('/');
    const row = await this.#em.findOne(Episode, { series, season, number: episode });
    const fields = { downloaded: true, filePath, size, language: language as never };
    if (row) Object.assign(row, fields);
    else this.#em.create(Episode, { series, season, number: episode, ...fields, onProvider: false, languages: [], titleDe: null, titleEn: null });
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
  if (folder !== basename(folder) || folder === '.' || folder === '..' || folder === '')
    throw new UnsafePathError(folder, 'a series folder must be one folder name');
}
