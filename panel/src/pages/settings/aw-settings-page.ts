import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { getConfig, hosterNotes, LANGUAGES, SUPPORTED_HOSTERS, updateConfig, type ConfigView, type Settings } from '../../data/config.ts';
import { previewNaming, type NamingExample } from '../../data/library.ts';
import { envNameFor, getPath, setPath, settingsPatch } from '../../lib/settings-diff.ts';
import { previewEpisodePath } from '../../lib/naming-preview.ts';
import { ConfigRestoredEvent, LeaveRequestEvent, OrderChangeEvent, ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-load-state.ts';
import '../../components/aw-order-list.ts';
import './aw-security-card.ts';
import './aw-backups-card.ts';
import './aw-language-card.ts';
import { t } from '../../i18n/locale.ts';
import { languageLabel } from '../../lib/language-label.ts';

const TOKENS = ['{Series Title}', '{season:00}', '{episode:00}', '{Episode Title}', '{Language}', '{Year}'];
const LOCAL_EXAMPLES = [
  { seriesTitle: "Frieren: Beyond Journey's End", year: 2023, season: 1, episode: 1, episodeTitle: "The Journey's End", language: 'German Dub' },
  { seriesTitle: 'Demon Slayer', year: 2019, season: 0, episode: 2, episodeTitle: 'Mugen Train', language: 'German Sub' },
];

/** Every setting the user can change, grouped by what it is for; env-pinned keys are locked. */
@customElement('aw-settings-page')
export class AwSettingsPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .layout { display: grid; gap: 16px; max-width: 980px; }
    .locked-hint { display: inline-flex; align-items: center; gap: 4px; color: var(--aw-warn); font-size: 0.8rem; font-weight: 500; }
    .preview { margin-top: 4px; display: grid; gap: 4px; }
    .preview code { display: block; padding: 6px 10px; border-radius: 6px; background: var(--aw-surface-2); border: 1px solid var(--aw-border); word-break: break-all; }
    .tokens { display: flex; flex-wrap: wrap; gap: 6px; }
    .tokens button { min-height: 28px; padding: 2px 8px; font-family: var(--aw-mono); font-size: 0.78rem; font-weight: 500; }
    .savebar {
      position: sticky; bottom: 0; z-index: 5; display: flex; gap: 10px; align-items: center; justify-content: flex-end; flex-wrap: wrap;
      padding: 12px 16px; margin-top: 8px; border-radius: 10px; background: var(--aw-surface); border: 1px solid var(--aw-border); box-shadow: var(--aw-shadow-lg);
    }
    .savebar span { margin-right: auto; font-weight: 560; }
    .unit { display: flex; gap: 8px; align-items: center; }
    .unit input { max-width: 160px; }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private config: ConfigView | undefined;
  @state() private draft: Settings | undefined;
  @state() private error = '';
  @state() private fieldErrors = new Map<string, string>();
  @state() private saving = false;
  @state() private examples: NamingExample[] | undefined;
  @state() private namingError = '';
  #previewTimer: ReturnType<typeof setTimeout> | undefined;

  connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener(ConfigRestoredEvent.eventName, (event) => this.#adopt(event.config as ConfigView));
    window.addEventListener(LeaveRequestEvent.eventName, this.#onLeave);
    window.addEventListener('beforeunload', this.#onUnload);
    void this.#load();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#previewTimer);
    window.removeEventListener(LeaveRequestEvent.eventName, this.#onLeave);
    window.removeEventListener('beforeunload', this.#onUnload);
  }

  /** Unsaved changes are not dropped without a word: the shell asks first (links, Back), the browser on reload or close. */
  readonly #onLeave = (event: Event) => {
    if (Object.keys(this.#patch).length > 0) event.preventDefault();
  };

  readonly #onUnload = (event: BeforeUnloadEvent) => {
    if (Object.keys(this.#patch).length > 0) event.preventDefault();
  };

  async #load(): Promise<void> {
    try {
      this.#adopt(await getConfig(this.api));
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  #adopt(config: ConfigView): void {
    this.config = config;
    const { overridden_by_env: _locked, ...settings } = config;
    this.draft = structuredClone(settings) as Settings;
    this.fieldErrors = new Map();
    this.#schedulePreview();
  }

  get #patch(): Record<string, unknown> {
    if (!this.config || !this.draft) return {};
    return settingsPatch(this.config as unknown as Record<string, unknown>, this.draft as unknown as Record<string, unknown>, this.config.overridden_by_env);
  }

  #locked(path: string): boolean {
    return this.config?.overridden_by_env.includes(path) ?? false;
  }

  #set(path: string, value: unknown): void {
    if (!this.draft) return;
    this.draft = setPath(this.draft as unknown as Record<string, unknown>, path, value) as unknown as Settings;
    if (this.fieldErrors.has(path)) {
      const next = new Map(this.fieldErrors);
      next.delete(path);
      this.fieldErrors = next;
    }
    if (path.startsWith('naming.')) this.#schedulePreview();
  }

  #schedulePreview(): void {
    clearTimeout(this.#previewTimer);
    this.#previewTimer = setTimeout(() => void this.#preview(), 250);
  }

  async #preview(): Promise<void> {
    if (!this.draft) return;
    const templates = { episode_template: this.draft.naming.episode_template, season_folder_template: this.draft.naming.season_folder_template };
    try {
      this.examples = (await previewNaming(this.api, templates)).examples;
      this.namingError = '';
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // Older server without the preview route: render the examples here.
        const local = LOCAL_EXAMPLES.map((example) =>
          previewEpisodePath({
            folder: `${example.seriesTitle} (${example.year})`,
            seasonTemplate: templates.season_folder_template,
            episodeTemplate: templates.episode_template,
            example,
          }),
        );
        this.examples = local.map((preview, index) => ({
          series: LOCAL_EXAMPLES[index].seriesTitle,
          season: LOCAL_EXAMPLES[index].season,
          episode: LOCAL_EXAMPLES[index].episode,
          path: preview.path,
        }));
        const unknown = local.flatMap((preview) => preview.unknownTokens);
        this.namingError = unknown.length ? t('settings.unknownToken', { tokens: [...new Set(unknown)].join(', ') }) : '';
      } else {
        this.namingError = errorMessage(error);
      }
    }
  }

  async #save(): Promise<void> {
    const patch = this.#patch;
    if (Object.keys(patch).length === 0) return;
    // The preview already knows the template is broken: say so at the field instead of saving it.
    if (this.namingError) {
      this.fieldErrors = new Map(this.fieldErrors).set('naming.episode_template', this.namingError);
      this.dispatchEvent(new ToastEvent(t('settings.notSaved', { reason: this.namingError }), 'error'));
      this.renderRoot.querySelector<HTMLInputElement>('#f-naming-episode_template')?.focus();
      return;
    }
    this.saving = true;
    try {
      this.#adopt(await updateConfig(this.api, patch));
      this.dispatchEvent(new ToastEvent(t('settings.saved'), 'ok'));
    } catch (error) {
      if (error instanceof ApiError && error.details.length) {
        this.fieldErrors = new Map(
          error.details.filter((detail) => detail.path).map((detail) => [String(detail.path).replace(/^settings\./, ''), detail.message]),
        );
      }
      this.dispatchEvent(new ToastEvent(t('settings.notSaved', { reason: errorMessage(error) }), 'error'));
    } finally {
      this.saving = false;
    }
  }

  /** Label, control, hint, lock and error for one settings key. */
  #field(path: string, label: string, control: (locked: boolean) => TemplateResult, hint?: string | TemplateResult) {
    const locked = this.#locked(path);
    const error = this.fieldErrors.get(path);
    const id = `f-${path.replace(/\./g, '-')}`;
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${control(locked)}
      ${locked ? html`<span class="locked-hint">${icon('key', 13)}${t('settings.lockedThere', { name: envNameFor(path) })}</span>` : nothing}
      ${hint ? html`<span class="hint">${hint}</span>` : nothing}
      ${error ? html`<span class="error" role="alert">${error}</span>` : nothing}
    </div>`;
  }

  #text(path: string, label: string, hint?: string, placeholder = '') {
    const id = `f-${path.replace(/\./g, '-')}`;
    return this.#field(
      path,
      label,
      (locked) => html`<input id=${id} type="text" spellcheck="false" placeholder=${placeholder} ?disabled=${locked}
      .value=${String(getPath(this.draft as never, path) ?? '')} @input=${(event: Event) => this.#set(path, (event.target as HTMLInputElement).value)} />`,
      hint,
    );
  }

  #number(path: string, label: string, options: { min?: number; max?: number; step?: number; hint?: string; unit?: string; scale?: number } = {}) {
    const id = `f-${path.replace(/\./g, '-')}`;
    const scale = options.scale ?? 1;
    const raw = Number(getPath(this.draft as never, path) ?? 0);
    return this.#field(
      path,
      label,
      (
        locked,
      ) => html`<div class="unit"><input id=${id} type="number" min=${options.min ?? 0} max=${options.max ?? ''} step=${options.step ?? 1} ?disabled=${locked}
      .value=${String(Math.round((raw / scale) * 100) / 100)} @input=${(event: Event) => {
        const value = (event.target as HTMLInputElement).valueAsNumber;
        if (Number.isFinite(value)) this.#set(path, Math.round(value * scale));
      }} />${options.unit ? html`<span class="muted small">${options.unit}</span>` : nothing}</div>`,
      options.hint,
    );
  }

  #toggle(path: string, label: string, hint?: string) {
    const locked = this.#locked(path);
    return html`<div class="field">
      <label class="check"><input type="checkbox" ?disabled=${locked} .checked=${Boolean(getPath(this.draft as never, path))} @change=${(event: Event) => this.#set(path, (event.target as HTMLInputElement).checked)} />${label}</label>
      ${locked ? html`<span class="locked-hint">${icon('key', 13)}${t('settings.locked', { name: envNameFor(path) })}</span>` : nothing}
      ${hint ? html`<span class="hint">${hint}</span>` : nothing}
    </div>`;
  }

  #insertToken(token: string): void {
    if (!this.draft) return;
    this.#set('naming.episode_template', `${this.draft.naming.episode_template}${token}`);
  }

  render() {
    const draft = this.draft;
    if (this.error || !draft)
      return html`<aw-load-state state=${this.error ? 'error' : 'pending'} message=${this.error} @aw-retry=${() => {
        this.error = '';
        void this.#load();
      }}></aw-load-state>`;
    const changes = Object.keys(this.#patch).length;
    const watchMode = !draft.library.watch ? 'off' : draft.library.watch_polling ? 'polling' : 'events';
    return html`<div class="page-header"><h1>${t('nav.settings')}</h1></div>
    <div class="layout">
      <section class="card" aria-labelledby="library-h">
        <h2 id="library-h">${t('nav.library')}</h2>
        <p class="card-intro">${t('settings.libraryIntro')}</p>
        ${this.#text('anime_directory', t('setup.folder'), t('settings.folderHint'), '/media/anime')}
        ${this.#field(
          'library.watch',
          t('settings.watch'),
          (locked) => html`<select id="f-library-watch" ?disabled=${locked || this.#locked('library.watch_polling')}
            @change=${(event: Event) => {
              const mode = (event.target as HTMLSelectElement).value;
              this.#set('library.watch', mode !== 'off');
              this.#set('library.watch_polling', mode === 'polling');
            }}>
            <option value="events" ?selected=${watchMode === 'events'}>${t('settings.watchEvents')}</option>
            <option value="polling" ?selected=${watchMode === 'polling'}>${t('settings.watchPolling')}</option>
            <option value="off" ?selected=${watchMode === 'off'}>${t('settings.watchOff')}</option>
          </select>`,
          t('settings.watchHint'),
        )}
      </section>

      <section class="card" aria-labelledby="schedule-h">
        <h2 id="schedule-h">${t('settings.schedules')}</h2>
        <p class="card-intro">${t('settings.schedulesIntro')}</p>
        <div class="grid-2">
          ${this.#number('library.rescan_interval_hours', t('settings.rescanEvery'), { min: 0, max: 720, step: 0.5, unit: t('settings.hours') })}
          ${this.#number('library.refresh_interval_hours', t('settings.refreshEvery'), { min: 0, max: 720, step: 0.5, unit: t('settings.hours') })}
          ${this.#number('library.activity_retention_days', t('settings.activityRetention'), { min: 1, max: 3650, step: 1, unit: t('settings.days') })}
          ${this.#number('backups.database_keep', t('settings.backupsKeep'), { min: 1, max: 100, step: 1, unit: t('settings.backupsUnit') })}
        </div>
        ${this.#toggle('downloads.queue_missing_after_scan', t('settings.queueAfterScan'), t('settings.queueAfterScanHint'))}
        ${this.#toggle('downloads.upgrade_language', t('settings.upgradeLanguage'), t('settings.upgradeLanguageHint'))}
      </section>

      <section class="card" aria-labelledby="naming-h">
        <h2 id="naming-h">${t('settings.naming')}</h2>
        <p class="card-intro">${t('settings.namingIntro')}</p>
        ${this.#text('naming.episode_template', t('settings.episodeName'))}
        <div class="tokens" role="group" aria-label=${t('settings.insertToken')}>${TOKENS.map((token) => html`<button type="button" @click=${() => this.#insertToken(token)}>${token}</button>`)}</div>
        <div style="height: 12px"></div>
        ${this.#text('naming.season_folder_template', t('settings.seasonFolder'))}
        <div class="field">
          <span id="preview-label" style="font-weight: 560; font-size: 0.9rem">${t('settings.preview')}</span>
          ${this.namingError ? html`<span class="error" role="alert">${this.namingError}</span>` : nothing}
          <div class="preview" aria-labelledby="preview-label" aria-live="polite">${this.examples?.map((example) => html`<code>${example.path}</code>`) ?? html`<span class="muted small">…</span>`}</div>
        </div>
        <div class="grid-2">
          ${this.#toggle('naming.write_nfo', t('settings.nfo'), t('settings.nfoHint'))}
          ${this.#toggle('naming.write_poster', t('settings.poster'))}
        </div>
      </section>

      <section class="card" aria-labelledby="downloads-h">
        <h2 id="downloads-h">${t('settings.downloads')}</h2>
        <p class="card-intro">${t('settings.downloadsIntro')}</p>
        <div class="grid-2">
          ${this.#field(
            'downloads.languages',
            t('settings.languages'),
            (
              locked,
            ) => html`<aw-order-list id="f-downloads-languages" label=${t('settings.languagesOrder')} .labelOf=${languageLabel} .options=${LANGUAGES} .value=${draft.downloads.languages} ?disabled=${locked}
              @aw-order-change=${(event: OrderChangeEvent) => this.#set('downloads.languages', event.value)}></aw-order-list>`,
          )}
          ${this.#field(
            'downloads.hosters',
            t('settings.hosters'),
            (
              locked,
            ) => html`<aw-order-list id="f-downloads-hosters" label=${t('settings.hostersOrder')} .options=${SUPPORTED_HOSTERS} .value=${draft.downloads.hosters} .notes=${hosterNotes(draft.downloads.hosters)} ?disabled=${locked}
              @aw-order-change=${(event: OrderChangeEvent) => this.#set('downloads.hosters', event.value)}></aw-order-list>`,
          )}
        </div>
        <div class="grid-2">
          ${this.#number('downloads.concurrency', t('settings.concurrency'), { min: 1, max: 16 })}
          ${this.#number('downloads.speed_limit_bytes_per_second', t('settings.speedLimit'), { min: 0, step: 0.5, unit: t('settings.speedUnit'), scale: 1024 * 1024 })}
          ${this.#number('downloads.max_attempts', t('settings.attempts'), { min: 1, max: 20 })}
        </div>
      </section>

      <section class="card" aria-labelledby="advanced-h">
        <h2 id="advanced-h">${t('settings.advanced')}</h2>
        <p class="card-intro">${t('settings.advancedIntro')}</p>
        ${this.#text('provider.url', t('settings.providerUrl'), t('settings.providerUrlHint'))}
        <div class="grid-2">
          ${this.#number('provider.requests_per_second', t('settings.rps'), { min: 0.1, max: 50, step: 0.1 })}
          ${this.#field(
            'logging.level',
            t('settings.logLevel'),
            (
              locked,
            ) => html`<select id="f-logging-level" ?disabled=${locked} @change=${(event: Event) => this.#set('logging.level', (event.target as HTMLSelectElement).value)}>
              ${['error', 'warn', 'info', 'debug', 'trace'].map((level) => html`<option value=${level} ?selected=${draft.logging.level === level}>${level}</option>`)}</select>`,
          )}
          ${this.#number('auth.session_hours', t('settings.sessionLength'), { min: 1, max: 168, unit: t('settings.hours') })}
          ${this.#number('auth.remember_days', t('settings.rememberDays'), { min: 1, max: 365, unit: t('settings.days') })}
        </div>
      </section>

      ${
        changes > 0
          ? html`<div class="savebar" role="region" aria-label=${t('settings.unsaved')}>
        <span>${t('settings.changed', { count: changes })}</span>
        <button type="button" @click=${() => this.config && this.#adopt(this.config)}>${t('settings.discard')}</button>
        <button type="button" class="primary" ?disabled=${this.saving} @click=${() => void this.#save()}>${this.saving ? t('common.saving') : t('settings.save')}</button>
      </div>`
          : nothing
      }

      <aw-language-card></aw-language-card>
      <aw-security-card></aw-security-card>
      <aw-backups-card></aw-backups-card>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-settings-page': AwSettingsPage;
  }
}
