import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { icon } from './icons.ts';
import type { ToastKind } from './events.ts';
import { t } from '../i18n/locale.ts';

interface Toast {
  readonly id: number;
  readonly message: string;
  readonly kind: ToastKind;
}

/** Short messages in the corner; announced to screen readers through a live region. */
@customElement('aw-toaster')
export class AwToaster extends LitElement {
  static styles = css`
    :host { position: fixed; right: 16px; bottom: 16px; z-index: 50; display: grid; gap: 8px; max-width: min(420px, calc(100vw - 32px)); }
    .toast {
      display: flex; gap: 10px; align-items: flex-start; padding: 12px 14px; border-radius: 8px;
      background: var(--aw-surface); color: var(--aw-text); border: 1px solid var(--aw-border);
      border-left: 4px solid var(--aw-info); box-shadow: var(--aw-shadow-lg); font-size: 0.9rem;
    }
    .toast.ok { border-left-color: var(--aw-ok); }
    .toast.error { border-left-color: var(--aw-danger); }
    .toast.warn { border-left-color: var(--aw-warn); }
    .toast span { flex: 1; }
    /* On a phone the toasts sit over the top bar, not over the rows a user is tapping. */
    @media (max-width: 640px) { :host { top: 8px; bottom: auto; left: 8px; right: 8px; max-width: none; } }
    button { border: none; background: none; color: var(--aw-text-muted); cursor: pointer; padding: 0; line-height: 0; }
  `;

  @state() private toasts: Toast[] = [];
  #next = 1;

  show(message: string, kind: ToastKind = 'info'): void {
    const toast = { id: this.#next++, message, kind };
    this.toasts = [...this.toasts.slice(-3), toast];
    setTimeout(() => this.dismiss(toast.id), kind === 'error' || kind === 'warn' ? 9000 : 4500);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  render() {
    return html`<div role="status" aria-live="polite">
      ${repeat(
        this.toasts,
        (toast) => toast.id,
        (toast) => html`<div class="toast ${toast.kind}">
        <span>${toast.message}</span>
        <button type="button" aria-label=${t('common.dismiss')} @click=${() => this.dismiss(toast.id)}>${icon('x', 16)}</button>
      </div>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-toaster': AwToaster;
  }
}
