import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import { testProvider, type ProviderTestResult } from '../../data/system.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { t, tCode } from '../../i18n/locale.ts';

/** The provider card of the System page: its health (status, check, solver, pass) and a "Test provider" button that runs one search and shows each step. */
@customElement('aw-provider-test')
export class AwProviderTest extends LitElement {
  static styles = [
    sharedStyles,
    css`
    ol { list-style: none; padding: 0; margin: 12px 0 0; display: grid; gap: 8px; }
    li { display: grid; grid-template-columns: 110px 64px 1fr auto; gap: 10px; align-items: baseline; font-size: 0.9rem; }
    li .ms { color: var(--aw-text-muted); font-size: 0.8rem; }
    .message { word-break: break-word; }
    @media (max-width: 640px) { li { grid-template-columns: 1fr auto; } }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private running = false;
  @state() private result: ProviderTestResult | undefined;
  @state() private error = '';

  async #run(): Promise<void> {
    this.running = true;
    this.error = '';
    try {
      this.result = await testProvider(this.api);
      this.dispatchEvent(new Event('provider-tested', { bubbles: true, composed: true }));
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.running = false;
    }
  }

  render() {
    const tone = (status: string) => (status === 'ok' ? 'ok' : status === 'warn' ? 'warn' : 'danger');
    return html`<section class="card" aria-labelledby="provider-test-h">
      <div class="page-header" style="margin-bottom: 4px"><h2 id="provider-test-h">${t('providerTest.title')}</h2>
        <button type="button" class="primary" ?disabled=${this.running} @click=${() => void this.#run()}>${this.running ? t('providerTest.running') : t('providerTest.run')}</button></div>
      <p class="card-intro">${t('providerTest.intro')}</p>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${
        this.result
          ? html`<ol aria-label=${t('providerTest.steps')}>${this.result.steps.map(
              (step) => html`<li>
          <b>${tCode('providerTest.step', step.step, step.step)}</b><span class="badge ${tone(step.status)}">${tCode('status', step.status, step.status)}</span><span class="message">${step.message}</span><span class="ms">${step.ms} ms</span></li>`,
            )}</ol>
        <p class="small ${this.result.ok ? '' : 'muted'}" role="status">${this.result.ok ? t('providerTest.ok') : t('providerTest.failed')}</p>`
          : nothing
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-provider-test': AwProviderTest;
  }
}
