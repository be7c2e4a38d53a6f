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

/** Search the provider, pick a series, choose monitoring and see the folder it will get. */
@customElement('aw-add-series-page')
export class AwAddSeriesPage extends LitElement {
  static styles = [sharedStyles, css`
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
  `];

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

  #select(result: SearchResult): void {
    this.selected = result.key;
    this.monitored = true;
    this.folder = '';
  }

  /** Search results rarely carry the year; the server adds it from the series page when it names the folder. */
  #defaultFolder(result: SearchResult): string {
    return result.year ? previewFolderName(result.name, result.year) : `${previewFolderName(result.name, null)} (year)`;
  }

  async #add(result: SearchResult): Promise<void> {
    this.adding = true;
    try {
      const folder = this.folder.trim();
      const added = await addAnime(this.api, { key: result.key, monitored: this.monitored, ...(folder ? { folder } : {}) });
      this.dispatchEvent(new ToastEvent(`${added.name} was added${added.missing_count ? ` with ${added.missing_count} missing episodes` : ''}.`, 'ok'));
      navigate(seriesPath(added.key));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      this.adding = false;
    }
  }

  render() {
    return html`
      <div class="page-header"><h1>Add a series</h1><a class="button" href=${toUrl('/library/import')}>${icon('import')}Import existing folders instead</a></div>
      <form class="search" role="search" @submit=${this.#search}>
        <label class="visually-hidden" for="term">Series name</label>
        <input id="term" type="search" placeholder="Search the provider, e.g. Frieren" autocomplete="off" .value=${this.term} @input=${(event: Event) => { this.term = (event.target as HTMLInputElement).value; }} />
        <button class="primary" type="submit" ?disabled=${this.searching || !this.term.trim()}>${icon('search')}Search</button>
      </form>
      ${this.searching ? html`<aw-progress-bar indeterminate label="Searching"></aw-progress-bar>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.results === undefined && !this.searching ? html`<aw-empty-state heading="Find a series to follow" icon="search"><span slot="text">Type a name and press Enter. Pick a result to see the folder it will get; AniWorld then lists every episode and what is missing.</span></aw-empty-state>` : nothing}
      ${this.results?.length === 0 ? html`<aw-empty-state heading="No results" icon="search"><span slot="text">The provider knows no series called "${this.term}". Try another spelling or the Japanese title.</span></aw-empty-state>` : nothing}
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
        ${result.added ? html`<a class="button" href=${toUrl(seriesPath(result.key))}>${icon('check')}Already in the library</a>`
          : selected ? html`<div class="options">
              <label class="check"><input type="checkbox" .checked=${this.monitored} @change=${(event: Event) => { this.monitored = (event.target as HTMLInputElement).checked; }} />Monitor: track missing episodes of this series</label>
              <div class="field" style="margin: 0">
                <label for="folder-${result.key}">Folder name <span class="hint">(optional)</span></label>
                <input id="folder-${result.key}" type="text" placeholder=${this.#defaultFolder(result)} .value=${this.folder} @input=${(event: Event) => { this.folder = (event.target as HTMLInputElement).value; }} />
                <span class="preview">Files go to: &lt;media folder&gt;/${this.folder.trim() || this.#defaultFolder(result)}/Season 01/…</span>
                ${this.folder.trim() || result.year ? nothing : html`<span class="hint">Leave it empty to use the title and the first-aired year from the provider.</span>`}
              </div>
              <div class="row">
                <button type="button" class="primary" ?disabled=${this.adding} @click=${() => void this.#add(result)}>${icon('plus')}${this.adding ? 'Adding…' : 'Add series'}</button>
                <button type="button" @click=${() => { this.selected = undefined; }}>Cancel</button>
              </div>
            </div>`
          : html`<button type="button" @click=${() => this.#select(result)}>${icon('plus')}Add…</button>`}
      </div>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'aw-add-series-page': AwAddSeriesPage }
}
