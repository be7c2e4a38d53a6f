import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import { addAnime, searchAnime, type SearchResult } from '../../data/library.ts';
import { navigate, ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { previewFolderName } from '../../lib/naming-preview.ts';
import { seriesPath } from '../../routes.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-poster.ts';
import '../../components/aw-empty-state.ts';
import '../../components/aw-progress-bar.ts';
import { toUrl } from '../../base.ts';
import { t } from '../../i18n/locale.ts';

/** Search the provider, pick a series, choose monitoring and see the folder it will get. */
@customElement('aw-add-series-page')
export class AwAddSeriesPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    form.search { display: flex; gap: 8px; margin-bottom: 20px; }
    form.search input { flex: 1; font-size: 1.05rem; min-height: 44px; }
    form.search button { min-height: 44px; }
    .results { display: grid; gap: 12px; }
    .result { display: grid; grid-template-columns: 92px 1fr; gap: 16px; padding: 14px; }
    .result h2 { font-size: 1.05rem; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
    .result .desc { color: var(--aw-text-muted); font-size: 0.88rem; margin: 6px 0 10px; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
    .options { display: grid; gap: 12px; padding: 12px; border-radius: 8px; background: var(--aw-surface-2); border: 1px solid var(--aw-border); margin-top: 8px; }
    .options .row { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
    .preview { font-family: var(--aw-mono); font-size: 0.82rem; color: var(--aw-text-muted); word-break: break-all; }
    @media (max-width: 520px) { .result { grid-template-columns: 64px 1fr; gap: 10px; } }
  `,
  ];

  @property({ attribute: false }) query = new URLSearchParams();
  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private term = '';
  @state() private results: SearchResult[] | undefined;
  @state() private searching = false;
  @state() private error = '';
  @state() private selected: string | undefined;
  @state() private monitored = true;
  @state() private folder = '';
  @state() private adding = false;
  @query('form.search input') private input!: HTMLInputElement;

  firstUpdated(): void {
    const initial = this.query.get('q');
    if (initial) {
      this.term = initial;
      void this.#search();
    }
    this.input.focus();
  }

  async #search(event?: Event): Promise<void> {
    event?.preventDefault();
    const term = this.term.trim();
    if (!term) return;
    this.searching = true;
    this.error = '';
    this.selected = undefined;
    try {
      this.results = await searchAnime(this.api, term);
    } catch (error) {
      this.error = errorMessage(error);
      this.results = undefined;
    } finally {
      this.searching = false;
    }
  }

  /** Opens the options in place of the "Add…" button; focus moves into them instead of falling to the page. */
  async #select(result: SearchResult): Promise<void> {
    this.selected = result.key;
    this.monitored = true;
    this.folder = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`#monitor-${CSS.escape(result.key)}`)?.focus();
  }

  async #unselect(result: SearchResult): Promise<void> {
    this.selected = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(`#add-${CSS.escape(result.key)}`)?.focus();
  }

  /** Search results rarely carry the year; the server adds it from the series page when it names the folder. */
  #defaultFolder(result: SearchResult): string {
    return result.year ? previewFolderName(result.name, result.year) : `${previewFolderName(result.name, null)} (${t('add.yearPlaceholder')})`;
  }

  async #add(result: SearchResult): Promise<void> {
    this.adding = true;
    try {
      const folder = this.folder.trim();
      const added = await addAnime(this.api, { key: result.key, monitored: this.monitored, ...(folder ? { folder } : {}) });
      this.dispatchEvent(
        new ToastEvent(
          added.missing_count ? t('add.addedMissing', { name: added.name, count: added.missing_count }) : t('add.added', { name: added.name }),
          'ok',
        ),
      );
      navigate(seriesPath(added.key));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      this.adding = false;
    }
  }

  render() {
    return html`
      <div class="page-header"><h1>${t('library.addOne')}</h1><a class="button" href=${toUrl('/library/import')}>${icon('import')}${t('add.importInstead')}</a></div>
      <form class="search" role="search" @submit=${this.#search}>
        <label class="visually-hidden" for="term">${t('add.term')}</label>
        <input id="term" type="search" placeholder=${t('add.placeholder')} autocomplete="off" .value=${this.term} @input=${(event: Event) => {
          this.term = (event.target as HTMLInputElement).value;
        }} />
        <button class="primary" type="submit" ?disabled=${this.searching || !this.term.trim()}>${icon('search')}${t('add.search')}</button>
      </form>
      ${this.searching ? html`<aw-progress-bar indeterminate label=${t('add.searching')}></aw-progress-bar>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.results === undefined && !this.searching ? html`<aw-empty-state heading=${t('add.introTitle')} icon="search"><span slot="text">${t('add.introText')}</span></aw-empty-state>` : nothing}
      ${this.results?.length === 0 ? html`<aw-empty-state heading=${t('add.noResults')} icon="search"><span slot="text">${t('add.noResultsText', { term: this.term })}</span></aw-empty-state>` : nothing}
      <div class="results" aria-live="polite">${this.results?.map((result) => this.#result(result))}</div>`;
  }

  #result(result: SearchResult) {
    const selected = this.selected === result.key;
    const years = result.year ? (result.end_year && result.end_year !== result.year ? `${result.year}–${result.end_year}` : String(result.year)) : '';
    return html`<article class="card result" aria-label=${result.name}>
      <aw-poster .src=${result.cover} .name=${result.name}></aw-poster>
      <div>
        <h2>${result.name} ${years ? html`<span class="badge">${years}</span>` : nothing}</h2>
        ${result.description ? html`<p class="desc">${result.description}</p>` : nothing}
        ${
          result.added
            ? html`<a class="button" href=${toUrl(seriesPath(result.key))}>${icon('check')}${t('add.already')}</a>`
            : selected
              ? html`<div class="options">
              <label class="check"><input id="monitor-${result.key}" type="checkbox" .checked=${this.monitored} @change=${(event: Event) => {
                this.monitored = (event.target as HTMLInputElement).checked;
              }} />${t('add.monitor')}</label>
              <div class="field" style="margin: 0">
                <label for="folder-${result.key}">${t('add.folderName')} <span class="hint">${t('common.optional')}</span></label>
                <input id="folder-${result.key}" type="text" placeholder=${this.#defaultFolder(result)} .value=${this.folder} @input=${(event: Event) => {
                  this.folder = (event.target as HTMLInputElement).value;
                }} />
                <span class="preview">${t('add.filesGoTo', { folder: this.folder.trim() || this.#defaultFolder(result) })}</span>
                ${this.folder.trim() || result.year ? nothing : html`<span class="hint">${t('add.folderHint')}</span>`}
              </div>
              <div class="row">
                <button type="button" class="primary" ?disabled=${this.adding} @click=${() => void this.#add(result)}>${icon('plus')}${this.adding ? t('add.adding') : t('route.addSeries')}</button>
                <button type="button" @click=${() => void this.#unselect(result)}>${t('common.cancel')}</button>
              </div>
            </div>`
              : html`<button type="button" id="add-${result.key}" @click=${() => void this.#select(result)}>${icon('plus')}${t('add.addEllipsis')}</button>`
        }
      </div>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-add-series-page': AwAddSeriesPage;
  }
}
