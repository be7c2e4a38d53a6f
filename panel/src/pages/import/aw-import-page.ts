import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import {
  ignoredFolders,
  ignoreFolder,
  importAll,
  importCandidates,
  importFolder,
  searchAnime,
  unignoreFolder,
  type ImportCandidate,
} from '../../data/library.ts';
import { LiveEvents } from '../../data/live-events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-poster.ts';
import '../../components/aw-empty-state.ts';
import '../../components/aw-load-state.ts';
import '../../components/aw-progress-bar.ts';
import { toUrl } from '../../base.ts';
import { t } from '../../i18n/locale.ts';

type Suggestion = ImportCandidate['suggestions'][number];
const PAGE = 10;

/** Folders in the media folder that no series owns, each with suggested matches to confirm. */
@customElement('aw-import-page')
export class AwImportPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .folder { margin-bottom: 14px; }
    .folder header { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 12px; }
    .folder header h2 { font-family: var(--aw-mono); font-size: 0.95rem; margin-right: auto; word-break: break-all; display: flex; gap: 8px; align-items: center; }
    .suggestions { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 10px; }
    .suggestion { display: grid; grid-template-columns: 54px 1fr; gap: 10px; align-items: center; padding: 8px; border: 1px solid var(--aw-border); border-radius: 8px; background: var(--aw-surface-2); }
    .suggestion.chosen { border-color: var(--aw-accent); box-shadow: 0 0 0 1px var(--aw-accent); background: var(--aw-accent-soft); }
    .suggestion button { justify-self: start; margin-top: 4px; min-height: 30px; padding: 4px 10px; }
    .suggestion .name { font-weight: 600; font-size: 0.9rem; line-height: 1.25; }
    .manual { display: flex; gap: 8px; margin-top: 12px; flex-wrap: wrap; }
    .manual input { flex: 1 1 200px; }
    .ignored { margin-top: 18px; }
    .ignored summary { cursor: pointer; font-weight: 600; }
    .ignored ul { list-style: none; padding: 0; margin: 10px 0 0; display: grid; gap: 6px; }
    .ignored li { display: flex; gap: 10px; align-items: center; justify-content: space-between; font-family: var(--aw-mono); font-size: 0.88rem; }
    .pager { display: flex; gap: 8px; justify-content: center; align-items: center; margin-top: 16px; }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private items: ImportCandidate[] | undefined;
  @state() private total = 0;
  @state() private offset = 0;
  @state() private error = '';
  @state() private loading = false;
  @state() private chosen = new Map<string, Suggestion>();
  @state() private manual = new Map<string, string>();
  @state() private extra = new Map<string, Suggestion[]>();
  @state() private monitored = true;
  @state() private busy = new Set<string>();
  @state() private ignoredCount = 0;
  @state() private ignored: { folder: string; ignored_at: string }[] | undefined;
  @state() private importingAll = false;
  #loading: Promise<void> | undefined;
  #loadAgain = false;

  constructor() {
    super();
    // Folders copied in (or removed) show up without a reload; so do imports from another tab.
    const reload = () => void this.#load();
    new LiveEvents(
      this,
      {
        import_folder_changed: () => {
          reload();
          if (this.ignored) void this.#loadIgnored();
        },
        series_added: reload,
        series_removed: reload,
        scan_complete: (message) => {
          if ((message.data as { scope?: string }).scope !== 'series') reload();
        },
      },
      reload,
    );
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  /** One load at a time; changes that arrive meanwhile end in one more load. A choice made by hand is kept. */
  #load(): Promise<void> {
    if (this.#loading) {
      this.#loadAgain = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      this.loading = true;
      try {
        do {
          this.#loadAgain = false;
          const page = await importCandidates(this.api, this.offset, PAGE);
          this.items = page.items;
          this.total = page.total;
          this.ignoredCount = page.ignored;
          const chosen = new Map<string, Suggestion>();
          for (const item of page.items) {
            const kept = this.chosen.get(item.folder);
            const matched = item.match ? item.suggestions.find((suggestion) => suggestion.key === item.match?.key) : undefined;
            const linked = item.linked_key ? item.suggestions.find((suggestion) => suggestion.key === item.linked_key) : undefined;
            const first = kept ?? matched ?? linked ?? item.suggestions[0];
            if (first) chosen.set(item.folder, first);
          }
          this.chosen = chosen;
        } while (this.#loadAgain);
        this.error = '';
      } catch (error) {
        this.error = errorMessage(error);
      } finally {
        this.loading = false;
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  async #loadIgnored(): Promise<void> {
    try {
      this.ignored = (await ignoredFolders(this.api)).folders;
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #importAll(): Promise<void> {
    const answer = await confirmDialog({ heading: t('import.allTitle'), message: t('import.allText'), confirmLabel: t('import.allConfirm') });
    if (!answer.confirmed) return;
    this.importingAll = true;
    try {
      const result = await importAll(this.api, this.monitored);
      this.dispatchEvent(
        new ToastEvent(
          t('import.allDone', { imported: result.imported.length, skipped: result.skipped.length, failed: result.failed.length }),
          result.failed.length ? 'warn' : 'ok',
        ),
      );
      for (const failure of result.failed)
        this.dispatchEvent(new ToastEvent(t('import.folderFailed', { folder: failure.folder, reason: failure.error.message }), 'error'));
      this.offset = 0;
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      this.importingAll = false;
    }
  }

  async #ignore(folder: string): Promise<void> {
    try {
      await ignoreFolder(this.api, folder);
      this.dispatchEvent(new ToastEvent(t('import.ignoredToast', { folder }), 'info'));
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #unignore(folder: string): Promise<void> {
    try {
      await unignoreFolder(this.api, folder);
      this.dispatchEvent(new ToastEvent(t('import.unignoredToast', { folder }), 'ok'));
      await Promise.all([this.#load(), this.#loadIgnored()]);
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #searchManually(folder: string): Promise<void> {
    const term = this.manual.get(folder)?.trim();
    if (!term) return;
    try {
      const results = await searchAnime(this.api, term);
      this.extra = new Map(this.extra).set(folder, results.slice(0, 8));
      if (results.length === 0) this.dispatchEvent(new ToastEvent(t('import.noneFound', { term }), 'warn'));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #confirm(folder: string): Promise<void> {
    const suggestion = this.chosen.get(folder);
    if (!suggestion) return;
    this.busy = new Set([...this.busy, folder]);
    try {
      const added = await importFolder(this.api, { folder, key: suggestion.key, monitored: this.monitored });
      this.dispatchEvent(
        new ToastEvent(t('import.imported', { folder, name: added.name, onDisk: added.downloaded_count, missing: added.missing_count }), 'ok'),
      );
      this.items = this.items?.filter((item) => item.folder !== folder);
      this.total -= 1;
      if (this.items?.length === 0 && this.total > 0) void this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      const next = new Set(this.busy);
      next.delete(folder);
      this.busy = next;
    }
  }

  render() {
    return html`
      <div class="page-header">
        <h1>${t('route.import')}</h1>
        <label class="check"><input type="checkbox" .checked=${this.monitored} @change=${(event: Event) => {
          this.monitored = (event.target as HTMLInputElement).checked;
        }} />${t('import.monitor')}</label>
        <button type="button" @click=${() => void this.#load()} ?disabled=${this.loading}>${icon('refresh')}${t('common.reload')}</button>
        <button type="button" class="primary" @click=${() => void this.#importAll()} ?disabled=${this.importingAll || this.total === 0}>${icon('import')}${this.importingAll ? t('import.importingAll') : t('import.importAll')}</button>
      </div>
      <p class="muted" style="margin-bottom: 16px">${t('import.lead')}</p>
      ${this.loading ? html`<aw-progress-bar indeterminate label=${t('import.looking')}></aw-progress-bar>` : nothing}
      ${this.error ? html`<aw-load-state state="error" message=${this.error} @aw-retry=${() => void this.#load()}></aw-load-state>` : nothing}
      ${this.items?.length === 0 ? html`<aw-empty-state heading=${t('import.nothingTitle')} icon="check"><span slot="text">${t('import.nothingText')}</span><a class="button primary" href=${toUrl('/library/add')}>${icon('plus')}${t('library.addOne')}</a></aw-empty-state>` : nothing}
      ${this.items?.length ? html`<p class="small muted" style="margin-bottom: 10px">${t('import.unknownFolders', { count: this.total })}</p>` : nothing}
      ${this.items?.map((item) => this.#folder(item))}
      ${
        this.total > PAGE
          ? html`<div class="pager">
        <button type="button" ?disabled=${this.offset === 0} @click=${() => {
          this.offset = Math.max(0, this.offset - PAGE);
          void this.#load();
        }}>${icon('left')}${t('common.previous')}</button>
        <span class="small muted">${t('common.range', { from: this.offset + 1, to: Math.min(this.offset + PAGE, this.total), total: this.total })}</span>
        <button type="button" ?disabled=${this.offset + PAGE >= this.total} @click=${() => {
          this.offset += PAGE;
          void this.#load();
        }}>${t('common.next')}${icon('right')}</button>
      </div>`
          : nothing
      }
      ${
        this.ignoredCount > 0 || this.ignored?.length
          ? html`<details class="card ignored" @toggle=${(event: Event) => {
              if ((event.target as HTMLDetailsElement).open) void this.#loadIgnored();
            }}>
        <summary>${t('import.ignoredList', { count: this.ignored?.length ?? this.ignoredCount })}</summary>
        ${this.ignored === undefined ? nothing : this.ignored.length === 0 ? html`<p class="muted small">${t('import.ignoredNone')}</p>` : html`<ul>${this.ignored.map((entry) => html`<li><span>${entry.folder}</span><button type="button" @click=${() => void this.#unignore(entry.folder)}>${icon('refresh')}${t('import.unignore')}</button></li>`)}</ul>`}
      </details>`
          : nothing
      }`;
  }

  #folder(item: ImportCandidate) {
    const suggestions = [
      ...(this.extra.get(item.folder) ?? []),
      ...item.suggestions.filter((suggestion) => !(this.extra.get(item.folder) ?? []).some((extra) => extra.key === suggestion.key)),
    ];
    const chosen = this.chosen.get(item.folder);
    return html`<section class="card folder" aria-label=${t('import.folderAria', { folder: item.folder })}>
      <header>
        <h2>${icon('folder')}${item.folder}</h2>
        <span class="badge">${t('import.episodeFiles', { count: item.episode_files })}</span>
        ${item.linked_key ? html`<span class="badge info">${t('import.linkedTo', { key: item.linked_key })}</span>` : nothing}
        ${item.match ? html`<span class="badge ok">${icon('check')}${t('import.confident')}</span><span class="small muted">${t(`import.reason.${item.match.reason}`)}</span>` : nothing}
        <button type="button" class="ghost" @click=${() => void this.#ignore(item.folder)}>${icon('eyeOff')}${t('import.ignore')}</button>
        <button type="button" class="primary" ?disabled=${!chosen || this.busy.has(item.folder)} @click=${() => void this.#confirm(item.folder)}>${icon('check')}${chosen ? t('import.importAs', { name: chosen.name }) : t('import.choose')}</button>
      </header>
      ${item.error ? html`<div class="notice warn">${t('import.searchFailed', { reason: item.error })}</div>` : nothing}
      ${
        suggestions.length
          ? html`<div class="suggestions" role="group" aria-label=${t('import.matchesFor', { folder: item.folder })}>
        ${suggestions.map(
          (suggestion) => html`<div class="suggestion ${chosen?.key === suggestion.key ? 'chosen' : ''}">
          <aw-poster .src=${suggestion.cover} .name=${suggestion.name}></aw-poster>
          <div><div class="name">${suggestion.name}</div><div class="small muted">${suggestion.year ? `${suggestion.year} · ` : ''}<code>${suggestion.key}</code></div>
            <button type="button" aria-pressed=${chosen?.key === suggestion.key ? 'true' : 'false'} @click=${() => {
              this.chosen = new Map(this.chosen).set(item.folder, suggestion);
            }}>${chosen?.key === suggestion.key ? t('import.selected') : t('import.useThis')}</button></div>
        </div>`,
        )}
      </div>`
          : html`<p class="muted small">${t('import.noMatch', { query: item.query })}</p>`
      }
      <form class="manual" @submit=${(event: Event) => {
        event.preventDefault();
        void this.#searchManually(item.folder);
      }}>
        <label class="visually-hidden" for="manual-${item.folder}">${t('import.byHand')}</label>
        <input id="manual-${item.folder}" type="search" placeholder=${t('import.byHandPlaceholder')} .value=${this.manual.get(item.folder) ?? ''} @input=${(
          event: Event,
        ) => {
          this.manual = new Map(this.manual).set(item.folder, (event.target as HTMLInputElement).value);
        }} />
        <button type="submit">${icon('search')}${t('add.search')}</button>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-import-page': AwImportPage;
  }
}
