import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import {
  deleteWebhook,
  isMediaServer,
  listDeliveries,
  listWebhooks,
  testSavedWebhook,
  updateWebhook,
  type Delivery,
  type TestResult,
  type Webhook,
} from '../../data/webhooks.ts';
import { Loader } from '../../data/loader.ts';
import { loadState } from '../../components/aw-load-state.ts';
import { ToastEvent } from '../../components/events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { icon } from '../../components/icons.ts';
import { formatDateTime } from '../../lib/format.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { WebhookSavedEvent } from './webhook-events.ts';
import './aw-webhook-form.ts';
import '../../components/aw-empty-state.ts';
import { t } from '../../i18n/locale.ts';
import { eventLabel, testResultView } from './webhook-text.ts';

/** Webhooks: the list, the form (with a live test) and each hook's delivery log. */
@customElement('aw-notifications-page')
export class AwNotificationsPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .hook header { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
    .hook header h2 { margin-right: auto; display: flex; align-items: center; gap: 8px; }
    .hook .url { font-family: var(--aw-mono); font-size: 0.82rem; color: var(--aw-text-muted); word-break: break-all; margin: 4px 0 8px; }
    .hook .events { display: flex; gap: 4px; flex-wrap: wrap; }
    .test-result { margin-top: 10px; }
    .test-result pre { margin: 6px 0 0; white-space: pre-wrap; word-break: break-all; font-size: 0.8rem; max-height: 140px; overflow: auto; }
    .deliveries { margin-top: 12px; }
    .form-card h2 { margin-bottom: 12px; }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  readonly #hooks = new Loader<Webhook[]>(this, (signal) => listWebhooks(this.api, signal));
  @state() private editing: Webhook | 'new' | undefined;
  @state() private results = new Map<string, TestResult | 'running'>();
  @state() private deliveries = new Map<string, Delivery[]>();

  connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener(WebhookSavedEvent.eventName, (event) => {
      this.dispatchEvent(new ToastEvent(t('hooks.saved', { name: event.hook.name }), 'ok'));
      this.editing = undefined;
      void this.#load();
    });
    void this.#load();
  }

  get hooks(): Webhook[] | undefined {
    return this.#hooks.value;
  }

  async #load(): Promise<void> {
    await this.#hooks.run();
  }

  async #test(hook: Webhook): Promise<void> {
    this.results = new Map(this.results).set(hook.id, 'running');
    try {
      this.results = new Map(this.results).set(hook.id, await testSavedWebhook(this.api, hook.id));
    } catch (error) {
      this.results = new Map(this.results).set(hook.id, {
        success: false,
        status_code: null,
        latency_ms: 0,
        response_excerpt: null,
        error: errorMessage(error),
      });
    }
    if (this.deliveries.has(hook.id)) void this.#toggleLog(hook, true);
  }

  async #toggleLog(hook: Webhook, reload = false): Promise<void> {
    if (this.deliveries.has(hook.id) && !reload) {
      const next = new Map(this.deliveries);
      next.delete(hook.id);
      this.deliveries = next;
      return;
    }
    try {
      const page = await listDeliveries(this.api, hook.id);
      this.deliveries = new Map(this.deliveries).set(hook.id, page.items);
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #setEnabled(hook: Webhook, enabled: boolean): Promise<void> {
    try {
      await updateWebhook(this.api, hook.id, { enabled });
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #delete(hook: Webhook): Promise<void> {
    const answer = await confirmDialog({
      heading: t('hooks.deleteTitle', { name: hook.name }),
      message: t('hooks.deleteText'),
      confirmLabel: t('hooks.delete'),
      danger: true,
    });
    if (!answer.confirmed) return;
    try {
      await deleteWebhook(this.api, hook.id);
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  render() {
    const loadError = this.#hooks.status === 'error' ? this.#hooks.error : undefined;
    if (loadError instanceof ApiError && loadError.status === 404)
      return html`<div class="page-header"><h1>${t('nav.notifications')}</h1></div><aw-empty-state heading=${t('hooks.noApi')} icon="bell"><span slot="text">${t('hooks.noApiText')}</span></aw-empty-state>`;
    return html`
      <div class="page-header">
        <h1>${t('nav.notifications')}</h1>
        ${
          this.editing
            ? nothing
            : html`<button type="button" class="primary" @click=${() => {
                this.editing = 'new';
              }}>${icon('plus')}${t('hooks.add')}</button>`
        }
      </div>
      ${loadState(this.#hooks, () => void this.#load())}
      ${
        this.editing
          ? html`<section class="card form-card" style="margin-bottom: 16px" aria-labelledby="form-h">
        <div class="page-header" style="margin-bottom: 8px"><h2 id="form-h">${this.editing === 'new' ? t('hooks.new') : t('hooks.editTitle', { name: this.editing.name })}</h2>
          <button type="button" class="ghost" @click=${() => {
            this.editing = undefined;
          }}>${icon('x')}${t('common.close')}</button></div>
        <aw-webhook-form .hook=${this.editing === 'new' ? undefined : this.editing}></aw-webhook-form>
      </section>`
          : nothing
      }
      ${
        this.hooks === undefined
          ? nothing
          : this.hooks.length === 0 && !this.editing
            ? html`<aw-empty-state heading=${t('hooks.emptyTitle')} icon="bell"><span slot="text">${t('hooks.emptyText')}</span>
            <button type="button" class="primary" @click=${() => {
              this.editing = 'new';
            }}>${icon('plus')}${t('hooks.addOne')}</button></aw-empty-state>`
            : this.hooks.map((hook) => this.#hook(hook))
      }`;
  }

  #hook(hook: Webhook) {
    const result = this.results.get(hook.id);
    const log = this.deliveries.get(hook.id);
    return html`<article class="card hook" aria-label=${t('hooks.aria', { name: hook.name })}>
      <header>
        <h2>${icon('bell')}${hook.name}</h2>
        <span class="badge accent">${t(`kind.${hook.kind}`)}</span>
        ${hook.enabled ? html`<span class="badge ok">${t('hooks.enabled')}</span>` : html`<span class="badge">${t('hooks.disabled')}</span>`}
      </header>
      <div class="url">${isMediaServer(hook.kind) ? hook.url : `${hook.method} ${hook.url}`}</div>
      <div class="events">${hook.events.map((name) => html`<span class="badge">${eventLabel(name)}</span>`)}</div>
      <div class="toolbar" style="margin-top: 12px">
        <button type="button" ?disabled=${result === 'running'} @click=${() => void this.#test(hook)}>${icon('send', 16)}${result === 'running' ? t('hooks.sending') : t('hooks.test')}</button>
        <button type="button" @click=${() => {
          this.editing = hook;
        }}>${t('hooks.edit')}</button>
        <button type="button" @click=${() => void this.#setEnabled(hook, !hook.enabled)}>${hook.enabled ? t('hooks.disable') : t('hooks.enable')}</button>
        <button type="button" @click=${() => void this.#toggleLog(hook)} aria-expanded=${log ? 'true' : 'false'}>${icon('list', 16)}${t('hooks.log')}</button>
        <button type="button" class="danger" @click=${() => void this.#delete(hook)}>${icon('trash', 16)}${t('hooks.delete')}</button>
      </div>
      ${result && result !== 'running' ? testResultView(result) : nothing}
      ${
        log
          ? html`<div class="deliveries">${
              log.length === 0
                ? html`<p class="muted small">${t('hooks.nothingDelivered')}</p>`
                : html`<div class="table-wrap"><table>
        <thead><tr><th>${t('hooks.colWhen')}</th><th>${t('hooks.colEvent')}</th><th>${t('hooks.colResult')}</th><th>${t('queue.colAttempts')}</th></tr></thead>
        <tbody>${log.map(
          (delivery) => html`<tr>
          <td class="small">${formatDateTime(delivery.created_at)}</td><td class="small">${eventLabel(delivery.event)}</td>
          <td class="small">${
            delivery.status === 'delivered'
              ? html`<span class="badge ok">${t('hooks.delivered')}${delivery.last_status_code ? ` · ${delivery.last_status_code}` : ''}</span>`
              : delivery.status === 'failed'
                ? html`<span class="badge danger">${t('series.failed')}</span> ${delivery.last_error ?? ''}`
                : html`<span class="badge info">${t('hooks.pending')}</span>${delivery.next_attempt_at ? ` · ${t('hooks.nextTry', { when: formatDateTime(delivery.next_attempt_at) })}` : ''}`
          }</td>
          <td class="small">${delivery.attempts}</td>
        </tr>`,
        )}</tbody></table></div>`
            }</div>`
          : nothing
      }
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-notifications-page': AwNotificationsPage;
  }
}
