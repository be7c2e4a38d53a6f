import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { icon, type IconName } from './icons.ts';

/** What an empty page shows: what this place is for and what to do next (actions in the slot). */
@customElement('aw-empty-state')
export class AwEmptyState extends LitElement {
  static styles = css`
    :host { display: block; }
    .box {
      text-align: center; padding: 48px 24px; border: 1px dashed var(--aw-border); border-radius: 10px;
      background: var(--aw-surface);
    }
    .glyph { display: inline-flex; padding: 14px; border-radius: 999px; background: var(--aw-accent-soft); color: var(--aw-accent); margin-bottom: 12px; }
    h2 { margin: 0 0 6px; font-size: 1.15rem; }
    p { margin: 0 auto 18px; max-width: 52ch; color: var(--aw-text-muted); }
    .actions { display: flex; flex-wrap: wrap; gap: 8px; justify-content: center; }
  `;

  @property() heading = '';
  @property() icon: IconName = 'info';

  render() {
    return html`<div class="box">
      <div class="glyph">${icon(this.icon, 28)}</div>
      <h2>${this.heading}</h2>
      <p><slot name="text"></slot></p>
      <div class="actions"><slot></slot></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-empty-state': AwEmptyState;
  }
}
