import { readdir, rmdir } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import type { SettingsStore } from '../../../config/store.ts';
import type { EventBus } from '../../events/bus.ts';
import { NotFoundError } from '../../errors.ts';
import { assertInsideRoot, isWithin, UnsafePathError } from '../../library/safe-path.ts';
import { episodeFileName, episodeTitleFor, seasonFolderName } from '../../library/naming.ts';
import { companionFiles, moveWithoutOverwrite, pathExists, sameFile, TargetExistsError } from '../../library/file-moves.ts';
import { Series, type ISeries } from './series.entity.ts';
import { Episode } from './episode.entity.ts';
import type { MediaRoot } from './media-root.ts';
import type { ClashReason, FileMove, RenameClash, RenameFailure, RenamePlan, RenameResult } from '../../../contract/index.ts';

export type { RenamePlan, RenameResult } from '../../../contract/index.ts';

interface MoveGroup {
  readonly episodeId: number;
  readonly files: FileMove[];
}

/**
 * Renaming existing files to the naming templates (Sonarr's "Organize"). A plan lists every
 * move, relative to the series folder; applying it moves a video together with its companion
 * files (subtitles, NFO, thumbnails) and records the new path. Nothing is ever replaced: a
 * target that exists, or that two files would share, is reported as a clash and left alone.
 */
export class SeriesOrganizer {
  readonly #orm: Orm;
  readonly #root: MediaRoot;
  readonly #settings: SettingsStore;
  readonly #events: EventBus;
  readonly #changed: (key: string) => void;

  constructor(deps: { orm: Orm; root: MediaRoot; settings: SettingsStore; events: EventBus; changed: (key: string) => void }) {
    this.#orm = deps.orm;
    this.#root = deps.root;
    this.#settings = deps.settings;
    this.#events = deps.events;
    this.#changed = deps.changed;
  }

  get #em(): EntityManager {
    return this.#orm.em as EntityManager;
  }

  async plan(key: string): Promise<RenamePlan> {
    const { plan } = await this.#plan(await this.#get(key));
    return plan;
  }

  /** Every series whose files are not named per the templates (or whose renames clash). */
  async planLibrary(): Promise<RenamePlan[]> {
    const plans: RenamePlan[] = [];
    for (const series of await this.#em.find(Series, {}, { orderBy: { name: 'asc' } })) {
      const { plan } = await this.#plan(series);
      if (plan.moves.length > 0 || plan.clashes.length > 0) plans.push(plan);
    }
    return plans;
  }

  /** Plans again (the disk may have changed since the preview) and applies what does not clash. */
  async apply(key: string): Promise<RenameResult> {
    return this.#apply(await this.#get(key));
  }

  /** Applies the plans of the given series (default: every series with something to rename). */
  async applyLibrary(keys?: readonly string[]): Promise<RenameResult[]> {
    const where = keys === undefined ? {} : { key: { $in: [...keys] } };
    const results: RenameResult[] = [];
    for (const series of await this.#em.find(Series, where, { orderBy: { name: 'asc' } })) {
      const result = await this.#apply(series);
      if (result.moves.length > 0 || result.clashes.length > 0 || result.failed.length > 0) results.push(result);
    }
    return results;
  }

  async #apply(series: ISeries): Promise<RenameResult> {
    const { plan, groups, seriesPath } = await this.#plan(series);
    const moved: FileMove[] = [];
    const failed: RenameFailure[] = [];
    const emptied = new Set<string>();
    for (const group of groups) {
      for (const file of group.files) {
        try {
          await moveWithoutOverwrite(join(seriesPath, file.from), join(seriesPath, file.to));
        } catch (error) {
          failed.push({ ...file, message: error instanceof TargetExistsError ? `${file.to} exists already` : (error as Error).message });
          // A companion that could not move keeps its old name; the video is recorded either way.
          if (file.kind === 'episode') break;
          continue;
        }
        moved.push(file);
        const from = posix.dirname(file.from);
        if (from !== '.') emptied.add(from);
        if (file.kind === 'episode') await this.#em.nativeUpdate(Episode, { id: group.episodeId }, { filePath: file.to });
      }
    }
    // Season folders of the old layout that the moves left empty go (rmdir removes only empty ones).
    for (const folder of [...emptied].sort((a, b) => b.length - a.length)) await rmdir(join(seriesPath, folder)).catch(() => {});
    if (moved.length > 0) {
      // The folder changed: the next scan must diff this series again.
      await this.#em.nativeUpdate(Series, { id: series.id }, { scanSignature: null });
      this.#em.clear();
      this.#changed(series.key);
      this.#events.publish('episodes_renamed', {
        key: series.key,
        folder: series.folder,
        renamed: moved.filter((move) => move.kind === 'episode').length,
        files: moved.length,
        clashes: plan.clashes.length,
        failed: failed.length,
      });
    }
    return { ...plan, moves: moved, failed };
  }

  async #plan(series: ISeries): Promise<{ plan: RenamePlan; groups: MoveGroup[]; seriesPath: string }> {
    const root = this.#root.path();
    if (series.folder !== basename(series.folder) || series.folder === '..' || series.folder === '.')
      throw new UnsafePathError(series.folder, 'a series folder must be one folder name');
    const seriesPath = await assertInsideRoot(root, series.folder);
    const naming = this.#settings.current().naming;
    const episodes = await this.#em.find(Episode, { series, downloaded: true, filePath: { $ne: null } }, { orderBy: { season: 'asc', number: 'asc' } });
    const listings = new Map<string, Promise<string[]>>();
    const list = (folder: string) => {
      let names = listings.get(folder);
      if (!names) {
        names = readdir(join(seriesPath, folder)).catch(() => []);
        listings.set(folder, names);
      }
      return names;
    };

    const moves: FileMove[] = [];
    const clashes: RenameClash[] = [];
    const groups: MoveGroup[] = [];
    // Targets are compared case-insensitively: SMB shares and macOS volumes do not tell them apart.
    const claimed = new Map<string, string>();
    const sources = new Set(episodes.map((episode) => episode.filePath!.toLowerCase()));
    const seenSources = new Set<string>();
    for (const row of episodes) {
      const from = row.filePath!;
      if (seenSources.has(from)) continue;
      seenSources.add(from);
      const extension = posix.extname(from).slice(1);
      if (!/^[a-z0-9]{1,10}$/i.test(extension)) continue;
      const language = row.language ?? null;
      const values = {
        seriesTitle: series.name,
        year: series.year ?? null,
        season: row.season,
        episode: row.number,
        episodeTitle: episodeTitleFor(language, row.titleDe ?? null, row.titleEn ?? null),
        language,
      };
      const to = posix.join(seasonFolderName(naming.season_folder_template, values), episodeFileName(naming.episode_template, values, extension));
      if (to === from) continue;
      const file = (kind: FileMove['kind'], fromPath: string, toPath: string): FileMove => ({
        from: fromPath,
        to: toPath,
        season: row.season,
        episode: row.number,
        kind,
      });
      const video = file('episode', from, to);
      // The video is checked first: a folder outside the media root is not even listed for companions.
      const videoProblem = await this.#check(root, seriesPath, series.folder, video, claimed, sources);
      if (videoProblem?.reason === 'unsafe_path') {
        clashes.push({ ...video, ...videoProblem });
        continue;
      }
      // A file the database still names but that is gone (the next scan forgets it) is not moved.
      if (!(await pathExists(join(seriesPath, from)))) continue;
      const files = [video];
      const fromFolder = posix.dirname(from);
      const toStem = posix.basename(to).slice(0, -(extension.length + 1));
      for (const companion of companionFiles(posix.basename(from), await list(fromFolder))) {
        files.push(file('companion', posix.join(fromFolder, companion.name), posix.join(posix.dirname(to), toStem + companion.suffix)));
      }
      const problems: RenameClash[] = videoProblem ? [{ ...video, ...videoProblem }] : [];
      for (const move of files.slice(1)) {
        const problem = await this.#check(root, seriesPath, series.folder, move, claimed, sources);
        if (problem) problems.push({ ...move, ...problem });
      }
      if (problems.length > 0) {
        clashes.push(...problems);
        continue;
      }
      for (const move of files) claimed.set(move.to.toLowerCase(), move.from);
      moves.push(...files);
      groups.push({ episodeId: row.id, files });
    }
    return { plan: { key: series.key, folder: series.folder, name: series.name, moves, clashes }, groups, seriesPath };
  }

  /** Why a move may not happen, or undefined when it may. */
  async #check(
    root: string,
    seriesPath: string,
    folder: string,
    move: FileMove,
    claimed: ReadonlyMap<string, string>,
    sources: ReadonlySet<string>,
  ): Promise<{ reason: ClashReason; message: string } | undefined> {
    for (const path of [move.from, move.to]) {
      // Within the series folder, not only within the media root: a move never touches another series.
      const absolute = resolve(seriesPath, path);
      if (!isWithin(seriesPath, absolute) || absolute === seriesPath)
        return { reason: 'unsafe_path', message: new UnsafePathError(path, `it is not inside the folder of "${folder}"`).message };
      try {
        await assertInsideRoot(root, join(folder, path));
      } catch (error) {
        if (error instanceof UnsafePathError) return { reason: 'unsafe_path', message: error.message };
        throw error;
      }
    }
    const taken = claimed.get(move.to.toLowerCase());
    if (taken !== undefined) return { reason: 'duplicate', message: `${taken} is renamed to ${move.to} as well` };
    const target = join(seriesPath, move.to);
    // Another episode's current file is never a free target, even if it is about to move away.
    const otherSource = sources.has(move.to.toLowerCase()) && move.to.toLowerCase() !== move.from.toLowerCase();
    if (otherSource || ((await pathExists(target)) && !(await sameFile(join(seriesPath, move.from), target)))) {
      return { reason: 'exists', message: `${move.to} exists already` };
    }
    return undefined;
  }

  async #get(key: string): Promise<ISeries> {
    const series = await this.#em.findOne(Series, { key });
    if (!series) throw new NotFoundError(`No series with key "${key}"`);
    return series;
  }
}
