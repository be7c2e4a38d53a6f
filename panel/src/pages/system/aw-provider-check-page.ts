import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext, liveContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import type { LiveConnection } from '../../data/live.ts';
import {
  giveUpCheck,
  listProviderChecks,
  NAMED_KEYS,
  nextFrame,
  sendCheckInput,
  type CheckFrame,
  type CheckInput,
  type ProviderCheck,
} from '../../data/provider-checks.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { t } from '../../i18n/locale.ts';

/**
 * A person solves a provider check from here (a phone is enough): the server's browser tab as
 * live screencast frames, taps and clicks on the picture and keys typed into the field below
 * forwarded to the tab. The page ends by itself when the server says the check is over.
 */
@customElement('aw-provider-check-page')
export class AwProviderCheckPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    :host { display: block; max-width: 1000px; }
    .view { position: relative; border: 1px solid var(--aw-border); border-radius: 8px; overflow: hidden; background: var(--aw-surface); margin: 12px 0; }
    .view img { display: block; width: 100%; height: auto; cursor: crosshair; touch-action: manipulation; }
    .view .empty { padding: 48px; text-align: center; color: var(--aw-text-muted); }
    .keys { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
    .keys label { display: grid; gap: 4px; flex: 1 1 240px; }
    .hint { color: var(--aw-text-muted); font-size: 0.85rem; }
    p { margin: 0 0 8px; }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  @consume({ context: liveContext }) private live!: LiveConnection;
  @property({ attribute: false }) params: Readonly<Record<string, string>> = {};
  @state() private check: ProviderCheck | undefined;
  @state() private frame: CheckFrame | undefined;
  @state() private ended: 'passed' | 'gave_up' | 'none' | undefined;
  @state() private error = '';
  #stop = new AbortController();
  #unsubscribe: (() => void) | undefined;
  /** Inputs go one after another, in the order the person made them. */
  #sending: Promise<unknown> = Promise.resolve();

  get #site(): string {
    return this.params.site ?? '';
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.#stop = new AbortController();
    this.#unsubscribe = this.live.subscribe('provider_check', (message) => {
      const data = message.data as { site?: string; state?: string };
      if (data.site !== this.#site || data.state === 'waiting') return;
      this.ended = data.state === 'passed' ? 'passed' : 'gave_up';
      this.#stop.abort();
    });
    void this.#start();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop.abort();
    this.#unsubscribe?.();
    if (this.frame) URL.revokeObjectURL(this.frame.url);
  }

  async #start(): Promise<void> {
    try {
      this.check = (await listProviderChecks(this.api)).find((check) => check.site === this.#site);
      if (!this.check) {
        this.ended ??= 'none';
        return;
      }
      await this.#frames();
    } catch (error) {
      if (!this.#stop.signal.aborted) this.error = errorMessage(error);
    }
  }

  /** Long poll for frames until the check ends or the page is left. */
  async #frames(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      let next: CheckFrame | undefined;
      try {
        next = await nextFrame(this.api, this.#site, this.frame?.seq ?? 0, signal);
      } catch (error) {
        if (signal.aborted) return;
        // 404: the check is over (the WebSocket usually says so first).
        if ((error as { status?: number }).status === 404) this.ended ??= 'passed';
        else this.error = errorMessage(error);
        return;
      }
      if (!next) continue;
      if (this.frame) URL.revokeObjectURL(this.frame.url);
      this.frame = next;
    }
  }

  #send(input: CheckInput): void {
    this.#sending = this.#sending
      .then(() => sendCheckInput(this.api, this.#site, input))
      .catch((error: unknown) => {
        this.error = errorMessage(error);
      });
  }

  readonly #onClick = (event: MouseEvent) => {
    const image = event.currentTarget as HTMLImageElement;
    if (!this.frame) return;
    const box = image.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * this.frame.width;
    const y = ((event.clientY - box.top) / box.height) * this.frame.height;
    this.#send({ type: 'click', x: Math.round(x), y: Math.round(y) });
  };

  readonly #onKeyDown = (event: KeyboardEvent) => {
    if (event.isComposing) return;
    if (NAMED_KEYS.has(event.key)) {
      event.preventDefault();
      this.#send({ type: 'key', key: event.key });
    }
  };

  /** Text arrives as input events (phone keyboards send no usable key codes); the field stays empty. */
  readonly #onInput = (event: InputEvent) => {
    const field = event.currentTarget as HTMLInputElement;
    const text = field.value;
    field.value = '';
    if (text) this.#send({ type: 'text', text });
  };

  render() {
    const site = this.#site;
    if (this.ended) {
      const message = this.ended === 'passed' ? t('check.passed') : this.ended === 'gave_up' ? t('check.gaveUp') : t('check.none');
      return html`<div class="notice ${this.ended === 'passed' ? 'ok' : this.ended === 'none' ? '' : 'warn'}" role="status">${message}</div>`;
    }
    return html`
      <p>${t('check.intro', { site })}</p>
      ${this.check ? html`<p class="hint">${t('check.reason', { reason: this.check.reason })}</p>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <div class="view">
        ${
          this.frame
            ? html`<img src=${this.frame.url} alt=${t('check.view')} width=${this.frame.width} height=${this.frame.height} @click=${this.#onClick} />`
            : html`<div class="empty" role="status">${t('check.waitingFrame')}</div>`
        }
      </div>
      <div class="keys">
        <label>${t('check.typeLabel')}
          <input type="text" autocomplete="off" autocapitalize="off" spellcheck="false" @keydown=${this.#onKeyDown} @input=${this.#onInput} />
          <span class="hint">${t('check.typeHint')}</span>
        </label>
        <button type="button" @click=${() => this.#send({ type: 'key', key: 'Enter' })}>${t('check.enter')}</button>
        <button type="button" class="ghost" @click=${() => {
          giveUpCheck(this.api, site).catch((error: unknown) => {
            this.error = errorMessage(error);
          });
        }}>${t('check.giveUp')}</button>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-provider-check-page': AwProviderCheckPage;
  }
}
