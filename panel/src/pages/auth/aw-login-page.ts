import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext, sessionContext, type Session } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { login } from '../../data/auth.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { authCardStyles } from './auth-card.styles.ts';
import { t } from '../../i18n/locale.ts';

@customElement('aw-login-page')
export class AwLoginPage extends LitElement {
  static styles = [sharedStyles, authCardStyles];

  @property({ attribute: false }) query = new URLSearchParams();
  @consume({ context: apiContext }) private api!: ApiClient;
  @consume({ context: sessionContext, subscribe: true }) private session!: Session;
  @state() private password = '';
  @state() private remember = true;
  @state() private reveal = false;
  @state() private busy = false;
  @state() private error = '';
  @query('#password') private input!: HTMLInputElement;

  firstUpdated(): void {
    this.input.focus();
  }

  render() {
    const justSetUp = this.query.get('setup') === 'done';
    return html`<form class="card" @submit=${this.#submit}>
      <div class="brand"><img src="favicon.svg" alt="" />AniWorld</div>
      <h1>${t('login.title')}</h1>
      <p class="lead">${t('login.lead')}</p>
      ${justSetUp && !this.error ? html`<div class="notice ok" role="status">${t('login.setupDone')}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <div class="field">
        <label for="password">${t('auth.masterPassword')}</label>
        <div class="password">
          <input id="password" type=${this.reveal ? 'text' : 'password'} autocomplete="current-password" required
            .value=${this.password} @input=${(event: Event) => {
              this.password = (event.target as HTMLInputElement).value;
            }} />
          <button type="button" class="icon" aria-label=${this.reveal ? t('auth.hidePassword') : t('auth.showPassword')} aria-pressed=${this.reveal ? 'true' : 'false'} @click=${() => {
            this.reveal = !this.reveal;
          }}>${icon(this.reveal ? 'eyeOff' : 'eye')}</button>
        </div>
      </div>
      <div class="field">
        <label class="check"><input type="checkbox" id="remember" .checked=${this.remember} @change=${(event: Event) => {
          this.remember = (event.target as HTMLInputElement).checked;
        }} />${t('login.remember')}</label>
        <span class="hint">${t('login.rememberHint')}</span>
      </div>
      <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy || !this.password}>${this.busy ? t('login.busy') : t('login.submit')}</button></div>
    </form>`;
  }

  async #submit(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.password) return;
    this.busy = true;
    this.error = '';
    try {
      const result = await login(this.api, { password: this.password, remember: this.remember });
      this.session.signedIn(result.access_token, result.expires_at, this.remember);
    } catch (error) {
      this.error = error instanceof ApiError && error.status === 401 ? t('login.wrong') : errorMessage(error);
      this.password = '';
      this.input.focus();
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-login-page': AwLoginPage;
  }
}
