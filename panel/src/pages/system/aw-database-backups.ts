import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import {
  createDatabaseBackup,
  deleteDatabaseBackup,
  downloadDatabaseBackup,
  listDatabaseBackups,
  restoreDatabaseBackup,
  uploadDatabaseBackup,
  type DatabaseBackup,
} from '../../data/system.ts';
import { ToastEvent } from '../../components/events.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { icon } from '../../components/icons.ts';
import { formatBytes, formatDateTime } from '../../lib/format.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { t, tCode } from '../../i18n/locale.ts';

/**
 * Database backups: back up now, download, restore, delete, and restore from an uploaded file.
 * On PostgreSQL the server answers 409 `backup_unsupported`, and the card says why.
 */
@customElement('aw-database-backups')
export class AwDatabaseBackups extends LitElement {
  static styles = [sharedStyles];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private backups: DatabaseBackup[] | undefined;
  @state() private keep = 0;
  @state() private unavailable = '';
  @state() private problem = '';
  @state() private busy = '';
  @query('#backup-file') private fileInput!: HTMLInputElement;

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const answer = await listDatabaseBackups(this.api);
      this.backups = answer.backups;
      this.keep = answer.keep;
      this.unavailable = '';
    } catch (error) {
      if (error instanceof ApiError && error.code === 'backup_unsupported') this.unavailable = t('dbBackups.postgres');
      else this.problem = errorMessage(error);
    }
  }

  async #step(label: string, work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = label;
    this.problem = '';
    try {
      await work();
    } catch (error) {
      this.problem = errorMessage(error);
    } finally {
      this.busy = '';
    }
  }

  #create() {
    return this.#step('create', async () => {
      const backup = await createDatabaseBackup(this.api);
      this.dispatchEvent(new ToastEvent(t('dbBackups.created', { name: backup.name }), 'ok'));
      await this.#load();
    });
  }

  async #restore(backup: DatabaseBackup): Promise<void> {
    const answer = await confirmDialog({
      heading: t('dbBackups.restoreTitle'),
      message: t('dbBackups.restoreText', { when: formatDateTime(backup.created_at) }),
      confirmLabel: t('dbBackups.restore'),
      danger: true,
    });
    if (!answer.confirmed) return;
    await this.#step('restore', async () => {
      const result = await restoreDatabaseBackup(this.api, backup.name);
      this.dispatchEvent(new ToastEvent(t('dbBackups.restored', { safety: result.safety_backup }), 'ok'));
      await this.#load();
    });
  }

  async #delete(backup: DatabaseBackup): Promise<void> {
    const answer = await confirmDialog({
      heading: t('dbBackups.deleteTitle'),
      message: t('dbBackups.deleteText', { name: backup.name }),
      confirmLabel: t('dbBackups.delete'),
      danger: true,
    });
    if (!answer.confirmed) return;
    await this.#step('delete', async () => {
      await deleteDatabaseBackup(this.api, backup.name);
      await this.#load();
    });
  }

  #download(backup: DatabaseBackup) {
    return this.#step('download', () => downloadDatabaseBackup(this.api, backup.name));
  }

  /** The chosen file is uploaded and checked by the server first; only a good one is offered for restore. */
  async #uploadChosen(): Promise<void> {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (!file) return;
    let uploaded: DatabaseBackup | undefined;
    await this.#step('upload', async () => {
      uploaded = await uploadDatabaseBackup(this.api, file);
      await this.#load();
    });
    if (uploaded) await this.#restore(uploaded);
  }

  render() {
    return html`<section class="card" aria-labelledby="db-backups-h">
      <div class="page-header" style="margin-bottom: 4px"><h2 id="db-backups-h">${t('dbBackups.title')}</h2>
        ${
          this.unavailable
            ? nothing
            : html`<div class="toolbar">
          <button type="button" class="primary" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => void this.#create()}>${icon('disk')}${this.busy === 'create' ? t('dbBackups.creating') : t('dbBackups.now')}</button>
          <button type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => {
            if (!this.busy) this.fileInput.click();
          }}>${icon('import')}${this.busy === 'upload' ? t('dbBackups.uploading') : t('dbBackups.fromFile')}</button>
          <input id="backup-file" type="file" accept=".db,.sqlite,.sqlite3,application/vnd.sqlite3,application/octet-stream" hidden aria-label=${t('dbBackups.fromFile')} @change=${() => void this.#uploadChosen()}>
        </div>`
        }</div>
      <p class="card-intro">${this.unavailable ? nothing : t('dbBackups.intro', { keep: this.keep || 5 })}</p>
      ${this.unavailable ? html`<div class="notice" role="status">${this.unavailable}</div>` : nothing}
      ${this.problem ? html`<div class="notice error" role="alert">${this.problem}</div>` : nothing}
      ${this.busy === 'restore' ? html`<p class="small" role="status">${t('dbBackups.restoring')}</p>` : nothing}
      ${
        this.unavailable
          ? nothing
          : this.backups === undefined
            ? html`<p class="muted small">${t('common.loading')}</p>`
            : this.backups.length === 0
              ? html`<p class="muted small">${t('dbBackups.none')}</p>`
              : html`<div class="table-wrap"><table>
        <thead><tr><th>${t('backups.colBackup')}</th><th>${t('dbBackups.colKind')}</th><th>${t('backups.colCreated')}</th><th>${t('backups.colSize')}</th><th><span class="visually-hidden">${t('series.colActions')}</span></th></tr></thead>
        <tbody>${this.backups.map(
          (backup) => html`<tr>
          <td class="mono small">${backup.name}</td><td class="small">${tCode('backupReason', backup.reason, backup.reason)}</td><td class="small">${formatDateTime(backup.created_at)}</td><td class="small">${formatBytes(backup.size)}</td>
          <td style="text-align: right; white-space: nowrap">
            <button type="button" aria-label=${t('dbBackups.downloadAria', { name: backup.name })} @click=${() => void this.#download(backup)}>${icon('download')}${t('dbBackups.download')}</button>
            <button type="button" aria-label=${t('dbBackups.restoreAria', { name: backup.name })} @click=${() => void this.#restore(backup)}>${t('dbBackups.restore')}</button>
            <button type="button" class="icon" aria-label=${t('dbBackups.deleteAria', { name: backup.name })} @click=${() => void this.#delete(backup)}>${icon('trash')}</button>
          </td>
        </tr>`,
        )}</tbody></table></div>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-database-backups': AwDatabaseBackups;
  }
}
