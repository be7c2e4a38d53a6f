import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { Loader } from '../../data/loader.ts';
import { deleteAnime, getAnime, refreshAnime, rescanAnime, updateAnime, type AnimeDetail, type EpisodeView } from '../../data/library.ts';
import { addToQueue, applyItemEvent, applyProgress, episodeId, getQueue, itemsByEpisode, type DownloadItem, type DownloadStatus } from '../../data/queue.ts';
import { LANGUAGES, type Language } from '../../data/config.ts';
import { LiveEvents } from '../../data/live-events.ts';
import { navigate, ToastEvent } from '../../components/events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { organizePath } from '../../data/organize.ts';
import { icon } from '../../components/icons.ts';
import { episodeCode, formatBytes, formatEta, formatPercent, formatSpeed, seasonLabel } from '../../lib/format.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-poster.ts';
import '../../components/aw-progress-bar.ts';
import { loadState } from '../../components/aw-load-state.ts';
import { toUrl } from '../../base.ts';
import { formatNumber, locale, t } from '../../i18n/locale.ts';
import { languageLabel } from '../../lib/language-label.ts';
import { languageFlag } from '../../components/language-flag.ts';

/** What the page shows: the series and its queue items by episode. */
interface SeriesView {
  readonly anime: AnimeDetail;
  readonly queue: ReadonlyMap<string, DownloadItem>;
}

type EpisodeState = 'on_disk' | 'upgrading' | 'missing' | 'queued' | 'downloading' | 'paused' | 'failed' | 'unavailable' | 'unmonitored';

/** One series: metadata, seasons and episodes with their state, and the actions on them. */
@customElement('aw-series-page')
export class AwSeriesPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .hero { display: grid; grid-template-columns: 200px minmax(0, 1fr); grid-template-rows: auto 1fr; gap: 0 24px; margin-bottom: 24px; }
    .hero aw-poster { grid-row: span 2; align-self: start; }
    .hero .wide { grid-column: 2; min-width: 0; }
    .hero aw-poster { box-shadow: var(--aw-shadow-lg); }
    .hero h1 { font-size: 1.7rem; }
    .facts { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0 12px; align-items: center; }
    .description { color: var(--aw-text); max-width: 75ch; margin-bottom: 14px; white-space: pre-line; }
    .description.clamped { display: -webkit-box; -webkit-line-clamp: 4; -webkit-box-orient: vertical; overflow: hidden; }
    .folder { font-family: var(--aw-mono); font-size: 0.82rem; color: var(--aw-text-muted); word-break: break-all; display: flex; gap: 6px; align-items: center; margin-bottom: 14px; }
    .stats { display: flex; gap: 22px; flex-wrap: wrap; margin-bottom: 16px; }
    .stat strong { display: block; font-size: 1.3rem; font-variant-numeric: tabular-nums; }
    .stat span { color: var(--aw-text-muted); font-size: 0.8rem; }
    .stat.missing strong { color: var(--aw-danger); }
    .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .actions select { width: auto; }
    .switch { display: inline-flex; align-items: center; gap: 8px; font-weight: 560; font-size: 0.9rem; }
    details.season { background: var(--aw-surface); border: 1px solid var(--aw-border); border-radius: var(--aw-radius); margin-bottom: 12px; box-shadow: var(--aw-shadow); }
    details.season > summary { list-style: none; display: flex; align-items: center; gap: 12px; padding: 12px 16px; cursor: pointer; flex-wrap: wrap; }
    details.season > summary::-webkit-details-marker { display: none; }
    details.season > summary:focus-visible { outline: none; box-shadow: var(--aw-focus); border-radius: var(--aw-radius); }
    details.season > summary .chev { transition: transform 0.15s; color: var(--aw-text-muted); display: inline-flex; }
    details.season[open] > summary .chev { transform: rotate(90deg); }
    summary h2 { font-size: 1rem; margin-right: auto; }
    summary aw-progress-bar { width: 120px; }
    .season-actions { display: flex; justify-content: flex-end; padding: 0 16px 10px; }
    .ep-table { position: relative; border-top: 1px solid var(--aw-border); overflow-x: auto; }
    .ep-table td.code { font-family: var(--aw-mono); font-size: 0.82rem; white-space: nowrap; color: var(--aw-text-muted); width: 1%; }
    .ep-table td.title { min-width: 180px; }
    .ep-table td.title .alt { color: var(--aw-text-muted); font-size: 0.8rem; }
    .ep-table td.state { width: 220px; }
    .ep-table td.act { width: 1%; white-space: nowrap; text-align: right; }
    .langs { display: flex; gap: 4px; flex-wrap: wrap; align-items: center; }
    svg.flag { display: inline-block; vertical-align: middle; border-radius: 2px; box-shadow: 0 0 0 1px var(--aw-border); flex: none; }
    .file-language { display: inline-flex; align-items: center; gap: 4px; }
    .on-disk { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
    .stat.upgradable strong { color: var(--aw-info, var(--aw-accent)); }
    .dl { display: grid; gap: 3px; }
    .dl .line { display: flex; justify-content: space-between; gap: 8px; font-size: 0.78rem; color: var(--aw-text-muted); font-variant-numeric: tabular-nums; }
    .back { display: inline-flex; align-items: center; gap: 4px; margin-bottom: 14px; text-decoration: none; font-size: 0.9rem; }
    @media (max-width: 720px) {
      .hero { grid-template-columns: 96px minmax(0, 1fr); gap: 0 14px; }
      .hero aw-poster { grid-row: auto; }
      .hero h1 { font-size: 1.25rem; }
      .hero .wide { grid-column: 1 / -1; margin-top: 14px; }
      .actions button.primary { flex: 1 1 100%; }
      .hide-narrow { display: none; }
      .ep-table td.state { width: auto; min-width: 110px; }
      .ep-table td.title { min-width: 120px; }
      .ep-table th, .ep-table td { padding: 8px; }
      summary aw-progress-bar { display: none; }
    }
  `,
  ];

  @property({ attribute: false }) params: Record<string, string> = {};
  @consume({ context: apiContext }) private api!: ApiClient;
  /**
   * Going to another series aborts this one's load, and a late answer for it is dropped; what
   * live events change while a load is out is applied to its answer too (a progress bar never
   * moves back).
   */
  readonly #view = new Loader<SeriesView>(this, (signal) => this.#fetch(signal));
  /** The series the page loads or shows (one load per change of the key). */
  #shownKey: string | undefined;
  @state() private busy = new Set<string>();
  @state() private expanded = false;

  constructor() {
    super();
    const onItem = (data: Parameters<typeof applyItemEvent>[1], status: DownloadStatus) => {
      if (!this.anime || data.key !== this.anime.key) return;
      this.#putItem(applyItemEvent(this.queue.get(episodeId(data.key, data.season, data.episode)), data, status));
    };
    new LiveEvents(
      this,
      {
        download_added: (message) => onItem(message.data, 'pending'),
        download_progress: ({ data }) => {
          const current = this.queue.get(episodeId(data.key, data.season, data.episode)) ?? [...this.queue.values()].find((item) => item.id === data.item_id);
          if (current) this.#putItem(applyProgress(current, data));
        },
        download_complete: (message) => {
          onItem(message.data, 'completed');
          void this.#load(false);
        },
        download_failed: (message) => onItem(message.data, 'failed'),
        download_removed: ({ data }) => {
          this.#view.update((view) => ({ ...view, queue: new Map([...view.queue].filter(([, item]) => item.id !== data.item_id)) }));
        },
        scan_complete: () => void this.#load(false),
        episode_upgraded: ({ data }) => {
          if (data.key === this.#key) void this.#load(false);
        },
        languages_offered: ({ data }) => {
          if (data.key === this.#key) void this.#load(false);
        },
      },
      () => void this.#load(false),
    );
  }

  get #key(): string {
    return this.params.key ?? '';
  }

  get anime(): AnimeDetail | undefined {
    return this.#view.value?.anime;
  }

  get queue(): ReadonlyMap<string, DownloadItem> {
    return this.#view.value?.queue ?? new Map();
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load(true);
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('params') && this.#key !== this.#shownKey) void this.#load(true);
  }

  async #load(reset: boolean): Promise<void> {
    this.#shownKey = this.#key;
    await this.#view.run({ reset });
    if (this.anime) document.title = `${this.anime.name} · AniWorld`;
  }

  async #fetch(signal: AbortSignal): Promise<SeriesView> {
    const key = this.#key;
    const anime = await getAnime(this.api, key, signal);
    // Without the queue the page still shows what is on disk and what is missing.
    const status = await getQueue(this.api, signal).catch((error) => {
      if (signal.aborted) throw error;
      return undefined;
    });
    return { anime, queue: status ? new Map([...itemsByEpisode(status)].filter(([, item]) => item.key === key)) : new Map() };
  }

  #putItem(item: DownloadItem): void {
    this.#view.update((view) => ({ ...view, queue: new Map(view.queue).set(episodeId(item.key, item.season, item.episode), item) }));
  }

  /** The answer of an action on this series (the page may have moved on to another one meanwhile). */
  #putSeries(anime: AnimeDetail): void {
    this.#view.update((view) => (view.anime.key === anime.key ? { ...view, anime } : view));
  }

  #state(episode: EpisodeView): EpisodeState {
    const item = this.queue.get(episodeId(this.#key, episode.season, episode.number));
    if (episode.downloaded) return item?.upgradeFrom && ['pending', 'downloading', 'paused'].includes(item.status) ? 'upgrading' : 'on_disk';
    if (item) {
      if (item.status === 'downloading') return 'downloading';
      if (item.status === 'pending') return 'queued';
      if (item.status === 'paused') return 'paused';
      if (item.status === 'failed') return 'failed';
      // Between download_complete and the reload that marks the episode downloaded.
      if (item.status === 'completed') return 'on_disk';
    }
    if (!episode.on_provider) return 'unavailable';
    return episode.missing ? 'missing' : 'unmonitored';
  }

  async #download(episodes: { season: number; episode: number }[], label: string): Promise<void> {
    if (!this.anime || episodes.length === 0 || this.busy.has(label)) return;
    this.busy = new Set([...this.busy, label]);
    try {
      await addToQueue(this.api, { key: this.anime.key, folder: this.anime.folder, name: this.anime.name, episodes });
      this.dispatchEvent(new ToastEvent(t('series.queued', { count: episodes.length }), 'ok'));
      await this.#load(false);
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      const next = new Set(this.busy);
      next.delete(label);
      this.busy = next;
    }
  }

  #missingIn(episodes: EpisodeView[]): { season: number; episode: number }[] {
    return episodes
      .filter((episode) => this.#state(episode) === 'missing' || this.#state(episode) === 'failed')
      .map((episode) => ({ season: episode.season, episode: episode.number }));
  }

  async #setMonitored(monitored: boolean): Promise<void> {
    try {
      this.#putSeries(await updateAnime(this.api, this.#key, { monitored }));
      this.dispatchEvent(new ToastEvent(monitored ? t('series.monitorOn') : t('series.monitorOff'), 'info'));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #setUpgrades(upgrade: boolean): Promise<void> {
    try {
      this.#putSeries(await updateAnime(this.api, this.#key, { upgrade_language: upgrade }));
      this.dispatchEvent(new ToastEvent(upgrade ? t('series.upgradesOn') : t('series.upgradesOff'), 'info'));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #setLanguage(value: string): Promise<void> {
    try {
      this.#putSeries(await updateAnime(this.api, this.#key, { preferred_language: value === '' ? null : (value as Language) }));
      this.dispatchEvent(new ToastEvent(t('series.languageSaved'), 'ok'));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #run(label: string, action: () => Promise<unknown>, done: string): Promise<void> {
    if (this.busy.has(label)) return;
    this.busy = new Set([...this.busy, label]);
    try {
      await action();
      await this.#load(false);
      this.dispatchEvent(new ToastEvent(done, 'ok'));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      const next = new Set(this.busy);
      next.delete(label);
      this.busy = next;
    }
  }

  async #delete(): Promise<void> {
    if (!this.anime) return;
    const answer = await confirmDialog({
      heading: t('series.removeTitle', { name: this.anime.name }),
      message: t('series.removeText'),
      confirmLabel: t('series.removeConfirm'),
      danger: true,
      checkLabel: t('series.removeFiles', { folder: this.anime.folder }),
    });
    if (!answer.confirmed) return;
    try {
      await deleteAnime(this.api, this.anime.key, answer.checked);
      this.dispatchEvent(
        new ToastEvent(answer.checked ? t('series.removedFiles', { name: this.anime.name }) : t('series.removed', { name: this.anime.name }), 'ok'),
      );
      navigate('/library');
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  render() {
    const failed = this.#view.status === 'error' ? this.#view.error : undefined;
    if (failed instanceof ApiError && failed.status === 404) {
      return html`<aw-empty-state heading=${t('series.notFound')} icon="search"><span slot="text">${t('series.notFoundText', { key: this.#key })}</span><a class="button" href=${toUrl('/library')}>${t('series.backToLibrary')}</a></aw-empty-state>`;
    }
    const anime = this.anime;
    if (!anime || failed) return html`${loadState(this.#view, () => void this.#load(!anime))}${anime ? this.#page(anime) : nothing}`;
    return this.#page(anime);
  }

  #page(anime: AnimeDetail) {
    const seasons = Object.keys(anime.episodes)
      .map(Number)
      .sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b));
    const allEpisodes = seasons.flatMap((season) => anime.episodes[String(season)]);
    const missingAll = this.#missingIn(allEpisodes);
    const queued = allEpisodes.filter((episode) => ['queued', 'downloading', 'paused'].includes(this.#state(episode))).length;
    const years = anime.year ? (anime.end_year && anime.end_year !== anime.year ? `${anime.year}–${anime.end_year}` : String(anime.year)) : '';
    return html`
      <a class="back" href=${toUrl('/library')}>${icon('left', 16)}${t('nav.library')}</a>
      <section class="hero">
        <aw-poster .src=${anime.cover} .name=${anime.name}></aw-poster>
        <div>
          <h1>${anime.name}</h1>
          <div class="facts">
            ${years ? html`<span class="badge">${years}</span>` : nothing}
            ${anime.age_rating ? html`<span class="badge">FSK ${anime.age_rating}</span>` : nothing}
            ${anime.genres.map((genre) => html`<span class="badge accent">${genre}</span>`)}
            ${anime.monitored ? html`<span class="badge ok">${t('library.monitored')}</span>` : html`<span class="badge warn">${t('library.notMonitored')}</span>`}
          </div>
        </div>
          <div class="wide">
            ${
              anime.description
                ? html`<p class="description ${this.expanded ? '' : 'clamped'}">${anime.description}</p>
              ${
                anime.description.length > 320
                  ? html`<button type="button" class="ghost small" @click=${() => {
                      this.expanded = !this.expanded;
                    }}>${this.expanded ? t('series.less') : t('series.more')}</button>`
                  : nothing
              }`
                : nothing
            }
            <div class="folder" title=${t('series.folderOnDisk')}>${icon('folder', 15)}<span>${anime.folder_path}</span></div>
            <div class="stats">
              <div class="stat"><strong>${formatNumber(anime.episode_count)}</strong><span>${t('series.statProvider')}</span></div>
              <div class="stat"><strong>${formatNumber(anime.downloaded_count)}</strong><span>${t('series.statDisk')}</span></div>
              <div class="stat missing"><strong>${formatNumber(anime.missing_count)}</strong><span>${t('series.statMissing')}</span></div>
              ${anime.upgradable_count ? html`<div class="stat upgradable" title=${t('series.statUpgradableTitle', { language: languageLabel(anime.upgrade_cutoff) })}><strong>${formatNumber(anime.upgradable_count)}</strong><span>${t('series.statUpgradable')}</span></div>` : nothing}
              ${queued ? html`<div class="stat"><strong>${formatNumber(queued)}</strong><span>${t('series.statQueue')}</span></div>` : nothing}
            </div>
            <div class="actions">
              <button type="button" class="primary" aria-disabled=${missingAll.length === 0 || this.busy.has('all') ? 'true' : 'false'} @click=${() => void this.#download(missingAll, 'all')}>
                ${icon('download')}${missingAll.length ? t('series.downloadMissing', { count: missingAll.length }) : t('series.nothingMissing')}</button>
              <label class="switch"><input type="checkbox" .checked=${anime.monitored} @change=${(event: Event) => void this.#setMonitored((event.target as HTMLInputElement).checked)} />${t('library.monitored')}</label>
              <label class="switch" title=${t('series.upgradesTitle', { language: languageLabel(anime.upgrade_cutoff) })}><input type="checkbox" .checked=${anime.upgrade_language} @change=${(event: Event) => void this.#setUpgrades((event.target as HTMLInputElement).checked)} />${t('series.upgrades')}</label>
              <label><span class="visually-hidden">${t('series.language')}</span>
                <select @change=${(event: Event) => void this.#setLanguage((event.target as HTMLSelectElement).value)} title=${t('series.languageTitle')}>
                  <option value="" ?selected=${!anime.preferred_language}>${t('series.languageDefault')}</option>
                  ${LANGUAGES.map((language) => html`<option value=${language} ?selected=${anime.preferred_language === language}>${languageLabel(language)}</option>`)}
                </select></label>
              <button type="button" aria-disabled=${this.busy.has('rescan') ? 'true' : 'false'} @click=${() => void this.#run('rescan', () => rescanAnime(this.api, anime.key), t('series.rescanned'))}>${icon('refresh')}${t('series.rescan')}</button>
              <button type="button" aria-disabled=${this.busy.has('refresh') ? 'true' : 'false'} @click=${() => void this.#run('refresh', () => refreshAnime(this.api, anime.key), t('series.refreshed'))}>${icon('tv')}${t('series.refresh')}</button>
              <a class="button" href=${toUrl(organizePath(anime.key))}>${icon('folder')}${t('organize.open')}</a>
              <button type="button" class="danger" @click=${() => void this.#delete()}>${icon('trash')}${t('series.remove')}</button>
            </div>
          </div>
      </section>
      ${
        seasons.length === 0
          ? html`<aw-empty-state heading=${t('series.noEpisodes')} icon="tv"><span slot="text">${t('series.noEpisodesText')}</span>
        <button type="button" class="primary" @click=${() => void this.#run('refresh', () => refreshAnime(this.api, anime.key), t('series.refreshed'))}>${t('series.refresh')}</button></aw-empty-state>`
          : nothing
      }
      ${seasons.map((season) => this.#season(season, anime.episodes[String(season)], seasons.length <= 3 || anime.missing_episodes[String(season)] !== undefined))}`;
  }

  #season(season: number, episodes: EpisodeView[], open: boolean) {
    const missing = this.#missingIn(episodes);
    const onDisk = episodes.filter((episode) => episode.downloaded).length;
    const available = episodes.filter((episode) => episode.on_provider || episode.downloaded).length;
    const label = `season-${season}`;
    return html`<details class="season" ?open=${open}>
      <summary>
        <span class="chev">${icon('right', 16)}</span>
        <h2>${seasonLabel(season)}</h2>
        <span class="small muted">${t('series.seasonOnDisk', { done: onDisk, total: available })}</span>
        <aw-progress-bar label=${t('series.seasonProgress', { season: seasonLabel(season) })} .value=${available ? (onDisk / available) * 100 : 0} tone=${missing.length ? 'accent' : 'ok'}></aw-progress-bar>
      </summary>
      ${missing.length ? html`<div class="season-actions"><button type="button" aria-disabled=${this.busy.has(label) ? 'true' : 'false'} @click=${() => void this.#download(missing, label)}>${icon('download', 16)}${t('series.seasonDownload', { count: missing.length })}</button></div>` : nothing}
      <div class="ep-table"><table>
        <thead><tr><th>#</th><th>${t('series.colTitle')}</th><th class="hide-narrow">${t('series.colLanguages')}</th><th>${t('series.colState')}</th><th><span class="visually-hidden">${t('series.colActions')}</span></th></tr></thead>
        <tbody>${episodes.map((episode) => this.#episodeRow(episode))}</tbody>
      </table></div>
    </details>`;
  }

  #episodeRow(episode: EpisodeView) {
    const state = this.#state(episode);
    const item = this.queue.get(episodeId(this.#key, episode.season, episode.number));
    const code = episodeCode(episode.season, episode.number);
    // The title in the panel's language first, the other one below it.
    const [first, second] = locale() === 'de' ? [episode.title_de, episode.title_en] : [episode.title_en, episode.title_de];
    const title = first || second || t('series.episode', { number: episode.number });
    const single = [{ season: episode.season, episode: episode.number }];
    return html`<tr>
      <td class="code">${code}</td>
      <td class="title">${title}${first && second && first !== second ? html`<div class="alt">${second}</div>` : nothing}</td>
      <td class="hide-narrow"><div class="langs">${episode.languages.map((language) => languageFlag(language))}</div></td>
      <td class="state">${this.#stateCell(state, item, episode)}</td>
      <td class="act">${
        state === 'missing' || state === 'failed'
          ? html`<button type="button" class="icon" aria-label=${t('series.downloadOne', { code })} title=${t('series.downloadOne', { code })} aria-disabled=${this.busy.has(code) ? 'true' : 'false'} @click=${() => void this.#download(single, code)}>${icon(state === 'failed' ? 'refresh' : 'download', 16)}</button>`
          : nothing
      }</td>
    </tr>`;
  }

  /** The language of the file on disk: the provider's flag and its name, or "language unknown". */
  #fileLanguage(episode: EpisodeView) {
    if (!episode.language) return html`<span class="badge" title=${t('series.languageUnknownTitle')}>${t('series.languageUnknown')}</span>`;
    return html`<span class="badge file-language">${languageFlag(episode.language)}${languageLabel(episode.language)}</span>`;
  }

  #stateCell(state: EpisodeState, item: DownloadItem | undefined, episode: EpisodeView) {
    switch (state) {
      case 'on_disk':
        return html`<div class="on-disk">
        <span class="badge ok" title=${episode.file_path ?? ''}>${icon('check', 13)}${t('series.onDisk')}${episode.size ? ` · ${formatBytes(episode.size)}` : ''}</span>
        ${this.#fileLanguage(episode)}
        ${item?.status === 'completed' && item.upgradeFrom ? html`<span class="badge info">${t('series.upgradedFrom', { language: languageLabel(item.upgradeFrom) })}</span>` : nothing}
        ${episode.upgradable ? html`<span class="badge warn">${t('series.upgradable', { language: languageLabel(this.anime?.upgrade_cutoff ?? '') })}</span>` : nothing}
      </div>`;
      case 'upgrading':
        return html`<div class="dl">
        <div class="on-disk">${this.#fileLanguage(episode)}<span class="badge info">${icon(item?.status === 'downloading' ? 'download' : 'clock', 13)}${t('series.upgrading', { language: languageLabel(item?.language ?? '') })}</span></div>
        ${item?.status === 'downloading' ? html`<aw-progress-bar label=${t('series.downloading', { code: episodeCode(episode.season, episode.number) })} .value=${item.progress}></aw-progress-bar>` : nothing}
      </div>`;
      case 'missing':
        return html`<span class="badge danger">${t('series.missing')}</span>`;
      case 'queued':
        return html`<span class="badge info">${icon('clock', 13)}${t('series.queuedState')}</span>`;
      case 'paused':
        return html`<span class="badge warn">${icon('pause', 13)}${t('series.paused')} · ${formatPercent(item?.progress)}</span>`;
      case 'failed':
        return html`<span class="badge danger" title=${item?.error ?? ''}>${t('series.failed')}${item?.error ? `: ${item.error.slice(0, 40)}` : ''}</span>`;
      case 'downloading':
        return html`<div class="dl">
        <aw-progress-bar label=${t('series.downloading', { code: episodeCode(episode.season, episode.number) })} .value=${item?.progress ?? 0}></aw-progress-bar>
        <div class="line"><span>${formatPercent(item?.progress)}</span><span>${formatSpeed(item?.speed)}</span><span>${t('series.left', { eta: formatEta(item?.eta) })}</span></div>
      </div>`;
      case 'unavailable':
        return html`<span class="badge">${t('series.notOnProvider')}</span>`;
      default:
        return html`<span class="badge">${t('library.notMonitored')}</span>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-series-page': AwSeriesPage;
  }
}
