import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared.ts';
import { DialogCloseEvent } from './events.ts';
import { t } from '../i18n/locale.ts';

/**
 * A modal built on <dialog> (focus trap, Escape and inert background come from the browser).
 * Content goes into the default slot; `confirm-label` adds the primary button.
 */
@customElement('aw-dialog')
export class AwDialog extends LitElement {
  static styles = [
    sharedStyles,
    css`
    dialog {
      border: 1px solid var(--aw-border); border-radius: 10px; padding: 0; width: min(520px, calc(100vw - 24px));
      background: var(--aw-surface); color: var(--aw-text); box-shadow: var(--aw-shadow-lg);
    }
    dialog::backdrop { background: rgb(10 12 18 / 55%); }
    header { padding: 18px 20px 0; }
    .body { padding: 12px 20px 4px; color: var(--aw-text); }
    footer { display: flex; justify-content: flex-end; gap: 8px; padding: 16px 20px 18px; flex-wrap: wrap; }
    .check { margin-top: 12px; }
  `,
  ];

  @property() heading = '';
  @property({ attribute: 'confirm-label' }) confirmLabel = '';
  @property({ attribute: 'cancel-label' }) cancelLabel = t('common.cancel');
  @property({ type: Boolean }) danger = false;
  /** Optional checkbox (for example "also delete files"). */
  @property({ attribute: 'check-label' }) checkLabel = '';
  @state() private checked = false;
  @query('dialog') private dialog!: HTMLDialogElement;

  show(): void {
    this.checked = false;
    void this.updateComplete.then(() => this.dialog.showModal());
  }

  close(confirmed = false): void {
    if (!this.dialog.open) return;
    this.dialog.close();
    this.dispatchEvent(new DialogCloseEvent(confirmed, this.checked));
  }

  render() {
    return html`<dialog aria-labelledby="title" @cancel=${(event: Event) => {
      event.preventDefault();
      this.close(false);
    }}>
      <header><h2 id="title">${this.heading}</h2></header>
      <div class="body">
        <slot></slot>
        ${
          this.checkLabel
            ? html`<label class="check"><input type="checkbox" .checked=${this.checked} @change=${(event: Event) => {
                this.checked = (event.target as HTMLInputElement).checked;
              }} />${this.checkLabel}</label>`
            : nothing
        }
      </div>
      <footer>
        <button type="button" @click=${() => this.close(false)}>${this.confirmLabel ? this.cancelLabel : t('common.close')}</button>
        ${this.confirmLabel ? html`<button type="button" class=${this.danger ? 'primary danger-fill' : 'primary'} @click=${() => this.close(true)}>${this.confirmLabel}</button>` : nothing}
      </footer>
    </dialog>`;
  }
}

/** Asks a yes/no question in a modal; resolves with the answer and the optional checkbox. */
export function confirmDialog(options: {
  heading: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  checkLabel?: string;
}): Promise<{ confirmed: boolean; checked: boolean }> {
  const dialog = document.createElement('aw-dialog');
  dialog.heading = options.heading;
  dialog.confirmLabel = options.confirmLabel;
  dialog.danger = options.danger ?? false;
  dialog.checkLabel = options.checkLabel ?? '';
  const text = document.createElement('p');
  text.textContent = options.message;
  dialog.append(text);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener(
      DialogCloseEvent.eventName,
      (event) => {
        dialog.remove();
        resolve({ confirmed: event.confirmed, checked: event.checked });
      },
      { once: true },
    );
    dialog.show();
  });
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-dialog': AwDialog;
  }
}
