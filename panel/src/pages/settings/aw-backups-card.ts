import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { errorMessage, type ApiClient } from '../../data/api-client.ts';
import { createBackup, listBackups, restoreBackup, type ConfigBackup } from '../../data/config.ts';
import { formatBytes, formatDateTime } from '../../lib/format.ts';
import { ConfigRestoredEvent, ToastEvent } from '../../components/events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { icon } from '../../components/icons.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { t } from '../../i18n/locale.ts';

/** Config backups: AniWorld makes one before every change; the user can add one and restore any. */
@customElement('aw-backups-card')
export class AwBackupsCard extends LitElement {
  static styles = [sharedStyles];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private backups: ConfigBackup[] | undefined;

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      this.backups = (await listBackups(this.api)).sort((a, b) => b.name.localeCompare(a.name));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #create(): Promise<void> {
    try {
      const backup = await createBackup(this.api);
      this.dispatchEvent(new ToastEvent(t('backups.created', { name: backup.name }), 'ok'));
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  async #restore(backup: ConfigBackup): Promise<void> {
    const answer = await confirmDialog({
      heading: t('backups.restoreTitle'),
      message: t('backups.restoreText', { when: formatDateTime(backup.created_at) }),
      confirmLabel: t('backups.restore'),
    });
    if (!answer.confirmed) return;
    try {
      this.dispatchEvent(new ConfigRestoredEvent(await restoreBackup(this.api, backup.name)));
      this.dispatchEvent(new ToastEvent(t('backups.restored'), 'ok'));
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  render() {
    return html`<section class="card" aria-labelledby="backups-h">
      <div class="page-header" style="margin-bottom: 4px"><h2 id="backups-h">${t('backups.title')}</h2><button type="button" @click=${() => void this.#create()}>${icon('disk')}${t('backups.now')}</button></div>
      <p class="card-intro">${t('backups.intro')}</p>
      ${
        this.backups === undefined
          ? html`<p class="muted">${t('common.loading')}</p>`
          : this.backups.length === 0
            ? html`<p class="muted small">${t('backups.none')}</p>`
            : html`<div class="table-wrap"><table>
        <thead><tr><th>${t('backups.colBackup')}</th><th>${t('backups.colCreated')}</th><th>${t('backups.colSize')}</th><th><span class="visually-hidden">${t('series.colActions')}</span></th></tr></thead>
        <tbody>${this.backups.slice(0, 15).map(
          (backup) => html`<tr>
          <td class="mono small">${backup.name}</td><td class="small">${formatDateTime(backup.created_at)}</td><td class="small">${formatBytes(backup.size)}</td>
          <td style="text-align: right"><button type="button" @click=${() => void this.#restore(backup)}>${t('backups.restore')}</button></td>
        </tr>`,
        )}</tbody></table></div>
        ${this.backups.length > 15 ? html`<p class="small muted" style="margin-top: 6px">${t('backups.older', { count: this.backups.length - 15 })}</p>` : nothing}`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-backups-card': AwBackupsCard;
  }
}
