import { rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EntityManager } from '@mikro-orm/sqlite';
import type { Orm } from '../../db/orm.ts';
import type { SettingsStore } from '../../../config/store.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../adapters/logger.ts';
import type { Clock } from '../../adapters/clock.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Provider, SearchResult, SeriesInfo } from '../../providers/provider.ts';
import { assertInsideRoot, sanitizeName, UnsafePathError } from '../../library/safe-path.ts';
import { previewNaming, seriesFolderName, TemplateError, type NamingTemplates } from '../../library/naming.ts';
import { isSeriesKey } from '../../library/folder-link.ts';
import { mapLimit } from '../../library/scanner.ts';
import type { FetchLike } from '../../library/poster.ts';
import { Series, type ISeries } from './series.entity.ts';
import { Episode } from './episode.entity.ts';
import { MediaRoot } from './media-root.ts';
import { LibraryScanService, type LibraryScanSummary } from './library-scan.service.ts';
import { SeriesRefresher, type RefreshSummary } from './series-refresh.ts';
import { writeSeriesMetadata } from './series-metadata.ts';
import { animeDetail, searchResultView } from './series.view.ts';
import { isUpgradable, upgradePolicy } from './language-upgrade.ts';
import { SeriesListView, type AnimeSummary, type ListBody } from './series-list.view.ts';
import { SeriesImporter } from './series-import.ts';
import type { ImportAllResult } from '../../../contract/index.ts';
import { EpisodeFiles } from './episode-files.ts';
import { SeriesOrganizer, type RenamePlan, type RenameResult } from './series-organize.ts';

export interface SeriesServiceDeps {
  readonly orm: Orm;
  readonly settings: SettingsStore;
  /** The media root (settings.anime_directory) is resolved against this folder. */
  readonly cwd: string;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The configured provider; a function because the provider URL can change at runtime. */
  readonly provider: () => Provider;
  /** How posters are fetched (the provider's client when it exposes one). */
  readonly fetch?: FetchLike;
  /** Changes when another process wrote the database (SQLite's data_version); see SeriesListView. */
  readonly externalVersion?: () => Promise<unknown>;
}

export interface MissingEpisode {
  readonly season: number;
  readonly episode: number;
  readonly titleDe: string | null;
  readonly titleEn: string | null;
  readonly languages: readonly string[];
}

/** The library feature: series on disk, what the provider lists, what is missing, names and safe paths for downloads. */
export class SeriesService {
  readonly #deps: SeriesServiceDeps;
  readonly #root: MediaRoot;
  readonly #scanner: LibraryScanService;
  readonly #refresher: SeriesRefresher;
  readonly #importer: SeriesImporter;
  readonly #files: EpisodeFiles;
  readonly #organizer: SeriesOrganizer;
  readonly #list: SeriesListView;

  constructor(deps: SeriesServiceDeps) {
    this.#deps = deps;
    this.#root = new MediaRoot(deps.settings, deps.cwd);
    this.#list = new SeriesListView({ orm: deps.orm, events: deps.events, externalVersion: deps.externalVersion, settings: deps.settings });
    const changed = (key?: string) => this.#list.changed(key);
    this.#scanner = new LibraryScanService({
      orm: deps.orm,
      root: this.#root,
      events: deps.events,
      logger: deps.logger,
      clock: deps.clock,
      providerUrl: () => deps.provider().baseUrl,
      changed,
    });
    this.#refresher = new SeriesRefresher({ orm: deps.orm, provider: deps.provider, logger: deps.logger, clock: deps.clock, changed, events: deps.events });
    this.#importer = new SeriesImporter({ orm: deps.orm, root: this.#root, provider: deps.provider, logger: deps.logger });
    this.#files = new EpisodeFiles({ orm: deps.orm, root: this.#root, settings: deps.settings });
    this.#organizer = new SeriesOrganizer({ orm: deps.orm, root: this.#root, settings: deps.settings, events: deps.events, changed });
  }

  get #em(): EntityManager {
    return this.#deps.orm.em as EntityManager;
  }

  mediaRoot(): string {
    return this.#root.path();
  }

  // --- scans and provider refresh (jobs and the watcher call these) ---

  scanLibrary(): Promise<LibraryScanSummary> {
    return this.#scanner.scanLibrary();
  }

  scanSeries(key: string) {
    return this.#scanner.scanSeries(key);
  }

  isScanning(): boolean {
    return this.#scanner.isScanning();
  }

  /** Starts a full scan in the background; progress goes out as scan_* events. */
  requestLibraryScan(): { status: 'started' | 'running' } {
    if (this.#scanner.isScanning()) return { status: 'running' };
    // Failures are published as scan_failed and logged by the scanner.
    this.#scanner.scanLibrary().catch(() => {});
    return { status: 'started' };
  }

  refreshSeries(key: string): Promise<RefreshSummary> {
    return this.#refresher.refreshSeries(key);
  }

  refreshAll() {
    return this.#refresher.refreshAll();
  }

  /** The series a changed file belongs to (for the folder watcher); see EpisodeFiles.keyForPath. */
  keyForPath(absolutePath: string): Promise<string | undefined> {
    return this.#files.keyForPath(absolutePath);
  }

  // --- reading ---

  /** Every series' summary, from the precomputed view. */
  async list(): Promise<readonly AnimeSummary[]> {
    return (await this.#list.body()).summaries;
  }

  /** The whole list serialised, with its ETag (GET /api/anime). */
  listBody(): Promise<ListBody> {
    return this.#list.body();
  }

  async detail(key: string) {
    const series = await this.#get(key);
    const episodes = await this.#em.find(Episode, { series }, { orderBy: { season: 'asc', number: 'asc' } });
    const seriesPath = join(this.#root.path(), series.folder);
    const sizes = new Map<number, number>();
    await mapLimit(
      episodes.filter((episode) => episode.filePath && episode.size == null),
      16,
      async (episode) => {
        const info = await stat(join(seriesPath, episode.filePath!)).catch(() => undefined);
        if (info) sizes.set(episode.id, info.size);
      },
    );
    return animeDetail(series, episodes, seriesPath, upgradePolicy(series, this.#deps.settings.current().downloads), sizes);
  }

  /** Episodes the provider lists that are not on disk; empty for a series that is not monitored. */
  async missingEpisodes(key: string): Promise<MissingEpisode[]> {
    const series = await this.#get(key);
    if (!series.monitored) return [];
    const episodes = await this.#em.find(Episode, { series, onProvider: true, downloaded: false }, { orderBy: { season: 'asc', number: 'asc' } });
    return episodes.map((episode) => ({
      season: episode.season,
      episode: episode.number,
      titleDe: episode.titleDe ?? null,
      titleEn: episode.titleEn ?? null,
      languages: episode.languages,
    }));
  }

  /**
   * Episodes whose file is in a lower language than the series wants and that the provider now
   * offers in it; `only` narrows them to some episodes (those a refresh found newly offered).
   */
  async upgradableEpisodes(
    key: string,
    only?: readonly { season: number; episode: number }[],
  ): Promise<{ season: number; episode: number; from: string; to: string }[]> {
    const series = await this.#get(key);
    const policy = upgradePolicy(series, this.#deps.settings.current().downloads);
    if (!policy.on) return [];
    const wanted = only ? new Set(only.map((entry) => `${entry.season}:${entry.episode}`)) : undefined;
    const episodes = await this.#em.find(Episode, { series, downloaded: true, language: { $ne: null } }, { orderBy: { season: 'asc', number: 'asc' } });
    return episodes
      .filter((episode) => isUpgradable(episode, policy) && (!wanted || wanted.has(`${episode.season}:${episode.number}`)))
      .map((episode) => ({ season: episode.season, episode: episode.number, from: episode.language!, to: policy.cutoff }));
  }

  // --- the provider ---

  /**
   * Provider search. A pasted series link finds that series itself; results without a year or
   * cover (the site's search answer has neither) get them from their series page, for the first few.
   */
  async search(query: string) {
    const provider = this.#deps.provider();
    const linked = /^https?:\/\//i.test(query.trim()) ? provider.keyFromLink(query.trim()) : undefined;
    const found = linked ? [seriesAsResult(await provider.getSeries(linked))] : await provider.search(query);
    const results = await Promise.all(
      found.map(async (result, index) => {
        if (index >= SEARCH_DETAILS || (result.year !== null && result.cover !== null)) return result;
        try {
          const info = await provider.getSeries(result.key);
          return {
            ...result,
            year: result.year ?? info.year,
            endYear: result.endYear ?? info.endYear,
            cover: result.cover ?? info.cover,
            description: result.description ?? info.description,
          };
        } catch {
          // The result still shows, just without what its page would have added.
          return result;
        }
      }),
    );
    const keys = results.map((result) => result.key);
    const added = new Set((await this.#em.find(Series, { key: { $in: keys } }, { fields: ['key'] as never })).map((series) => series.key));
    return results.map((result) => searchResultView(result, added.has(result.key)));
  }

  /** The key a link or key input names; links must point at the configured provider host. */
  keyFromInput(input: { link?: string; key?: string }): string {
    if (input.key !== undefined) {
      if (!isSeriesKey(input.key)) throw new ValidationError('key must be a series slug ([a-z0-9-])', [{ path: 'key', message: 'not a slug' }]);
      return input.key;
    }
    const provider = this.#deps.provider();
    const key = input.link === undefined ? undefined : provider.keyFromLink(input.link);
    if (!key)
      throw new ValidationError(`link must be a series page of ${provider.baseUrl} (…/anime/stream/<key>)`, [
        { path: 'link', message: 'not a series link of the configured provider' },
      ]);
    return key;
  }

  /** Adds a series: folder named from the sanitised title (+ year), metadata files, provider data, first scan. */
  async add(input: { link?: string; key?: string; monitored?: boolean; folder?: string }) {
    const key = this.keyFromInput(input);
    await this.#assertNotAdded(key);
    const info = await this.#deps.provider().getSeries(key);
    const folder = input.folder !== undefined ? sanitizeName(input.folder) : await this.#freeFolderName(seriesFolderName(info.name, info.year), key);
    if (await this.#em.count(Series, { folder })) throw new ConflictError(`The folder "${folder}" already belongs to another series`, { folder });
    return this.#create(info, folder, { monitored: input.monitored ?? true, keepExisting: false });
  }

  /** Links a folder that no series owns to a provider series (library import). */
  async importFolder(input: { folder: string; key: string; monitored?: boolean }) {
    if (!isSeriesKey(input.key)) throw new ValidationError('key must be a series slug ([a-z0-9-])', [{ path: 'key', message: 'not a slug' }]);
    const folder = await this.#unownedFolder(input.folder);
    await this.#assertNotAdded(input.key);
    const info = await this.#deps.provider().getSeries(input.key);
    return this.#create(info, folder, { monitored: input.monitored ?? true, keepExisting: true });
  }

  importCandidates(options: { offset: number; limit: number }) {
    return this.#importer.candidates(options);
  }

  /**
   * "Import all": every folder no series owns and nobody ignored is matched, and linked when the
   * match is confident (see import-match.ts). One folder after the other (the provider search is
   * rate limited); a failing folder is reported and the others go on.
   */
  async importAll(options: { monitored?: boolean }): Promise<ImportAllResult> {
    const imported: ImportAllResult['imported'] = [];
    const skipped: ImportAllResult['skipped'] = [];
    const failed: ImportAllResult['failed'] = [];
    for (const folder of await this.#importer.unmatchedFolders()) {
      const candidate = await this.#importer.describe(folder);
      if (!candidate.match) {
        skipped.push({
          folder,
          reason: candidate.error
            ? `search failed: ${candidate.error}`
            : candidate.suggestions.length === 0
              ? 'no match found'
              : 'no confident match; choose one',
        });
        continue;
      }
      try {
        const added = await this.importFolder({ folder, key: candidate.match.key, monitored: options.monitored });
        imported.push({ folder, key: added.key, name: added.name, reason: candidate.match.reason });
      } catch (error) {
        this.#em.clear();
        if (!(error instanceof AppError && error.expose)) this.#deps.logger.error({ component: 'library', folder, err: error }, 'import all: folder failed');
        failed.push({
          folder,
          key: candidate.match.key,
          error:
            error instanceof AppError && error.expose
              ? { code: error.code, message: error.message }
              : { code: 'internal_error', message: 'Importing this folder failed; the log has the details' },
        });
      }
    }
    return { imported, skipped, failed };
  }

  ignoredFolders() {
    return this.#importer.ignored();
  }

  /** "Ignore this folder": the import no longer suggests it (persisted; `unignoreFolder` takes it back). */
  async ignoreFolder(name: string) {
    const folder = await this.#unownedFolder(name);
    const result = await this.#importer.ignore(folder);
    this.#deps.events.publish('import_folder_changed', { folder, change: 'ignored' });
    return result;
  }

  async unignoreFolder(folder: string) {
    const result = await this.#importer.unignore(folder);
    this.#deps.events.publish('import_folder_changed', { folder, change: 'unignored' });
    return result;
  }

  /** A plain folder name directly in the media root that exists and that no series owns. */
  async #unownedFolder(folder: string): Promise<string> {
    if (folder !== basename(folder) || folder === '.' || folder === '..' || folder.includes('\0'))
      throw new ValidationError('folder must be the name of a folder directly in the media folder', [{ path: 'folder', message: 'not a plain folder name' }]);
    const path = await assertInsideRoot(this.#root.path(), folder);
    if (!(await stat(path).catch(() => undefined))?.isDirectory()) throw new NotFoundError(`No folder "${folder}" in the media folder`);
    if (await this.#em.count(Series, { folder })) throw new ConflictError(`The folder "${folder}" already belongs to a series`, { folder });
    return folder;
  }

  async #create(info: SeriesInfo, folder: string, options: { monitored: boolean; keepExisting: boolean }) {
    const root = this.#root.path();
    const folderPath = await assertInsideRoot(root, folder);
    if (folderPath === root) throw new UnsafePathError(folder, 'a series cannot live in the media folder itself');
    const provider = this.#deps.provider();
    const site = new URL(provider.baseUrl).host;
    const naming = this.#deps.settings.current().naming;
    await writeSeriesMetadata(
      folderPath,
      info,
      { site, writeNfo: naming.write_nfo, writePoster: naming.write_poster, keepExisting: options.keepExisting },
      { logger: this.#deps.logger, fetch: this.#deps.fetch },
    );
    this.#em.create(Series, {
      key: info.key,
      folder,
      name: info.name,
      site,
      link: info.link,
      year: info.year,
      endYear: info.endYear,
      monitored: options.monitored,
    });
    await this.#em.flush();
    this.#list.changed(info.key);
    try {
      await this.#refresher.refreshSeries(info.key, info);
    } catch (error) {
      // The series is added; its episode list can be refreshed later.
      this.#deps.logger.warn({ component: 'library', key: info.key, err: error }, 'episode list refresh after add failed');
    }
    await this.#scanner.scanSeries(info.key);
    this.#deps.events.publish('series_added', { key: info.key, folder, name: info.name, imported: options.keepExisting });
    this.#em.clear();
    return this.detail(info.key);
  }

  async #assertNotAdded(key: string): Promise<void> {
    if (await this.#em.count(Series, { key })) throw new ConflictError(`The series "${key}" is already in the library`, { key });
  }

  /** A folder name no other series uses; a clash gets the key appended. */
  async #freeFolderName(name: string, key: string): Promise<string> {
    if (!(await this.#em.count(Series, { folder: name }))) return name;
    return sanitizeName(`${name} [${key}]`);
  }

  // --- changing ---

  async update(key: string, patch: { monitored?: boolean; preferred_language?: string | null; upgrade_language?: boolean }) {
    const series = await this.#get(key);
    if (patch.monitored !== undefined) series.monitored = patch.monitored;
    if (patch.preferred_language !== undefined) series.preferredLanguage = patch.preferred_language;
    if (patch.upgrade_language !== undefined) series.upgradeLanguage = patch.upgrade_language;
    await this.#em.flush();
    this.#list.changed(key);
    return this.detail(key);
  }

  /** Monitoring on or off without building the detail (the library's multi-select changes many). */
  async setMonitored(key: string, monitored: boolean): Promise<{ key: string; monitored: boolean }> {
    const series = await this.#get(key);
    if (series.monitored !== monitored) {
      series.monitored = monitored;
      await this.#em.flush();
      this.#list.changed(key);
    }
    return { key, monitored };
  }

  /** Removes the series from the library; its files stay unless `deleteFiles`. */
  async remove(key: string, deleteFiles: boolean): Promise<{ key: string; folder: string; files_deleted: boolean }> {
    const series = await this.#get(key);
    const folder = series.folder;
    if (deleteFiles) {
      const root = this.#root.path();
      const path = await assertInsideRoot(root, folder);
      if (path === root) throw new UnsafePathError(folder, 'refusing to delete the media folder itself');
      await rm(path, { recursive: true, force: true });
    }
    await this.#em.nativeDelete(Episode, { series: series.id });
    await this.#em.nativeDelete(Series, { id: series.id });
    this.#list.changed(key);
    this.#deps.events.publish('series_removed', { key, folder, files_deleted: deleteFiles });
    return { key, folder, files_deleted: deleteFiles };
  }

  // --- naming (downloads call these) ---

  previewNaming(templates: Partial<NamingTemplates>) {
    const current = this.#deps.settings.current().naming;
    try {
      return previewNaming({
        episode_template: templates.episode_template ?? current.episode_template,
        season_folder_template: templates.season_folder_template ?? current.season_folder_template,
      });
    } catch (error) {
      if (error instanceof TemplateError) throw new ValidationError(error.message, [{ path: 'episode_template', message: error.message }]);
      throw error;
    }
  }

  // --- renaming existing files to the templates (Organize) ---

  renamePlan(key: string): Promise<RenamePlan> {
    return this.#organizer.plan(key);
  }

  renameApply(key: string): Promise<RenameResult> {
    return this.#organizer.apply(key);
  }

  renamePlanLibrary(): Promise<RenamePlan[]> {
    return this.#organizer.planLibrary();
  }

  renameApplyLibrary(keys?: readonly string[]): Promise<RenameResult[]> {
    return this.#organizer.applyLibrary(keys);
  }

  /** The absolute, sanitised path an episode download must be written to, per the naming templates. */
  episodeTarget(key: string, season: number, episode: number, language: string | null, extension: string): Promise<string> {
    return this.#files.episodeTarget(key, season, episode, language, extension);
  }

  /** Records a finished download and its language (see EpisodeFiles.markEpisodeDownloaded; `replace` for an upgrade). */
  async markEpisodeDownloaded(
    key: string,
    season: number,
    episode: number,
    absolutePath: string,
    size: number,
    file: { language: string | null; replace?: boolean } = { language: null },
  ): Promise<{ previous: string | null }> {
    const recorded = await this.#files.markEpisodeDownloaded(key, season, episode, absolutePath, size, file);
    this.#list.changed(key);
    return recorded;
  }

  /** The language a series wants: its own choice, else null (the configured order applies). */
  async wantedLanguage(key: string): Promise<string | null> {
    const series = await this.#em.findOne(Series, { key }, { fields: ['preferredLanguage'] as never, disableIdentityMap: true });
    return series?.preferredLanguage ?? null;
  }

  async #get(key: string): Promise<ISeries> {
    const series = await this.#em.findOne(Series, { key });
    if (!series) throw new NotFoundError(`No series with key "${key}"`);
    return series;
  }
}

/** How many search results are completed from their series page (one provider request each). */
const SEARCH_DETAILS = 6;

function seriesAsResult(info: SeriesInfo): SearchResult {
  return { key: info.key, name: info.name, link: info.link, description: info.description, cover: info.cover, year: info.year, endYear: info.endYear };
}
