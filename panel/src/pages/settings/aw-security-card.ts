import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { apiKeyInfo, changePassword, revokeApiKey, rotateApiKey, type ApiKeyInfo } from '../../data/auth.ts';
import { checkPassword } from '../../lib/password-strength.ts';
import { formatDateTime } from '../../lib/format.ts';
import { ToastEvent } from '../../components/events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-password-strength.ts';
import { t } from '../../i18n/locale.ts';

/** Master password change and the API key (shown once after creating it). */
@customElement('aw-security-card')
export class AwSecurityCard extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .key { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .key code { padding: 8px 10px; border-radius: 6px; background: var(--aw-surface-2); border: 1px solid var(--aw-border); word-break: break-all; flex: 1 1 260px; }
    form { max-width: 520px; }
    h3 { margin: 22px 0 10px; }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private current = '';
  @state() private next = '';
  @state() private busy = false;
  @state() private passwordError = '';
  @state() private key: ApiKeyInfo | undefined;
  @state() private newKey = '';

  connectedCallback(): void {
    super.connectedCallback();
    apiKeyInfo(this.api).then(
      (info) => {
        this.key = info;
      },
      () => {},
    );
  }

  async #changePassword(event: Event): Promise<void> {
    event.preventDefault();
    if (!checkPassword(this.next).acceptable) return;
    this.busy = true;
    this.passwordError = '';
    try {
      await changePassword(this.api, { current_password: this.current, new_password: this.next });
      this.current = '';
      this.next = '';
      this.dispatchEvent(new ToastEvent(t('security.changed'), 'ok'));
    } catch (error) {
      this.passwordError = error instanceof ApiError && error.detailFor('current_password') ? t('security.wrongCurrent') : errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  async #rotate(): Promise<void> {
    if (this.key?.exists) {
      const answer = await confirmDialog({
        heading: t('security.rotateTitle'),
        message: t('security.rotateText'),
        confirmLabel: t('security.rotateConfirm'),
        danger: true,
      });
      if (!answer.confirmed) return;
    }
    try {
      const created = await rotateApiKey(this.api);
      this.newKey = created.api_key;
      this.key = { exists: true, prefix: created.prefix, created_at: created.created_at };
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #revoke(): Promise<void> {
    const answer = await confirmDialog({
      heading: t('security.revokeTitle'),
      message: t('security.revokeText'),
      confirmLabel: t('security.revoke'),
      danger: true,
    });
    if (!answer.confirmed) return;
    try {
      await revokeApiKey(this.api);
      this.key = { exists: false, prefix: null, created_at: null };
      this.newKey = '';
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.newKey);
      this.dispatchEvent(new ToastEvent(t('security.copied'), 'ok'));
    } catch {
      this.dispatchEvent(new ToastEvent(t('security.copyBlocked'), 'warn'));
    }
  }

  render() {
    const acceptable = checkPassword(this.next).acceptable;
    return html`<section class="card" aria-labelledby="security-h">
      <h2 id="security-h">${t('security.title')}</h2>
      <p class="card-intro">${t('security.intro')}</p>
      <form @submit=${this.#changePassword}>
        <h3>${t('security.changeTitle')}</h3>
        ${this.passwordError ? html`<div class="notice error" role="alert" style="margin-bottom: 12px">${this.passwordError}</div>` : nothing}
        <div class="field"><label for="current">${t('security.current')}</label>
          <input id="current" type="password" autocomplete="current-password" .value=${this.current} @input=${(event: Event) => {
            this.current = (event.target as HTMLInputElement).value;
          }} /></div>
        <div class="field"><label for="new">${t('security.new')}</label>
          <input id="new" type="password" autocomplete="new-password" aria-describedby="new-strength" .value=${this.next} @input=${(event: Event) => {
            this.next = (event.target as HTMLInputElement).value;
          }} />
          ${this.next ? html`<aw-password-strength id="new-strength" .password=${this.next}></aw-password-strength>` : nothing}</div>
        <button type="submit" ?disabled=${this.busy || !this.current || !acceptable}>${icon('key')}${t('security.change')}</button>
      </form>
      <h3>${t('security.apiKey')}</h3>
      <p class="muted small" style="margin-bottom: 10px">${t('security.apiKeyIntro')} <code>X-Api-Key</code></p>
      ${
        this.newKey
          ? html`<div class="notice warn" role="status" style="margin-bottom: 10px">${t('security.copyNow')}</div>
        <div class="key"><code aria-label=${t('security.newKey')}>${this.newKey}</code><button type="button" @click=${() => void this.#copy()}>${t('security.copy')}</button></div>`
          : html`<p class="small">${this.key?.exists ? html`${t('security.currentKey')} <code>${this.key.prefix}…</code>, ${t('security.createdAt', { when: formatDateTime(this.key.created_at) })}` : t('security.noKey')}</p>`
      }
      <div class="toolbar" style="margin-top: 10px">
        <button type="button" @click=${() => void this.#rotate()}>${icon('refresh')}${this.key?.exists ? t('security.rotate') : t('security.create')}</button>
        ${this.key?.exists ? html`<button type="button" class="danger" @click=${() => void this.#revoke()}>${t('security.revoke')}</button>` : nothing}
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-security-card': AwSecurityCard;
  }
}
