import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { createWebhook, headerLines, parseHeaderLines, testSavedWebhook, testWebhook, updateWebhook, WEBHOOK_EVENTS, WEBHOOK_KINDS, type TestResult, type Webhook, type WebhookInput, type WebhookKind } from '../../data/webhooks.ts';
import { WebhookSavedEvent } from './webhook-events.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';

const KIND_LABELS: Record<WebhookKind, string> = { json: 'Generic JSON', discord: 'Discord', ntfy: 'ntfy', gotify: 'Gotify' };
const EVENT_LABELS: Record<string, string> = {
  download_complete: 'Download finished', download_failed: 'Download failed', series_added: 'Series added',
  scan_complete: 'Library scan finished', episode_available: 'New episode available', health_issue: 'Health problem',
};

/** Create or edit a webhook; "Send test" posts the unsaved form and shows what the receiver answered. */
@customElement('aw-webhook-form')
export class AwWebhookForm extends LitElement {
  static styles = [sharedStyles, css`
    .events { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 6px 16px; }
    fieldset { border: none; padding: 0; margin: 0 0 16px; }
    legend { font-weight: 560; font-size: 0.9rem; margin-bottom: 8px; }
    .result { margin: 12px 0; }
    .result pre { margin: 6px 0 0; white-space: pre-wrap; word-break: break-all; font-family: var(--aw-mono); font-size: 0.8rem; max-height: 160px; overflow: auto; }
    .buttons { display: flex; gap: 8px; flex-wrap: wrap; justify-content: flex-end; }
  `];

  @property({ attribute: false }) hook: Webhook | undefined;
  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private input: WebhookInput = { name: '', url: '', kind: 'json', events: ['download_complete', 'download_failed'], method: 'POST', headers: {}, enabled: true };
  @state() private secret = '';
  @state() private headers = '';
  @state() private result: TestResult | undefined;
  @state() private testing = false;
  @state() private saving = false;
  @state() private errors = new Map<string, string>();
  @state() private error = '';

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('hook') && this.hook) {
      const { name, url, kind, events, method, headers, enabled } = this.hook;
      this.input = { name, url, kind, events: [...events], method, headers, enabled };
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
    const body: WebhookInput = { ...this.input, headers: parsed.headers };
    if (this.secret) body.secret = this.secret;
    return body;
  }

  #fail(error: unknown): void {
    if (error instanceof ApiError && error.details.length) this.errors = new Map(error.details.filter((detail) => detail.path).map((detail) => [String(detail.path).split('.')[0], detail.message]));
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

  #err(name: string) {
    const message = this.errors.get(name);
    return message ? html`<span class="error" role="alert">${message}</span>` : nothing;
  }

  render() {
    return html`<form @submit=${this.#save} novalidate>
      ${this.error ? html`<div class="notice error" role="alert" style="margin-bottom: 12px">${this.error}</div>` : nothing}
      <div class="grid-2">
        <div class="field"><label for="name">Name</label><input id="name" type="text" required placeholder="Phone" .value=${this.input.name} @input=${(event: Event) => this.#update({ name: (event.target as HTMLInputElement).value })} />${this.#err('name')}</div>
        <div class="field"><label for="kind">Format</label><select id="kind" @change=${(event: Event) => this.#update({ kind: (event.target as HTMLSelectElement).value as WebhookKind })}>
          ${WEBHOOK_KINDS.map((kind) => html`<option value=${kind} ?selected=${this.input.kind === kind}>${KIND_LABELS[kind]}</option>`)}</select></div>
      </div>
      <div class="field"><label for="url">URL</label><input id="url" type="url" required placeholder="https://ntfy.sh/my-topic" spellcheck="false" .value=${this.input.url} @input=${(event: Event) => this.#update({ url: (event.target as HTMLInputElement).value })} />${this.hook ? html`<span class="hint">••• stands for a stored token or header value: leave it to keep it, type over it to replace it.</span>` : nothing}${this.#err('url')}</div>
      <fieldset><legend>Send when</legend><div class="events">
        ${WEBHOOK_EVENTS.map((name) => html`<label class="check"><input type="checkbox" .checked=${this.input.events.includes(name)}
          @change=${(event: Event) => this.#update({ events: (event.target as HTMLInputElement).checked ? [...this.input.events, name] : this.input.events.filter((entry) => entry !== name) })} />${EVENT_LABELS[name] ?? name}</label>`)}
      </div>${this.#err('events')}</fieldset>
      <div class="grid-2">
        <div class="field"><label for="method">Method</label><select id="method" @change=${(event: Event) => this.#update({ method: (event.target as HTMLSelectElement).value as 'POST' | 'PUT' })}>
          <option ?selected=${this.input.method === 'POST'}>POST</option><option ?selected=${this.input.method === 'PUT'}>PUT</option></select></div>
        <div class="field"><label for="secret">Signing secret <span class="hint">(optional)</span></label><input id="secret" type="password" autocomplete="off" placeholder=${this.hook?.has_secret ? 'Unchanged (a secret is set)' : 'None'} .value=${this.secret} @input=${(event: Event) => { this.secret = (event.target as HTMLInputElement).value; }} />
          <span class="hint">Generic JSON bodies are signed as X-AniWorld-Signature: sha256=…</span></div>
      </div>
      <div class="field"><label for="headers">Extra headers <span class="hint">(one "Name: value" per line)</span></label><textarea id="headers" rows="2" spellcheck="false" .value=${this.headers} @input=${(event: Event) => { this.headers = (event.target as HTMLTextAreaElement).value; }}></textarea>${this.#err('headers')}</div>
      <label class="check"><input type="checkbox" .checked=${this.input.enabled} @change=${(event: Event) => this.#update({ enabled: (event.target as HTMLInputElement).checked })} />Enabled</label>
      ${this.result ? html`<div class="notice ${this.result.success ? 'ok' : 'error'} result" role="status">
        <strong>${this.result.success ? 'The receiver accepted the test' : 'The test failed'}</strong>
        ${this.result.status_code !== null ? html` · HTTP ${this.result.status_code}` : nothing} · ${this.result.latency_ms} ms
        ${this.result.error ? html`<div>${this.result.error}</div>` : nothing}
        ${this.result.response_excerpt ? html`<pre aria-label="Receiver's answer">${this.result.response_excerpt}</pre>` : nothing}
      </div>` : nothing}
      <div class="buttons" style="margin-top: 14px">
        <button type="button" ?disabled=${this.testing || !this.input.url} @click=${() => void this.#test()}>${icon('send')}${this.testing ? 'Sending…' : 'Send test'}</button>
        <button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? 'Saving…' : this.hook ? 'Save webhook' : 'Add webhook'}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'aw-webhook-form': AwWebhookForm }
}
