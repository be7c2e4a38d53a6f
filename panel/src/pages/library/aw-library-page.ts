import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import {
  filterFromQuery,
  filterLibrary,
  filterToQuery,
  listAnime,
  rescanLibrary,
  type AnimeSummary,
  type LibraryFilter,
  type LibrarySort,
} from '../../data/library.ts';
import { bulkSeries, type BulkAction } from '../../data/wanted.ts';
import { LiveEvents } from '../../data/live-events.ts';
import { Loader } from '../../data/loader.ts';
import { loadState } from '../../components/aw-load-state.ts';
import { ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { seriesPath } from '../../routes.ts';
import { organizePath } from '../../data/organize.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-poster.ts';
import '../../components/aw-empty-state.ts';
import '../../components/aw-progress-bar.ts';
import './aw-first-run-checklist.ts';
import { toUrl } from '../../base.ts';
import { t } from '../../i18n/locale.ts';

const VIEW_KEY = 'aniworld.library.view';

/** Every series as a poster grid or a table, with missing counts, filters, sort and quick search. */
@customElement('aw-library-page')
export class AwLibraryPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 18px; }
    .search { position: relative; flex: 1 1 220px; max-width: 360px; }
    .search input { padding-left: 34px; }
    .search .icon { position: absolute; left: 10px; top: 10px; color: var(--aw-text-muted); }
    .filters select { width: auto; }
    .segmented { display: inline-flex; border: 1px solid var(--aw-border); border-radius: 6px; overflow: hidden; }
    .segmented button { border: none; border-radius: 0; min-height: 36px; }
    .segmented button[aria-pressed="true"] { background: var(--aw-accent-soft); color: var(--aw-accent); }
    .scan { padding: 12px 16px; margin-bottom: 16px; display: grid; gap: 6px; }
    .summary { color: var(--aw-text-muted); font-size: 0.88rem; margin-bottom: 12px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(158px, 1fr)); gap: 18px; }
    /* The badge is drawn over the poster but comes after the name, so the link is read name first. */
    .tile { position: relative; display: block; text-decoration: none; color: inherit; border-radius: 8px; background: var(--aw-surface); border: 1px solid var(--aw-border); overflow: hidden; box-shadow: var(--aw-shadow); transition: transform 0.12s ease, box-shadow 0.12s ease; }
    .tile:hover { transform: translateY(-2px); box-shadow: var(--aw-shadow-lg); }
    .tile:focus-visible { outline: none; box-shadow: var(--aw-focus); }
    .tile aw-poster { border-radius: 0; }
    .tile .poster { position: relative; }
    .tile .corner { position: absolute; top: 8px; right: 8px; }
    .tile .corner .badge { box-shadow: 0 1px 3px rgb(0 0 0 / 30%); }
    .tile .meta { padding: 10px 12px 12px; display: grid; gap: 6px; }
    .tile .name { font-weight: 620; font-size: 0.92rem; line-height: 1.3; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
    .tile .sub { display: flex; justify-content: space-between; color: var(--aw-text-muted); font-size: 0.8rem; }
    .tile aw-progress-bar { --aw-progress-height: 5px; }
    .badge.missing { background: var(--aw-danger); color: light-dark(#fff, #1b0b0c); }
    .badge.complete { background: var(--aw-ok); color: light-dark(#fff, #0b1b12); }
    td.name a { font-weight: 600; color: var(--aw-text); text-decoration: none; }
    td.name a:hover { color: var(--aw-accent); text-decoration: underline; }
    td .folder { color: var(--aw-text-muted); font-size: 0.8rem; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .cell-progress { min-width: 120px; }
    .unmonitored { opacity: 0.6; }
    .tile.pick { cursor: pointer; }
    .tile.pick input { position: absolute; top: 8px; left: 8px; width: 22px; height: 22px; z-index: 1; }
    .tile.pick:has(input:checked) { box-shadow: 0 0 0 2px var(--aw-accent); }
    .bulk { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 10px 14px; margin-bottom: 14px; position: sticky; top: 64px; z-index: 5; }
    .bulk .count { margin-right: auto; font-weight: 600; }
    td.pick, th.pick { width: 36px; }
    @media (max-width: 520px) {
      .grid { grid-template-columns: repeat(2, 1fr); gap: 12px; }
      .search { max-width: none; flex-basis: 100%; }
      .hide-narrow { display: none; }
    }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  readonly #items = new Loader<AnimeSummary[]>(this, (signal) => listAnime(this.api, signal));
  @state() private view: 'grid' | 'table' = localStorage.getItem(VIEW_KEY) === 'table' ? 'table' : 'grid';
  /** The page's URL query: the filters live there so Back returns to the same view. */
  @property({ attribute: false }) query = new URLSearchParams();
  @state() private filter: LibraryFilter = { search: '', missingOnly: false, monitored: 'all', sort: 'name' };
  @state() private scanning = false;
  @state() private scanProgress: number | undefined;
  @state() private scanText = '';
  /** Multi-select: on while the user picks series for a bulk action. */
  @state() private selecting = false;
  @state() private chosen = new Set<string>();
  @state() private bulkBusy = false;

  constructor() {
    super();
    new LiveEvents(
      this,
      {
        series_added: () => void this.#load(),
        scan_started: ({ data }) => {
          if (data.scope === 'series') return;
          this.scanning = true;
          this.scanProgress = undefined;
          this.scanText = t('library.scanning');
        },
        scan_progress: ({ data }) => {
          this.scanning = true;
          this.scanProgress = data.total ? (data.current / data.total) * 100 : undefined;
          this.scanText = data.total ? t('library.scanningOf', { current: data.current, total: data.total, folder: data.folder }) : t('library.scanning');
        },
        scan_complete: ({ data }) => {
          if (data.scope !== 'series') this.scanning = false;
          void this.#load();
        },
        scan_failed: ({ data }) => {
          this.scanning = false;
          this.dispatchEvent(new ToastEvent(t('library.scanFailed', { reason: data.error }), 'error'));
        },
        download_complete: () => void this.#load(),
      },
      () => void this.#load(),
    );
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('query')) this.filter = filterFromQuery(this.query);
  }

  get items(): AnimeSummary[] | undefined {
    return this.#items.value;
  }

  async #load(): Promise<void> {
    await this.#items.run();
  }

  async #rescan(): Promise<void> {
    // The button stays focusable while a scan runs (aria-disabled), so keyboard focus is not lost.
    if (this.scanning) return;
    try {
      const result = await rescanLibrary(this.api);
      this.scanning = true;
      this.dispatchEvent(new ToastEvent(result.status === 'running' ? t('library.scanRunning') : t('library.scanStarted'), 'info'));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  #choose(key: string, on: boolean): void {
    const next = new Set(this.chosen);
    if (on) next.add(key);
    else next.delete(key);
    this.chosen = next;
  }

  /** One action on every chosen series; each series reports its own outcome. */
  async #bulk(action: BulkAction): Promise<void> {
    const keys = [...this.chosen];
    if (keys.length === 0) return;
    this.bulkBusy = true;
    try {
      const result = await bulkSeries(this.api, action, keys);
      this.dispatchEvent(new ToastEvent(t('library.bulkResult', { succeeded: result.succeeded, failed: result.failed }), result.failed ? 'warn' : 'ok'));
      if (action === 'download_missing') {
        const queued = result.results.reduce((sum, entry) => sum + (entry.ok ? (entry.item_ids?.length ?? 0) : 0), 0);
        this.dispatchEvent(new ToastEvent(t('library.bulkQueued', { count: queued }), 'info'));
      }
      for (const entry of result.results)
        if (!entry.ok) this.dispatchEvent(new ToastEvent(t('library.bulkFailed', { key: entry.key, reason: entry.error.message }), 'error'));
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      this.bulkBusy = false;
    }
  }

  #bulkBar(shown: AnimeSummary[]) {
    const allShown = shown.length > 0 && shown.every((item) => this.chosen.has(item.key));
    const none = this.chosen.size === 0 || this.bulkBusy;
    return html`<div class="card bulk" role="group" aria-label=${t('library.bulkActions')}>
      <span class="count" aria-live="polite">${t('library.selectedCount', { count: this.chosen.size })}</span>
      <label class="check"><input type="checkbox" .checked=${allShown} @change=${(event: Event) => {
        this.chosen = (event.target as HTMLInputElement).checked
          ? new Set([...this.chosen, ...shown.map((item) => item.key)])
          : new Set([...this.chosen].filter((key) => !shown.some((item) => item.key === key)));
      }} />${t('library.selectAll')}</label>
      <button type="button" ?disabled=${none} @click=${() => void this.#bulk('monitor')}>${icon('bookmark')}${t('library.bulkMonitor')}</button>
      <button type="button" ?disabled=${none} @click=${() => void this.#bulk('unmonitor')}>${icon('x')}${t('library.bulkUnmonitor')}</button>
      <button type="button" ?disabled=${none} @click=${() => void this.#bulk('refresh')}>${icon('refresh')}${t('library.bulkRefresh')}</button>
      <button type="button" class="primary" ?disabled=${none} @click=${() => void this.#bulk('download_missing')}>${icon('download')}${t('library.bulkDownloadMissing')}</button>
    </div>`;
  }

  #setView(view: 'grid' | 'table'): void {
    this.view = view;
    localStorage.setItem(VIEW_KEY, view);
  }

  #update(patch: Partial<LibraryFilter>): void {
    this.filter = { ...this.filter, ...patch };
    const search = filterToQuery(this.filter).toString();
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
  }

  render() {
    return html`
      <div class="page-header">
        <h1 tabindex="-1">${t('nav.library')}</h1>
        <div class="toolbar">
          <button type="button" aria-pressed=${this.selecting ? 'true' : 'false'} @click=${() => {
            this.selecting = !this.selecting;
            this.chosen = new Set();
          }}>${icon('check')}<span>${this.selecting ? t('library.selectDone') : t('library.select')}</span></button>
          <button type="button" @click=${() => void this.#rescan()} aria-disabled=${this.scanning ? 'true' : 'false'}>${icon('refresh')}<span>${this.scanning ? t('library.scanningShort') : t('library.rescan')}</span></button>
          <a class="button" href=${toUrl('/library/import')}>${icon('import')}<span>${t('library.importFolders')}</span></a>
          <a class="button" href=${toUrl(organizePath())}>${icon('folder')}<span>${t('organize.open')}</span></a>
          <a class="button primary" href=${toUrl('/library/add')}>${icon('plus')}<span>${t('route.addSeries')}</span></a>
        </div>
      </div>
      ${
        this.scanning
          ? html`<div class="card scan">
        <div class="small muted">${this.scanText || t('library.scanning')}</div>
        <aw-progress-bar label=${t('library.scan')} .value=${this.scanProgress ?? 0} ?indeterminate=${this.scanProgress === undefined}></aw-progress-bar>
      </div>`
          : nothing
      }
      <aw-first-run-checklist @checklist-dismissed=${() => this.renderRoot.querySelector<HTMLElement>('h1')?.focus()}></aw-first-run-checklist>
      ${loadState(this.#items, () => void this.#load())}
      ${this.#body()}`;
  }

  #body() {
    if (this.items === undefined) return nothing;
    if (this.items.length === 0) {
      return html`<aw-empty-state heading=${t('library.emptyTitle')} icon="library">
        <span slot="text">${t('library.emptyText')}</span>
        <a class="button primary" href=${toUrl('/library/add')}>${icon('plus')}${t('library.addOne')}</a>
        <a class="button" href=${toUrl('/library/import')}>${icon('import')}${t('library.importExisting')}</a>
      </aw-empty-state>`;
    }
    const shown = filterLibrary(this.items, this.filter);
    const missingTotal = this.items.reduce((sum, item) => sum + item.missing_count, 0);
    return html`
      <div class="filters" role="search">
        <label class="search"><span class="visually-hidden">${t('library.search')}</span>${icon('search')}
          <input type="search" placeholder=${t('library.searchPlaceholder')} .value=${this.filter.search} @input=${(event: Event) => this.#update({ search: (event.target as HTMLInputElement).value })} />
        </label>
        <label class="check"><input type="checkbox" .checked=${this.filter.missingOnly} @change=${(event: Event) => this.#update({ missingOnly: (event.target as HTMLInputElement).checked })} />${t('library.missingOnly')}</label>
        <label><span class="visually-hidden">${t('library.monitoring')}</span>
          <select @change=${(event: Event) => this.#update({ monitored: (event.target as HTMLSelectElement).value as LibraryFilter['monitored'] })}>
            <option value="all" ?selected=${this.filter.monitored === 'all'}>${t('library.allSeries')}</option><option value="monitored" ?selected=${this.filter.monitored === 'monitored'}>${t('library.monitored')}</option><option value="unmonitored" ?selected=${this.filter.monitored === 'unmonitored'}>${t('library.notMonitored')}</option>
          </select></label>
        <label><span class="visually-hidden">${t('library.sortBy')}</span>
          <select @change=${(event: Event) => this.#update({ sort: (event.target as HTMLSelectElement).value as LibrarySort })}>
            <option value="name" ?selected=${this.filter.sort === 'name'}>${t('library.sortName')}</option><option value="missing" ?selected=${this.filter.sort === 'missing'}>${t('library.sortMissing')}</option><option value="year" ?selected=${this.filter.sort === 'year'}>${t('library.sortYear')}</option>
          </select></label>
        <div class="segmented" role="group" aria-label=${t('library.layout')}>
          <button type="button" class="icon" aria-label=${t('library.grid')} aria-pressed=${this.view === 'grid' ? 'true' : 'false'} @click=${() => this.#setView('grid')}>${icon('grid')}</button>
          <button type="button" class="icon" aria-label=${t('library.table')} aria-pressed=${this.view === 'table' ? 'true' : 'false'} @click=${() => this.#setView('table')}>${icon('list')}</button>
        </div>
      </div>
      <p class="summary" aria-live="polite">${t('library.summary', { shown: shown.length, total: this.items.length, missing: missingTotal })}</p>
      ${this.selecting ? this.#bulkBar(shown) : nothing}
      ${
        shown.length === 0
          ? html`<aw-empty-state heading=${t('library.noMatchTitle')} icon="search"><span slot="text">${t('library.noMatchText')}</span>
        <button type="button" @click=${() => this.#update({ search: '', missingOnly: false, monitored: 'all' })}>${t('library.clearFilters')}</button></aw-empty-state>`
          : this.view === 'grid'
            ? this.#grid(shown)
            : this.#table(shown)
      }`;
  }

  #badge(item: AnimeSummary) {
    if (!item.monitored) return html`<span class="badge">${t('library.notMonitored')}</span>`;
    if (item.missing_count > 0) return html`<span class="badge missing">${t('library.missingCount', { count: item.missing_count })}</span>`;
    // Upgradable is its own count: the episodes are on disk, in a lower language than wanted.
    if (item.upgradable_count > 0) return html`<span class="badge info">${t('library.upgradableCount', { count: item.upgradable_count })}</span>`;
    if (item.episode_count > 0) return html`<span class="badge complete">${t('library.complete')}</span>`;
    return html`<span class="badge">${t('library.noEpisodes')}</span>`;
  }

  #grid(items: AnimeSummary[]) {
    if (this.selecting) {
      return html`<div class="grid">${repeat(
        items,
        (item) => item.key,
        (item) => html`
        <label class="tile pick ${item.monitored ? '' : 'unmonitored'}">
          <input type="checkbox" aria-label=${t('library.selectOne', { name: item.name })} .checked=${this.chosen.has(item.key)} @change=${(event: Event) => this.#choose(item.key, (event.target as HTMLInputElement).checked)} />
          <div class="poster"><aw-poster .src=${item.cover} .name=${item.name}></aw-poster></div>
          <div class="meta"><span class="name">${item.name}</span><span class="sub"><span>${item.year ?? ''}</span><span>${item.downloaded_count}/${item.episode_count}</span></span></div>
          <span class="corner">${this.#badge(item)}</span>
        </label>`,
      )}</div>`;
    }
    return html`<div class="grid">${repeat(
      items,
      (item) => item.key,
      (item) => html`
      <a class="tile ${item.monitored ? '' : 'unmonitored'}" href=${toUrl(seriesPath(item.key))}>
        <div class="poster"><aw-poster .src=${item.cover} .name=${item.name}></aw-poster></div>
        <div class="meta">
          <span class="name">${item.name}</span>
          <aw-progress-bar label=${t('library.onDisk')} .value=${item.episode_count ? (item.downloaded_count / item.episode_count) * 100 : 0} tone=${item.missing_count ? 'accent' : 'ok'}></aw-progress-bar>
          <span class="sub"><span>${item.year ?? ''}</span><span>${item.downloaded_count}/${item.episode_count}</span></span>
        </div>
        <span class="corner">${this.#badge(item)}</span>
      </a>`,
    )}</div>`;
  }

  #table(items: AnimeSummary[]) {
    return html`<div class="table-wrap"><table>
      <thead><tr>${this.selecting ? html`<th class="pick"><span class="visually-hidden">${t('library.select')}</span></th>` : nothing}<th>${t('library.colSeries')}</th><th class="hide-narrow">${t('library.colYear')}</th><th>${t('library.colEpisodes')}</th><th class="num">${t('library.colMissing')}</th><th class="hide-narrow">${t('library.colStatus')}</th></tr></thead>
      <tbody>${repeat(
        items,
        (item) => item.key,
        (item) => html`<tr class=${item.monitored ? '' : 'unmonitored'}>
        ${this.selecting ? html`<td class="pick"><input type="checkbox" aria-label=${t('library.selectOne', { name: item.name })} .checked=${this.chosen.has(item.key)} @change=${(event: Event) => this.#choose(item.key, (event.target as HTMLInputElement).checked)} /></td>` : nothing}
        <td class="name"><a href=${toUrl(seriesPath(item.key))}>${item.name}</a><div class="folder">${item.folder}</div></td>
        <td class="hide-narrow">${item.year ?? '–'}</td>
        <td class="cell-progress"><aw-progress-bar label=${t('library.onDisk')} .value=${item.episode_count ? (item.downloaded_count / item.episode_count) * 100 : 0} tone=${item.missing_count ? 'accent' : 'ok'}></aw-progress-bar><span class="small muted">${t('library.countOf', { done: item.downloaded_count, total: item.episode_count })}</span></td>
        <td class="num">${item.missing_count > 0 ? html`<span class="badge danger">${item.missing_count}</span>` : html`<span class="muted">0</span>`}</td>
        <td class="hide-narrow">${this.#badge(item)}</td>
      </tr>`,
      )}</tbody>
    </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-library-page': AwLibraryPage;
  }
}
