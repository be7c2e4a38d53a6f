import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { checkPassword } from '../lib/password-strength.ts';
import { icon } from './icons.ts';
import { t } from '../i18n/locale.ts';

/** Live feedback under a new-password field: a meter and the server's rules, ticked off as typed. */
@customElement('aw-password-strength')
export class AwPasswordStrength extends LitElement {
  static styles = css`
    :host { display: block; font-size: 0.85rem; }
    .meter { display: grid; grid-template-columns: repeat(4, 1fr); gap: 4px; margin: 2px 0 6px; }
    .meter span { height: 5px; border-radius: 3px; background: var(--aw-border); }
    .s1 .on { background: var(--aw-danger); }
    .s2 .on { background: var(--aw-warn); }
    .s3 .on, .s4 .on { background: var(--aw-ok); }
    .label { font-weight: 600; }
    ul { list-style: none; margin: 6px 0 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 2px 12px; }
    li { display: flex; align-items: center; gap: 6px; color: var(--aw-text-muted); }
    li.met { color: var(--aw-ok); }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  `;

  @property() password = '';

  render() {
    const strength = checkPassword(this.password);
    return html`
      <div class="meter s${strength.score}" aria-hidden="true">
        ${[1, 2, 3, 4].map((step) => html`<span class=${strength.score >= step ? 'on' : ''}></span>`)}
      </div>
      <div class="label" aria-live="polite">${t('password.strength', { label: strength.label })}</div>
      <ul aria-label=${t('password.rules')}>
        ${strength.rules.map((rule) => html`<li class=${rule.met ? 'met' : ''}>${icon(rule.met ? 'check' : 'x', 14)}<span>${rule.label}<span class="visually-hidden">${rule.met ? t('password.ruleDone') : t('password.ruleMissing')}</span></span></li>`)}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-password-strength': AwPasswordStrength;
  }
}
