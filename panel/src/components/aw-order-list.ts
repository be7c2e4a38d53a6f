import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { OrderChangeEvent } from './events.ts';
import { icon } from './icons.ts';
import { sharedStyles } from '../styles/shared.ts';
import { t } from '../i18n/locale.ts';

/**
 * Choose and order entries (languages, hosters): enabled ones first in the chosen order,
 * the rest below. Keyboard: the up/down buttons; at least one entry stays enabled.
 */
@customElement('aw-order-list')
export class AwOrderList extends LitElement {
  static styles = [
    sharedStyles,
    css`
    ol { list-style: none; margin: 0; padding: 0; border: 1px solid var(--aw-border); border-radius: 8px; overflow: hidden; }
    li { display: flex; align-items: center; gap: 10px; padding: 6px 8px 6px 12px; background: var(--aw-surface); }
    li + li { border-top: 1px solid var(--aw-border); }
    li.off { background: var(--aw-surface-2); color: var(--aw-text-muted); }
    .rank { width: 1.6em; color: var(--aw-text-muted); font-variant-numeric: tabular-nums; font-size: 0.85rem; }
    .name { flex: 1; }
    .note { color: var(--aw-text-muted); font-size: 0.85rem; }
    button.icon { min-height: 30px; min-width: 30px; padding: 4px; }
  `,
  ];

  @property({ type: Array }) options: readonly string[] = [];
  @property({ type: Array }) value: readonly string[] = [];
  /** A short remark shown beside an entry, by name ("not supported yet"). */
  @property({ attribute: false }) notes: Readonly<Record<string, string>> = {};
  @property({ type: Boolean }) disabled = false;
  @property() label = '';
  /** How an option is shown (the value stays what the server knows). */
  @property({ attribute: false }) labelOf: (name: string) => string = (name) => name;

  #emit(value: string[]): void {
    this.value = value;
    this.dispatchEvent(new OrderChangeEvent(value));
  }

  #move(name: string, delta: number): void {
    const next = [...this.value];
    const index = next.indexOf(name);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= next.length) return;
    [next[index], next[target]] = [next[target], next[index]];
    this.#emit(next);
  }

  #toggle(name: string, on: boolean): void {
    if (on) this.#emit([...this.value, name]);
    else if (this.value.length > 1) this.#emit(this.value.filter((entry) => entry !== name));
  }

  render() {
    const rest = this.options.filter((option) => !this.value.includes(option));
    return html`<ol aria-label=${this.label}>
      ${this.value.map(
        (name, index) => html`<li>
        <span class="rank">${index + 1}.</span>
        <label class="check name"><input type="checkbox" checked ?disabled=${this.disabled || this.value.length === 1} @change=${() => this.#toggle(name, false)} />${this.labelOf(name)}</label>
        ${this.notes[name] ? html`<span class="note">${this.notes[name]}</span>` : ''}
        <button type="button" class="icon ghost" aria-label=${t('order.up', { name: this.labelOf(name) })} ?disabled=${this.disabled || index === 0} @click=${() => this.#move(name, -1)}>${icon('up', 16)}</button>
        <button type="button" class="icon ghost" aria-label=${t('order.down', { name: this.labelOf(name) })} ?disabled=${this.disabled || index === this.value.length - 1} @click=${() => this.#move(name, 1)}>${icon('down', 16)}</button>
      </li>`,
      )}
      ${rest.map(
        (name) => html`<li class="off">
        <span class="rank"></span>
        <label class="check name"><input type="checkbox" ?disabled=${this.disabled} @change=${() => this.#toggle(name, true)} />${this.labelOf(name)}</label>
        ${this.notes[name] ? html`<span class="note">${this.notes[name]}</span>` : ''}
      </li>`,
      )}
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-order-list': AwOrderList;
  }
}
