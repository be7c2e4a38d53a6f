import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import { getChecklist, type Checklist, type ChecklistItemId } from '../../data/system.ts';
import { updateConfig } from '../../data/config.ts';
import { ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { toUrl } from '../../base.ts';
import { t, type MessageKey } from '../../i18n/locale.ts';

/** Where each item is put right, and the words for it. */
const ITEMS: Record<ChecklistItemId, { label: MessageKey; fix: MessageKey; href: string }> = {
  provider: { label: 'checklist.provider', fix: 'checklist.providerFix', href: '/system' },
  media: { label: 'checklist.media', fix: 'checklist.mediaFix', href: '/settings' },
  languages: { label: 'checklist.languages', fix: 'checklist.languagesFix', href: '/settings' },
  connection: { label: 'checklist.connection', fix: 'checklist.connectionFix', href: '/notifications' },
};

/**
 * The first-run checklist on the library page: shown on an install that is not set up yet until
 * it is hidden (a setting, so it stays hidden in every browser). An install that has everything
 * when the page opens never shows it.
 */
@customElement('aw-first-run-checklist')
export class AwFirstRunChecklist extends LitElement {
  static styles = [
    sharedStyles,
    css`
    :host { display: block; }
    ul { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 6px; }
    li { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; padding: 8px 10px; border: 1px solid var(--aw-border); border-radius: 8px; }
    li .what { flex: 1 1 240px; display: flex; align-items: center; gap: 8px; }
    li.done .what { color: var(--aw-text-muted); }
    .mark { display: inline-flex; width: 22px; height: 22px; border-radius: 50%; align-items: center; justify-content: center; border: 2px solid var(--aw-border); flex: none; }
    li.done .mark { background: var(--aw-ok); border-color: var(--aw-ok); color: #fff; }
    .detail { flex-basis: 100%; margin-left: 30px; }
    .actions { display: flex; gap: 6px; flex-wrap: wrap; }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private checklist: Checklist | undefined;
  @state() private shown = false;

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load(true);
  }

  async #load(first = false): Promise<void> {
    try {
      const checklist = await getChecklist(this.api);
      this.checklist = checklist;
      if (first) this.shown = !checklist.dismissed && !checklist.complete;
    } catch {
      // An older server without the checklist: nothing to show.
      this.shown = false;
    }
  }

  async #dismiss(): Promise<void> {
    try {
      await updateConfig(this.api, { onboarding: { checklist_dismissed: true } });
      this.shown = false;
      // Focus would fall to <body> with the card gone: the page's heading takes it.
      this.dispatchEvent(new Event('checklist-dismissed', { bubbles: true, composed: true }));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #keepLanguages(): Promise<void> {
    try {
      await updateConfig(this.api, { onboarding: { languages_confirmed: true } });
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  render() {
    const checklist = this.checklist;
    if (!this.shown || !checklist) return nothing;
    const done = checklist.items.filter((item) => item.done).length;
    return html`<section class="card" aria-labelledby="checklist-h">
      <div class="page-header" style="margin-bottom: 4px"><h2 id="checklist-h">${t('checklist.title')}</h2>
        <button type="button" class="ghost" @click=${() => void this.#dismiss()}>${icon('x')}${t('checklist.dismiss')}</button></div>
      <p class="card-intro">${t('checklist.intro')} <span class="muted">${t('checklist.progress', { done, total: checklist.items.length })}</span></p>
      <ul>${checklist.items.map((item) => {
        const words = ITEMS[item.id];
        return html`<li class=${item.done ? 'done' : ''} data-item=${item.id}>
          <span class="what"><span class="mark" aria-hidden="true">${item.done ? icon('check', 14) : nothing}</span>
            <span>${t(words.label)} <span class="visually-hidden">(${item.done ? t('checklist.done') : t('checklist.todo')})</span></span></span>
          <span class="actions">
            ${item.id === 'languages' && !item.done ? html`<button type="button" @click=${() => void this.#keepLanguages()}>${t('checklist.languagesKeep')}</button>` : nothing}
            <a class="button" href=${toUrl(words.href)}>${t(words.fix)}</a>
          </span>
          ${
            item.id === 'languages' && item.detail
              ? html`<span class="detail small muted">${t('checklist.languagesNow', { languages: item.detail })}</span>`
              : !item.done && item.detail
                ? html`<span class="detail small muted">${item.detail}</span>`
                : nothing
          }
        </li>`;
      })}</ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-first-run-checklist': AwFirstRunChecklist;
  }
}
