import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { formatPercent, toPercent } from '../lib/format.ts';
import { t } from '../i18n/locale.ts';

/** A determinate progress bar (percent 0..100) with an accessible name; `indeterminate` when unknown. */
@customElement('aw-progress-bar')
export class AwProgressBar extends LitElement {
  static styles = css`
    :host { display: block; --bar-color: var(--aw-accent); }
    :host([tone="ok"]) { --bar-color: var(--aw-ok); }
    :host([tone="warn"]) { --bar-color: var(--aw-warn); }
    :host([tone="danger"]) { --bar-color: var(--aw-danger); }
    .track { height: var(--aw-progress-height, 8px); border-radius: 999px; background: var(--aw-surface-2); overflow: hidden; border: 1px solid var(--aw-border); }
    .fill { height: 100%; background: var(--bar-color); border-radius: 999px; transition: width 0.4s ease; }
    :host([indeterminate]) .fill { width: 35% !important; animation: slide 1.3s ease-in-out infinite; }
    @keyframes slide { from { transform: translateX(-100%); } to { transform: translateX(290%); } }
  `;

  @property({ type: Number }) value = 0;
  @property() label = t('common.progress');
  @property({ reflect: true }) tone: 'accent' | 'ok' | 'warn' | 'danger' = 'accent';
  @property({ type: Boolean, reflect: true }) indeterminate = false;

  render() {
    const percent = toPercent(this.value);
    return html`<div class="track" role="progressbar" aria-label=${this.label} aria-valuemin="0" aria-valuemax="100"
      aria-valuenow=${this.indeterminate ? '' : Math.round(percent)} aria-valuetext=${this.indeterminate ? 'working' : formatPercent(percent)}>
      <div class="fill" style=${styleMap({ width: `${percent}%` })}></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-progress-bar': AwProgressBar;
  }
}
