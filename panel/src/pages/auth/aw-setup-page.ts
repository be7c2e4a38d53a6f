import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext, sessionContext, type Session } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { authStatus, setup } from '../../data/auth.ts';
import { checkPassword } from '../../lib/password-strength.ts';
import { navigate } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { authCardStyles } from './auth-card.styles.ts';
import '../../components/aw-password-strength.ts';
import { t } from '../../i18n/locale.ts';

/** First run: choose the master password (checked live against the server's policy) and the media folder. */
@customElement('aw-setup-page')
export class AwSetupPage extends LitElement {
  static styles = [sharedStyles, authCardStyles];

  @consume({ context: apiContext }) private api!: ApiClient;
  @consume({ context: sessionContext, subscribe: true }) private session!: Session;
  @state() private password = '';
  @state() private confirm = '';
  @state() private folder = '';
  @state() private reveal = false;
  @state() private busy = false;
  @state() private error = '';
  @state() private folderError = '';
  @state() private touched = false;
  /** Where media goes; fixed when the environment sets it (the Docker image always does). */
  @state() private mediaFolder: { path: string; set_by_env: boolean } | undefined;

  connectedCallback(): void {
    super.connectedCallback();
    authStatus(this.api).then(
      (status) => {
        this.mediaFolder = status.media_folder;
      },
      () => {},
    );
  }

  render() {
    const strength = checkPassword(this.password);
    const mismatch = this.touched && this.confirm !== '' && this.confirm !== this.password;
    return html`<form class="card" @submit=${this.#submit} novalidate>
      <div class="brand"><img src="favicon.svg" alt="" />AniWorld</div>
      <h1>${t('setup.title')}</h1>
      <p class="lead">${t('setup.lead')}</p>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <div class="field">
        <label for="password">${t('auth.masterPassword')}</label>
        <div class="password">
          <input id="password" type=${this.reveal ? 'text' : 'password'} autocomplete="new-password" required
            aria-describedby="strength" .value=${this.password} @input=${(event: Event) => {
              this.password = (event.target as HTMLInputElement).value;
            }} />
          <button type="button" class="icon" aria-label=${this.reveal ? t('auth.hidePassword') : t('auth.showPassword')} aria-pressed=${this.reveal ? 'true' : 'false'} @click=${() => {
            this.reveal = !this.reveal;
          }}>${icon(this.reveal ? 'eyeOff' : 'eye')}</button>
        </div>
        <aw-password-strength id="strength" .password=${this.password}></aw-password-strength>
      </div>
      <div class="field">
        <label for="confirm">${t('setup.repeat')}</label>
        <input id="confirm" type=${this.reveal ? 'text' : 'password'} autocomplete="new-password" required aria-invalid=${mismatch ? 'true' : 'false'} aria-describedby="confirm-error"
          .value=${this.confirm} @input=${(event: Event) => {
            this.confirm = (event.target as HTMLInputElement).value;
          }} @blur=${() => {
            this.touched = true;
          }} />
        <span id="confirm-error" class="error" ?hidden=${!mismatch}>${t('setup.mismatch')}</span>
      </div>
      ${
        this.mediaFolder?.set_by_env
          ? html`<div class="field"><span class="label">${t('setup.folder')}</span>
        <p class="notice info" id="folder-fixed">${t('setup.folderFixed', { path: this.mediaFolder.path, variable: 'ANIWORLD_MEDIA_DIR' })}</p></div>`
          : html`<div class="field">
        <label for="folder">${t('setup.folder')} <span class="hint">${t('common.optional')}</span></label>
        <input id="folder" type="text" placeholder="/media/anime" autocomplete="off" spellcheck="false" aria-describedby="folder-hint folder-error"
          .value=${this.folder} @input=${(event: Event) => {
            this.folder = (event.target as HTMLInputElement).value;
            this.folderError = '';
          }} />
        <span id="folder-hint" class="hint">${t('setup.folderHint')}</span>
        <span id="folder-error" class="error" ?hidden=${!this.folderError}>${this.folderError}</span>
      </div>`
      }
      <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy || !strength.acceptable || this.confirm !== this.password}>${this.busy ? t('common.saving') : t('setup.submit')}</button></div>
    </form>`;
  }

  async #submit(event: Event): Promise<void> {
    event.preventDefault();
    this.touched = true;
    if (!checkPassword(this.password).acceptable || this.password !== this.confirm) return;
    this.busy = true;
    this.error = '';
    try {
      await setup(this.api, { master_password: this.password, anime_directory: this.folder.trim() || undefined });
      await this.session.refresh();
      navigate('/login?setup=done', { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.detailFor('anime_directory')) this.folderError = error.message;
      else if (error instanceof ApiError && error.status === 409) {
        await this.session.refresh();
        navigate('/login', { replace: true });
      } else this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-setup-page': AwSetupPage;
  }
}
