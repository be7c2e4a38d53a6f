import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { errorMessage } from '../data/api-client.ts';
import type { LoadStatus } from '../data/loader.ts';
import { t } from '../i18n/locale.ts';
import { sharedStyles } from '../styles/shared.ts';

/** The "Try again" button of a failed load; the page runs its loader again. */
export class RetryEvent extends Event {
  static readonly eventName = 'aw-retry';

  constructor() {
    super(RetryEvent.eventName, { bubbles: true, composed: true });
  }
}

/** How every page shows a load that is out or failed: one look, one wording, one retry button. */
@customElement('aw-load-state')
export class AwLoadState extends LitElement {
  static styles = [
    sharedStyles,
    css`
    :host { display: block; }
    .pending { display: flex; align-items: center; gap: 10px; padding: 18px 4px; color: var(--aw-text-muted); }
    .spinner { width: 16px; height: 16px; border-radius: 50%; border: 2px solid var(--aw-border); border-top-color: var(--aw-accent); animation: spin 0.8s linear infinite; }
    @keyframes spin { to { transform: rotate(360deg); } }
    @media (prefers-reduced-motion: reduce) { .spinner { animation: none; } }
    .notice { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; margin-bottom: 12px; }
  `,
  ];

  @property() state: 'pending' | 'error' = 'pending';
  /** The error, real cause first (only for `error`). */
  @property() message = '';

  render() {
    if (this.state === 'error') {
      return html`<div class="notice error" role="alert"><span>${this.message}</span>
        <button type="button" @click=${() => this.dispatchEvent(new RetryEvent())}>${t('common.tryAgain')}</button></div>`;
    }
    return html`<div class="pending" role="status" aria-busy="true"><span class="spinner" aria-hidden="true"></span>${t('common.loading')}</div>`;
  }
}

/**
 * The load state of a page's loader: the error (with retry) when the last load failed, "Loading…"
 * while there is nothing to show yet, else nothing (the page shows its value).
 */
export function loadState(loader: { readonly status: LoadStatus; readonly value: unknown; readonly error: unknown }, retry: () => void) {
  if (loader.status === 'error') return html`<aw-load-state state="error" message=${errorMessage(loader.error)} @aw-retry=${retry}></aw-load-state>`;
  if (loader.value === undefined) return html`<aw-load-state state="pending"></aw-load-state>`;
  return nothing;
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-load-state': AwLoadState;
  }
}
