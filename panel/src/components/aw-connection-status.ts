import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LiveState } from '../data/live.ts';
import { t } from '../i18n/locale.ts';

/** The live-update connection as a dot and a word; click to retry while disconnected. */
@customElement('aw-connection-status')
export class AwConnectionStatus extends LitElement {
  static styles = css`
    :host { display: inline-flex; }
    button {
      display: inline-flex; align-items: center; gap: 7px; font: inherit; font-size: 0.82rem; font-weight: 600;
      padding: 4px 10px; border-radius: 999px; border: 1px solid var(--aw-border); background: var(--aw-surface); color: var(--aw-text-muted); cursor: pointer;
    }
    button:focus-visible { outline: none; box-shadow: var(--aw-focus); }
    .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--aw-text-muted); }
    :host([state="open"]) .dot { background: var(--aw-ok); box-shadow: 0 0 0 3px var(--aw-ok-soft); }
    :host([state="connecting"]) .dot, :host([state="reconnecting"]) .dot { background: var(--aw-warn); animation: pulse 1.2s infinite; }
    :host([state="idle"]) .dot, :host([state="unauthorized"]) .dot { background: var(--aw-danger); }
    @keyframes pulse { 50% { opacity: 0.3; } }
    @media (max-width: 520px) { .text { display: none; } }
  `;

  @property({ reflect: true }) state: LiveState = 'idle';

  render() {
    const label = t(`live.${this.state}`);
    return html`<button type="button" title=${this.state === 'open' ? t('live.onTitle') : t('live.offTitle')}
      aria-label=${t('live.aria', { state: label })}>
      <span class="dot"></span><span class="text">${label}</span>
    </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-connection-status': AwConnectionStatus;
  }
}
