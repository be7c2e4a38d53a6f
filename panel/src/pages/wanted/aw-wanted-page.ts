import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import { LANGUAGES } from '../../data/config.ts';
import {
  downloadAllWanted,
  downloadWantedEpisodes,
  listWanted,
  wantedFilterFromQuery,
  wantedQuery,
  wantedSlot,
  type WantedDownloadResult,
  type WantedEpisode,
  type WantedFilter,
  type WantedPage,
} from '../../data/wanted.ts';
import { LiveEvents } from '../../data/live-events.ts';
import { ToastEvent } from '../../components/events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { icon } from '../../components/icons.ts';
import { seriesPath } from '../../routes.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { episodeCode } from '../../lib/format.ts';
import { languageLabel } from '../../lib/language-label.ts';
import '../../components/aw-empty-state.ts';
import '../../components/aw-load-state.ts';
import '../../components/aw-progress-bar.ts';
import { toUrl } from '../../base.ts';
import { locale, t } from '../../i18n/locale.ts';

const PAGE = 50;

/**
 * Sonarr's "Wanted": every missing episode of the monitored series, across the library, with
 * filters, a selection and downloads that go through the normal queue.
 */
@customElement('aw-wanted-page')
export class AwWantedPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 16px; }
    .filters label { display: grid; gap: 4px; }
    .filters select, .filters input { width: auto; min-width: 150px; }
    .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
    .actions .count { margin-right: auto; color: var(--aw-text-muted); font-size: 0.88rem; }
    td.pick, th.pick { width: 36px; }
    td.code { font-family: var(--aw-mono); font-size: 0.85rem; white-space: nowrap; }
    td.series a { font-weight: 600; color: var(--aw-text); text-decoration: none; }
    td.series a:hover { color: var(--aw-accent); text-decoration: underline; }
    .langs { display: flex; flex-wrap: wrap; gap: 4px; }
    .kinds { display: inline-flex; border: 1px solid var(--aw-border); border-radius: 6px; overflow: hidden; margin-bottom: 14px; }
    .kinds button { border: none; border-radius: 0; }
    .kinds button[aria-pressed="true"] { background: var(--aw-accent-soft); color: var(--aw-accent); }
    .pager { display: flex; gap: 8px; justify-content: center; align-items: center; margin-top: 16px; }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  /** The page's URL query: the filters live there so Back returns to the same view. */
  @property({ attribute: false }) query = new URLSearchParams();
  @state() private filter: WantedFilter = { kind: 'missing', series: '', season: '', language: '' };
  @state() private page: WantedPage | undefined;
  @state() private offset = 0;
  @state() private error = '';
  @state() private loading = false;
  @state() private busy = false;
  @state() private selected = new Map<string, WantedEpisode>();
  #reloadAgain = false;

  constructor() {
    super();
    const reload = () => void this.#load();
    new LiveEvents(
      this,
      { download_added: reload, download_removed: reload, download_complete: reload, series_added: reload, series_removed: reload, scan_complete: reload },
      reload,
    );
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.filter = wantedFilterFromQuery(this.query, LANGUAGES);
    void this.#load();
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('query')) this.filter = wantedFilterFromQuery(this.query, LANGUAGES);
  }

  /** One load at a time; changes that arrive meanwhile end in one more load. */
  async #load(): Promise<void> {
    if (this.loading) {
      this.#reloadAgain = true;
      return;
    }
    this.loading = true;
    try {
      do {
        this.#reloadAgain = false;
        const page = await listWanted(this.api, this.filter, this.offset, PAGE);
        if (page.items.length === 0 && page.total > 0 && this.offset > 0) {
          this.offset = Math.max(0, Math.floor((page.total - 1) / PAGE) * PAGE);
          this.#reloadAgain = true;
          continue;
        }
        this.page = page;
      } while (this.#reloadAgain);
      this.error = '';
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  #setFilter(patch: Partial<WantedFilter>): void {
    this.filter = { ...this.filter, ...patch };
    this.offset = 0;
    this.selected = new Map();
    const search = wantedQuery(this.filter).toString();
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
    void this.#load();
  }

  #toggle(episode: WantedEpisode, on: boolean): void {
    const next = new Map(this.selected);
    if (on) next.set(wantedSlot(episode), episode);
    else next.delete(wantedSlot(episode));
    this.selected = next;
  }

  #togglePage(on: boolean): void {
    const next = new Map(this.selected);
    for (const episode of this.page?.items ?? []) {
      if (on) next.set(wantedSlot(episode), episode);
      else next.delete(wantedSlot(episode));
    }
    this.selected = next;
  }

  async #downloadSelected(): Promise<void> {
    const episodes = [...this.selected.values()].map(({ key, season, episode }) => ({ key, season, episode }));
    if (episodes.length === 0) return;
    await this.#run(() => downloadWantedEpisodes(this.api, this.filter.kind, episodes));
    this.selected = new Map();
  }

  async #downloadAll(): Promise<void> {
    const total = this.page?.total ?? 0;
    if (total === 0) return;
    const answer = await confirmDialog({
      heading: t('wanted.allTitle', { count: total }),
      message: this.filter.language ? t('wanted.allTextLanguage', { language: languageLabel(this.filter.language) }) : t('wanted.allText'),
      confirmLabel: t('wanted.allConfirm'),
    });
    if (!answer.confirmed) return;
    await this.#run(() => downloadAllWanted(this.api, this.filter));
  }

  async #run(request: () => Promise<WantedDownloadResult>): Promise<void> {
    this.busy = true;
    try {
      const result = await request();
      const failed = result.results.filter((entry) => !entry.ok);
      this.dispatchEvent(new ToastEvent(t('wanted.queued', { queued: result.queued, skipped: result.skipped }), result.queued > 0 ? 'ok' : 'info'));
      for (const entry of failed)
        if (!entry.ok) this.dispatchEvent(new ToastEvent(t('wanted.seriesFailed', { key: entry.key, reason: entry.error.message }), 'error'));
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      this.busy = false;
    }
  }

  render() {
    const page = this.page;
    return html`
      <div class="page-header">
        <h1>${t('nav.wanted')}</h1>
        <div class="toolbar">
          <button type="button" @click=${() => void this.#load()} ?disabled=${this.loading}>${icon('refresh')}${t('common.reload')}</button>
        </div>
      </div>
      <p class="muted" style="margin-bottom: 16px">${t('wanted.lead')}</p>
      <div class="kinds" role="group" aria-label=${t('wanted.kinds')}>
        ${(['missing', 'upgradable'] as const).map(
          (kind) =>
            html`<button type="button" aria-pressed=${this.filter.kind === kind ? 'true' : 'false'} @click=${() => {
              if (this.filter.kind !== kind) this.#setFilter({ kind });
            }}>${kind === 'missing' ? t('wanted.kindMissing') : t('wanted.kindUpgradable')}</button>`,
        )}
      </div>
      <div class="filters" role="search">
        <label>${t('wanted.series')}
          <select @change=${(event: Event) => this.#setFilter({ series: (event.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${this.filter.series === ''}>${t('wanted.allSeries')}</option>
            ${(page?.series ?? []).map((series) => html`<option value=${series.key} ?selected=${this.filter.series === series.key}>${series.name} (${series.count})</option>`)}
            ${this.filter.series && !page?.series.some((series) => series.key === this.filter.series) ? html`<option value=${this.filter.series} selected>${this.filter.series}</option>` : nothing}
          </select></label>
        <label>${t('wanted.season')}
          <input type="number" min="0" max="99999" inputmode="numeric" placeholder=${t('wanted.allSeasons')} .value=${this.filter.season} @change=${(event: Event) => this.#setFilter({ season: (event.target as HTMLInputElement).value.trim() })} /></label>
        <label>${t('wanted.language')}
          <select @change=${(event: Event) => this.#setFilter({ language: (event.target as HTMLSelectElement).value as WantedFilter['language'] })}>
            <option value="" ?selected=${this.filter.language === ''}>${t('wanted.anyLanguage')}</option>
            ${LANGUAGES.map((language) => html`<option value=${language} ?selected=${this.filter.language === language}>${languageLabel(language)}</option>`)}
          </select></label>
      </div>
      ${
        this.error
          ? html`<aw-load-state state="error" message=${this.error} @aw-retry=${() => void this.#load()}></aw-load-state>`
          : this.loading && !page
            ? html`<aw-load-state state="pending"></aw-load-state>`
            : nothing
      }
      ${page ? this.#list(page) : nothing}`;
  }

  #list(page: WantedPage) {
    if (page.total === 0) {
      const filtered = this.filter.series !== '' || this.filter.season !== '' || this.filter.language !== '';
      const upgrades = this.filter.kind === 'upgradable';
      return html`<aw-empty-state heading=${filtered ? t('wanted.noMatchTitle') : upgrades ? t('wanted.noUpgradesTitle') : t('wanted.emptyTitle')} icon="check"><span slot="text">${filtered ? t('wanted.noMatchText') : upgrades ? t('wanted.noUpgradesText') : t('wanted.emptyText')}</span>
        ${filtered ? html`<button type="button" @click=${() => this.#setFilter({ series: '', season: '', language: '' })}>${t('library.clearFilters')}</button>` : html`<a class="button" href=${toUrl('/library')}>${icon('library')}${t('nav.library')}</a>`}</aw-empty-state>`;
    }
    const allOnPage = page.items.length > 0 && page.items.every((episode) => this.selected.has(wantedSlot(episode)));
    return html`
      <div class="actions">
        <span class="count" aria-live="polite">${t('wanted.summary', { total: page.total, selected: this.selected.size })}</span>
        <button type="button" class="primary" ?disabled=${this.selected.size === 0 || this.busy} @click=${() => void this.#downloadSelected()}>${icon('download')}${t('wanted.downloadSelected', { count: this.selected.size })}</button>
        <button type="button" ?disabled=${this.busy} @click=${() => void this.#downloadAll()}>${icon('download')}${t('wanted.downloadAll', { count: page.total })}</button>
      </div>
      <div class="table-wrap"><table>
        <thead><tr>
          <th class="pick"><input type="checkbox" aria-label=${t('wanted.selectPage')} .checked=${allOnPage} @change=${(event: Event) => this.#togglePage((event.target as HTMLInputElement).checked)} /></th>
          <th>${t('wanted.colSeries')}</th><th>${t('wanted.colEpisode')}</th><th>${t('wanted.colTitle')}</th><th>${t('wanted.colLanguages')}</th><th>${t('library.colStatus')}</th>
        </tr></thead>
        <tbody>${repeat(
          page.items,
          (episode) => wantedSlot(episode),
          (episode) => {
            const code = episodeCode(episode.season, episode.episode);
            const [first, second] = locale() === 'de' ? [episode.title_de, episode.title_en] : [episode.title_en, episode.title_de];
            return html`<tr>
            <td class="pick"><input type="checkbox" aria-label=${t('wanted.selectOne', { series: episode.series_name, code })} .checked=${this.selected.has(wantedSlot(episode))} @change=${(event: Event) => this.#toggle(episode, (event.target as HTMLInputElement).checked)} /></td>
            <td class="series"><a href=${toUrl(seriesPath(episode.key))}>${episode.series_name}</a></td>
            <td class="code">${code}</td>
            <td>${first || second || html`<span class="muted">–</span>`}</td>
            <td><span class="langs">${episode.languages.map((language) => html`<span class="badge">${languageLabel(language)}</span>`)}</span></td>
            <td>${
              episode.queued
                ? html`<span class="badge info">${t('wanted.inQueue')}</span>`
                : episode.upgrade_to
                  ? html`<span class="badge warn">${t('wanted.upgrade', { from: languageLabel(episode.file_language ?? ''), to: languageLabel(episode.upgrade_to) })}</span>`
                  : html`<span class="badge danger">${t('wanted.missing')}</span>`
            }</td>
          </tr>`;
          },
        )}</tbody>
      </table></div>
      ${
        page.total > PAGE
          ? html`<div class="pager">
        <button type="button" ?disabled=${this.offset === 0} @click=${() => {
          this.offset = Math.max(0, this.offset - PAGE);
          void this.#load();
        }}>${icon('left')}${t('common.previous')}</button>
        <span class="small muted">${t('common.range', { from: this.offset + 1, to: Math.min(this.offset + PAGE, page.total), total: page.total })}</span>
        <button type="button" ?disabled=${this.offset + PAGE >= page.total} @click=${() => {
          this.offset += PAGE;
          void this.#load();
        }}>${t('common.next')}${icon('right')}</button>
      </div>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-wanted-page': AwWantedPage;
  }
}
