import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import {
  createWebhook,
  headerLines,
  isMediaServer,
  KIND_DEFAULTS,
  parseHeaderLines,
  testSavedWebhook,
  testWebhook,
  updateWebhook,
  WEBHOOK_EVENTS,
  WEBHOOK_KINDS,
  type TestResult,
  type Webhook,
  type WebhookInput,
  type WebhookKind,
} from '../../data/webhooks.ts';
import { t } from '../../i18n/locale.ts';
import { eventLabel, testResultView } from './webhook-text.ts';
import { WebhookSavedEvent } from './webhook-events.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';

/** Create or edit a webhook; "Send test" posts the unsaved form and shows what the receiver answered. */
@customElement('aw-webhook-form')
export class AwWebhookForm extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .events { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 6px 16px; }
    fieldset { border: none; padding: 0; margin: 0 0 16px; }
    legend { font-weight: 560; font-size: 0.9rem; margin-bottom: 8px; }
    .result { margin: 12px 0; }
    .result pre { margin: 6px 0 0; white-space: pre-wrap; word-break: break-all; font-family: var(--aw-mono); font-size: 0.8rem; max-height: 160px; overflow: auto; }
    .buttons { display: flex; gap: 8px; flex-wrap: wrap; justify-content: flex-end; }
  `,
  ];

  @property({ attribute: false }) hook: Webhook | undefined;
  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private input: WebhookInput = {
    name: '',
    url: '',
    kind: 'json',
    events: ['download_complete', 'download_failed'],
    method: 'POST',
    headers: {},
    enabled: true,
  };
  @state() private secret = '';
  @state() private headers = '';
  @state() private result: TestResult | undefined;
  @state() private testing = false;
  @state() private saving = false;
  @state() private errors = new Map<string, string>();
  @state() private error = '';

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('hook') && this.hook) {
      const { name, url, kind, events, method, headers, enabled, options } = this.hook;
      this.input = { name, url, kind, events: [...events], method, headers, enabled, options: { ...options } };
      this.headers = headerLines(headers);
      this.secret = '';
      this.result = undefined;
    }
  }

  #body(): WebhookInput | undefined {
    const parsed = parseHeaderLines(this.headers);
    if (parsed.errors.length) {
      this.errors = new Map([['headers', parsed.errors.join('; ')]]);
      return undefined;
    }
    const body: WebhookInput = {
      ...this.input,
      headers: parsed.headers,
      options: Object.fromEntries(Object.entries(this.input.options ?? {}).filter(([, value]) => value)),
    };
    // An empty secret field keeps the saved secret: it is never sent back to be shown.
    if (this.secret) body.secret = this.secret;
    return body;
  }

  #fail(error: unknown): void {
    if (error instanceof ApiError && error.details.length)
      this.errors = new Map(error.details.filter((detail) => detail.path).map((detail) => [String(detail.path).split('.')[0], detail.message]));
    this.error = errorMessage(error);
  }

  async #test(): Promise<void> {
    const body = this.#body();
    if (!body) return;
    this.testing = true;
    this.result = undefined;
    this.error = '';
    try {
      // An edited hook shows its stored URL tokens and header values as •••: the server fills them in.
      this.result = this.hook ? await testSavedWebhook(this.api, this.hook.id, body) : await testWebhook(this.api, body);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.testing = false;
    }
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    const body = this.#body();
    if (!body) return;
    this.saving = true;
    this.errors = new Map();
    this.error = '';
    try {
      const saved = this.hook ? await updateWebhook(this.api, this.hook.id, body) : await createWebhook(this.api, body);
      this.dispatchEvent(new WebhookSavedEvent(saved));
    } catch (error) {
      this.#fail(error);
    } finally {
      this.saving = false;
    }
  }

  #update(patch: Partial<WebhookInput>): void {
    this.input = { ...this.input, ...patch };
  }

  /** A new target of another kind starts from that kind's usual address and events. */
  #changeKind(kind: WebhookKind): void {
    const defaults = KIND_DEFAULTS[kind];
    const previous = KIND_DEFAULTS[this.input.kind];
    const untouchedUrl = !this.input.url || this.input.url === previous?.url;
    this.#update({ kind, ...(this.hook ? {} : { events: defaults?.events ?? this.input.events, ...(untouchedUrl ? { url: defaults?.url ?? '' } : {}) }) });
  }

  #option(name: 'chat_id' | 'user_key' | 'server_path', value: string): void {
    this.#update({ options: { ...this.input.options, [name]: value } });
  }

  #err(name: string) {
    const message = this.errors.get(name);
    return message ? html`<span class="error" role="alert">${message}</span>` : nothing;
  }

  render() {
    const kind = this.input.kind;
    const media = isMediaServer(kind);
    const tokenLabel = kind === 'telegram' ? t('form.botToken') : kind === 'pushover' ? t('form.appToken') : media ? t('form.apiToken') : t('form.secret');
    const needsToken = media || kind === 'telegram' || kind === 'pushover';
    return html`<form @submit=${this.#save} novalidate>
      ${this.error ? html`<div class="notice error" role="alert" style="margin-bottom: 12px">${this.error}</div>` : nothing}
      <div class="grid-2">
        <div class="field"><label for="name">${t('form.name')}</label><input id="name" type="text" required placeholder=${t('form.namePlaceholder')} .value=${this.input.name} @input=${(event: Event) => this.#update({ name: (event.target as HTMLInputElement).value })} />${this.#err('name')}</div>
        <div class="field"><label for="kind">${t('form.kind')}</label><select id="kind" @change=${(event: Event) => this.#changeKind((event.target as HTMLSelectElement).value as WebhookKind)}>
          ${WEBHOOK_KINDS.map((option) => html`<option value=${option} ?selected=${kind === option}>${t(`kind.${option}`)}</option>`)}</select></div>
      </div>
      <div class="field"><label for="url">${media ? t('form.serverUrl') : t('form.url')}</label><input id="url" type="url" required placeholder=${KIND_DEFAULTS[kind]?.url ?? 'https://ntfy.sh/my-topic'} spellcheck="false" .value=${this.input.url} @input=${(event: Event) => this.#update({ url: (event.target as HTMLInputElement).value })} />${this.hook ? html`<span class="hint">${t('form.urlMasked')}</span>` : nothing}${this.#err('url')}</div>
      <div class="grid-2">
        ${
          media || kind === 'telegram' || kind === 'pushover'
            ? nothing
            : html`<div class="field"><label for="method">${t('form.method')}</label><select id="method" @change=${(event: Event) => this.#update({ method: (event.target as HTMLSelectElement).value as 'POST' | 'PUT' })}>
          <option ?selected=${this.input.method === 'POST'}>POST</option><option ?selected=${this.input.method === 'PUT'}>PUT</option></select></div>`
        }
        <div class="field"><label for="secret">${tokenLabel} ${needsToken ? nothing : html`<span class="hint">${t('common.optional')}</span>`}</label>
          <input id="secret" type="password" autocomplete="off" spellcheck="false" placeholder=${this.hook?.has_secret ? '•••' : needsToken ? '' : t('form.none')} .value=${this.secret} @input=${(
            event: Event,
          ) => {
            this.secret = (event.target as HTMLInputElement).value;
          }} />
          <span class="hint">${this.hook?.has_secret ? t('form.secretKept') : media ? t(`form.tokenHint.${kind}`) : needsToken ? t(`form.tokenHint.${kind}`) : t('form.secretHint')}</span>${this.#err('secret')}</div>
        ${kind === 'telegram' ? html`<div class="field"><label for="chat">${t('form.chatId')}</label><input id="chat" type="text" spellcheck="false" placeholder="-1001234567890" .value=${this.input.options?.chat_id ?? ''} @input=${(event: Event) => this.#option('chat_id', (event.target as HTMLInputElement).value)} />${this.#err('options')}</div>` : nothing}
        ${kind === 'pushover' ? html`<div class="field"><label for="user">${t('form.userKey')}</label><input id="user" type="text" spellcheck="false" .value=${this.input.options?.user_key ?? ''} @input=${(event: Event) => this.#option('user_key', (event.target as HTMLInputElement).value)} />${this.#err('options')}</div>` : nothing}
        ${
          media
            ? html`<div class="field"><label for="server-path">${t('form.serverPath')} <span class="hint">${t('common.optional')}</span></label><input id="server-path" type="text" spellcheck="false" placeholder="/data/anime" .value=${this.input.options?.server_path ?? ''} @input=${(event: Event) => this.#option('server_path', (event.target as HTMLInputElement).value)} />
          <span class="hint">${t('form.serverPathHint')}</span></div>`
            : nothing
        }
      </div>
      <fieldset><legend>${media ? t('form.refreshWhen') : t('form.sendWhen')}</legend><div class="events">
        ${WEBHOOK_EVENTS.map(
          (name) => html`<label class="check"><input type="checkbox" .checked=${this.input.events.includes(name)}
          @change=${(event: Event) => this.#update({ events: (event.target as HTMLInputElement).checked ? [...this.input.events, name] : this.input.events.filter((entry) => entry !== name) })} />${eventLabel(name)}</label>`,
        )}
      </div>${this.#err('events')}</fieldset>
      ${
        media || kind === 'telegram' || kind === 'pushover'
          ? nothing
          : html`<div class="field"><label for="headers">${t('form.headers')} <span class="hint">${t('form.headersHint')}</span></label><textarea id="headers" rows="2" spellcheck="false" .value=${this.headers} @input=${(
              event: Event,
            ) => {
              this.headers = (event.target as HTMLTextAreaElement).value;
            }}></textarea>${this.#err('headers')}</div>`
      }
      <label class="check"><input type="checkbox" .checked=${this.input.enabled} @change=${(event: Event) => this.#update({ enabled: (event.target as HTMLInputElement).checked })} />${t('hooks.enabled')}</label>
      ${this.result ? testResultView(this.result) : nothing}
      <div class="buttons" style="margin-top: 14px">
        <button type="button" ?disabled=${this.testing || !this.input.url} @click=${() => void this.#test()}>${icon('send')}${this.testing ? t('hooks.sending') : media ? t('form.checkConnection') : t('form.sendTest')}</button>
        <button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? t('common.saving') : this.hook ? t('form.save') : t('form.add')}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-webhook-form': AwWebhookForm;
  }
}
