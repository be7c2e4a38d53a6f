import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import { applyLibraryRename, applyRename, previewLibraryRename, previewRename, type RenameClash, type RenamePlan } from '../../data/organize.ts';
import { Loader } from '../../data/loader.ts';
import { loadState } from '../../components/aw-load-state.ts';
import { ToastEvent } from '../../components/events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { icon } from '../../components/icons.ts';
import { seriesPath } from '../../routes.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-empty-state.ts';
import { toUrl } from '../../base.ts';
import { t } from '../../i18n/locale.ts';

/**
 * Organize: the renames that bring existing files to the naming templates, shown before anything
 * moves (for one series with `?series=<key>`, else for the whole library), then applied on request.
 */
@customElement('aw-organize-page')
export class AwOrganizePage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .back { display: inline-flex; align-items: center; gap: 4px; margin-bottom: 14px; text-decoration: none; font-size: 0.9rem; }
    .intro { color: var(--aw-text-muted); max-width: 75ch; margin-bottom: 16px; }
    section.series { margin-bottom: 20px; }
    section.series h2 { font-size: 1.05rem; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; margin-bottom: 8px; }
    section.series h2 .folder { font-family: var(--aw-mono); font-size: 0.8rem; color: var(--aw-text-muted); font-weight: 400; }
    td.path { font-family: var(--aw-mono); font-size: 0.8rem; word-break: break-all; }
    tr.companion td.path { padding-left: 28px; color: var(--aw-text-muted); }
    td.arrow { width: 1%; color: var(--aw-text-muted); }
    .clashes { margin-top: 8px; }
    .clashes li { margin: 4px 0; }
    .clashes code { font-family: var(--aw-mono); font-size: 0.8rem; word-break: break-all; }
    .apply { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 4px 0 18px; }
  `,
  ];

  @property({ attribute: false }) query = new URLSearchParams();
  @consume({ context: apiContext }) private api!: ApiClient;
  /** The preview of one series or of the library; a new query aborts the load before it. */
  readonly #plans = new Loader<RenamePlan[]>(this, async (signal) => {
    const key = this.#key;
    return key ? [await previewRename(this.api, key, signal)] : (await previewLibraryRename(this.api, signal)).series;
  });
  @state() private applying = false;

  get #key(): string | undefined {
    return this.query.get('series') ?? undefined;
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('query') && changed.get('query') !== undefined) void this.#load();
  }

  get plans(): RenamePlan[] | undefined {
    return this.#plans.value;
  }

  async #load(): Promise<void> {
    await this.#plans.run({ reset: true });
  }

  async #apply(): Promise<void> {
    const plans = this.plans ?? [];
    const files = plans.reduce((sum, plan) => sum + plan.moves.length, 0);
    if (this.applying || files === 0) return;
    const answer = await confirmDialog({
      heading: t('organize.confirmTitle'),
      message: t('organize.confirmText', { count: files }),
      confirmLabel: t('organize.apply', { count: files }),
    });
    if (!answer.confirmed) return;
    this.applying = true;
    try {
      const key = this.#key;
      const keys = plans.filter((plan) => plan.moves.length > 0).map((plan) => plan.key);
      const results = key ? [await applyRename(this.api, key)] : (await applyLibraryRename(this.api, keys)).series;
      const moved = results.reduce((sum, result) => sum + result.moves.length, 0);
      const failed = results.reduce((sum, result) => sum + result.failed.length, 0);
      this.dispatchEvent(
        new ToastEvent(failed > 0 ? t('organize.appliedWithFailures', { moved, failed }) : t('organize.applied', { count: moved }), failed > 0 ? 'warn' : 'ok'),
      );
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    } finally {
      this.applying = false;
    }
  }

  render() {
    const key = this.#key;
    const back = key
      ? html`<a class="back" href=${toUrl(seriesPath(key))}>${icon('left', 16)}${this.plans?.[0]?.name ?? t('route.series')}</a>`
      : html`<a class="back" href=${toUrl('/library')}>${icon('left', 16)}${t('nav.library')}</a>`;
    return html`${back}
      <div class="page-header"><h1>${t('route.organize')}</h1></div>
      <p class="intro">${t('organize.intro')}</p>
      ${loadState(this.#plans, () => void this.#load())}
      ${this.#body()}`;
  }

  #body() {
    const plans = this.plans;
    if (plans === undefined) return nothing;
    const files = plans.reduce((sum, plan) => sum + plan.moves.length, 0);
    const clashes = plans.reduce((sum, plan) => sum + plan.clashes.length, 0);
    if (files === 0 && clashes === 0) {
      return html`<aw-empty-state heading=${t('organize.nothingTitle')} icon="check"><span slot="text">${t('organize.nothingText')}</span></aw-empty-state>`;
    }
    return html`
      <div class="apply">
        <button type="button" class="primary" aria-disabled=${files === 0 || this.applying ? 'true' : 'false'} @click=${() => void this.#apply()}>${icon('check')}${t('organize.apply', { count: files })}</button>
        <span class="small muted" aria-live="polite">${t('organize.summary', { files, series: plans.filter((plan) => plan.moves.length > 0).length, clashes })}</span>
      </div>
      ${plans.map((plan) => this.#plan(plan))}`;
  }

  #plan(plan: RenamePlan) {
    return html`<section class="series" aria-labelledby=${`plan-${plan.key}`}>
      <h2 id=${`plan-${plan.key}`}><a href=${toUrl(seriesPath(plan.key))}>${plan.name}</a><span class="folder">${plan.folder}</span></h2>
      ${
        plan.moves.length > 0
          ? html`<div class="table-wrap"><table>
        <thead><tr><th>${t('organize.colFrom')}</th><th class="arrow"><span class="visually-hidden">${t('organize.colArrow')}</span></th><th>${t('organize.colTo')}</th></tr></thead>
        <tbody>${plan.moves.map(
          (move) => html`<tr class=${move.kind}>
          <td class="path">${move.from}</td><td class="arrow" aria-hidden="true">→</td><td class="path">${move.to}</td>
        </tr>`,
        )}</tbody>
      </table></div>`
          : nothing
      }
      ${
        plan.clashes.length > 0
          ? html`<div class="notice warn clashes" role="note"><strong>${t('organize.clashesTitle', { count: plan.clashes.length })}</strong>
        <ul>${plan.clashes.map((clash) => html`<li><code>${clash.from}</code> → <code>${clash.to}</code>: ${this.#reason(clash)}</li>`)}</ul></div>`
          : nothing
      }
    </section>`;
  }

  #reason(clash: RenameClash): string {
    switch (clash.reason) {
      case 'exists':
        return t('organize.reasonExists');
      case 'duplicate':
        return t('organize.reasonDuplicate');
      default:
        return t('organize.reasonUnsafe');
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-organize-page': AwOrganizePage;
  }
}
