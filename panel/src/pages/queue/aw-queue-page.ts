import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import type { EventMap } from '../../../../contract/index.ts';
import { Loader } from '../../data/loader.ts';
import {
  applyProgress,
  cancelItem,
  clearCompleted,
  getQueue,
  pauseItem,
  queueAction,
  removeFromQueue,
  reorderQueue,
  resumeItem,
  retryItems,
  setPriority,
  type DownloadItem,
  type QueueStatus,
} from '../../data/queue.ts';
import { LiveEvents } from '../../data/live-events.ts';
import { ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { episodeCode, formatBytes, formatDateTime, formatEta, formatPercent, formatSpeed } from '../../lib/format.ts';
import { confirmDialog } from '../../components/aw-dialog.ts';
import { seriesPath } from '../../routes.ts';
import { languageLabel } from '../../lib/language-label.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-progress-bar.ts';
import '../../components/aw-empty-state.ts';
import { loadState } from '../../components/aw-load-state.ts';
import { toUrl } from '../../base.ts';
import { formatNumber, t } from '../../i18n/locale.ts';

/** The download queue: what runs now (live), what waits (ordered), and the history. */
@customElement('aw-queue-page')
export class AwQueuePage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .state { display: flex; align-items: center; gap: 8px; }
    section { margin-bottom: 26px; }
    section > h2 { margin-bottom: 10px; display: flex; align-items: center; gap: 8px; }
    .item { display: grid; grid-template-columns: 1fr auto; gap: 6px 16px; padding: 14px 16px; align-items: center; }
    .item + .item { margin-top: 8px; }
    .title { font-weight: 620; }
    .title a { color: var(--aw-text); text-decoration: none; }
    .title a:hover { color: var(--aw-accent); }
    .code { font-family: var(--aw-mono); font-size: 0.85rem; color: var(--aw-text-muted); margin-left: 6px; }
    .bar { grid-column: 1 / -1; }
    .numbers { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 0.82rem; color: var(--aw-text-muted); font-variant-numeric: tabular-nums; }
    .numbers strong { color: var(--aw-text); font-weight: 600; }
    .buttons { display: flex; gap: 4px; }
    .nowrap { white-space: nowrap; }
    td.act { white-space: nowrap; text-align: right; width: 1%; }
    td.pos { width: 1%; color: var(--aw-text-muted); font-variant-numeric: tabular-nums; }
    td .reason { color: var(--aw-danger); font-size: 0.82rem; max-width: 48ch; }
    /* Long file paths and reasons wrap instead of pushing the table wider than a phone. */
    td .mono, td .reason { overflow-wrap: anywhere; }
    select.priority { width: auto; min-height: 32px; padding: 3px 6px; font-size: 0.85rem; }
    .tabs { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 10px; border-bottom: 1px solid var(--aw-border); }
    .tabs [role="tablist"] { display: flex; flex-wrap: wrap; gap: 4px; }
    .tabs [role="tab"] { border: none; border-bottom: 2px solid transparent; border-radius: 0; background: none; }
    .tabs [role="tab"][aria-selected="true"] { border-bottom-color: var(--aw-accent); color: var(--aw-accent); }
    @media (max-width: 640px) { .hide-narrow { display: none; } .item { grid-template-columns: 1fr; } }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  /**
   * The queue as last loaded. Every event that changes the lists starts a new load, which ends
   * the one still out (its answer was asked for before that event and is dropped); progress
   * events also apply to the answer of a load that was out when they came.
   */
  readonly #status = new Loader<QueueStatus>(this, (signal) => getQueue(this.api, signal));
  @state() private history: 'completed' | 'failed' | 'cancelled' = 'completed';

  constructor() {
    super();
    const reload = () => void this.#load();
    new LiveEvents(
      this,
      {
        download_progress: (message) => this.#progress(message.data),
        download_added: reload,
        download_complete: reload,
        download_failed: reload,
        download_removed: reload,
        // Counters only: the lists come from a reload.
        queue_status: reload,
        queue_started: reload,
        queue_stopped: reload,
        queue_paused: reload,
        queue_resumed: reload,
      },
      reload,
    );
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  get status(): QueueStatus | undefined {
    return this.#status.value;
  }

  async #load(): Promise<void> {
    await this.#status.run();
  }

  #progress(data: EventMap['download_progress']): void {
    const status = this.status;
    if (!status) return;
    if (!progressTarget(status, data)) {
      void this.#load();
      return;
    }
    this.#status.update((current) => withProgress(current, data));
  }

  async #do(action: () => Promise<unknown>, done?: string): Promise<void> {
    try {
      await action();
      if (done) this.dispatchEvent(new ToastEvent(done, 'ok'));
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
    await this.#load();
  }

  async #move(item: DownloadItem, delta: number): Promise<void> {
    if (!this.status) return;
    const ids = this.status.pending.map((pending) => pending.id);
    const index = ids.indexOf(item.id);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= ids.length) return;
    [ids[index], ids[target]] = [ids[target], ids[index]];
    this.#status.update((status) => ({ ...status, pending: ids.flatMap((id) => status.pending.filter((pending) => pending.id === id)) }));
    await this.#do(() => reorderQueue(this.api, ids));
  }

  /** Cancel stops a running transfer: asked first, since the user may have meant Pause. */
  async #cancel(item: DownloadItem): Promise<void> {
    const answer = await confirmDialog({
      heading: t('queue.cancelTitle', { name: `${item.name} ${episodeCode(item.season, item.episode)}` }),
      message: t('queue.cancelText'),
      confirmLabel: t('queue.cancelConfirm'),
      danger: true,
    });
    if (answer.confirmed) await this.#do(() => cancelItem(this.api, item.id), t('queue.cancelled'));
  }

  render() {
    const loadError = this.#status.status === 'error' ? this.#status.error : undefined;
    if (loadError instanceof ApiError && loadError.status === 404) {
      return html`<div class="page-header"><h1>${t('nav.queue')}</h1></div><aw-empty-state heading=${t('queue.noApi')} icon="queue"><span slot="text">${t('queue.noApiText')}</span></aw-empty-state>`;
    }
    const status = this.status;
    const running = status?.isRunning && !status.isPaused;
    // Cancelled items keep their .part for a retry: they are not failures and get their own tab.
    const failed = status?.failed.filter((item) => item.status !== 'cancelled') ?? [];
    const cancelled = status?.failed.filter((item) => item.status === 'cancelled') ?? [];
    const shown = this.history === 'completed' ? (status?.completed ?? []) : this.history === 'failed' ? failed : cancelled;
    return html`
      <div class="page-header">
        <h1>${t('nav.queue')}</h1>
        ${status ? html`<span class="state">${running && status.waiting ? html`<span class="badge warn">${t(`queue.holdBadge.${status.waiting.reason}`)}</span>` : running ? html`<span class="badge ok">${t('queue.running')}</span>` : status.isPaused ? html`<span class="badge warn">${t('queue.pausedState')}</span>` : html`<span class="badge">${t('queue.stopped')}</span>`}</span>` : nothing}
        <div class="toolbar">
          ${
            running
              ? html`<button type="button" @click=${() => void this.#do(() => queueAction(this.api, 'pause'), t('queue.pausedToast'))}>${icon('pause')}${t('queue.pauseAll')}</button>
                   <button type="button" @click=${() => void this.#do(() => queueAction(this.api, 'stop'), t('queue.stoppedToast'))}>${icon('stop')}${t('queue.stop')}</button>`
              : status?.isPaused
                ? html`<button type="button" class="primary" @click=${() => void this.#do(() => queueAction(this.api, 'resume'), t('queue.resumedToast'))}>${icon('play')}${t('queue.resumeAll')}</button>`
                : html`<button type="button" class="primary" @click=${() => void this.#do(() => queueAction(this.api, 'start'), t('queue.startedToast'))}>${icon('play')}${t('queue.start')}</button>`
          }
        </div>
      </div>
      ${loadState(this.#status, () => void this.#load())}
      ${status?.waiting ? html`<div class="notice warn" role="status">${t(`queue.hold.${status.waiting.reason}`)}${status.waiting.message ? html`<div class="small">${status.waiting.message}</div>` : nothing}</div>` : nothing}
      ${
        !status
          ? nothing
          : html`
        <section aria-labelledby="active-h">
          <h2 id="active-h">${t('queue.downloading')} <span class="badge">${formatNumber(status.active.length)}</span></h2>
          ${status.active.length === 0 ? html`<p class="muted small">${status.pending.length ? (running ? t('queue.startingNext') : t('queue.notRunning')) : t('queue.nothingDownloading')}</p>` : nothing}
          ${repeat(
            status.active,
            (item) => item.id,
            (item) => this.#activeItem(item),
          )}
        </section>
        <section aria-labelledby="pending-h">
          <h2 id="pending-h">${t('queue.waiting')} <span class="badge">${formatNumber(status.pending.length)}</span></h2>
          ${
            status.pending.length > 0
              ? this.#pendingTable(status.pending)
              : status.active.length === 0 && status.completed.length === 0
                ? html`<aw-empty-state heading=${t('queue.emptyTitle')} icon="queue"><span slot="text">${t('queue.emptyText')}</span><a class="button" href=${toUrl('/library')}>${t('queue.toLibrary')}</a></aw-empty-state>`
                : html`<p class="muted small">${t('queue.nothingWaiting')}</p>`
          }
        </section>
        <section aria-labelledby="history-h">
          <h2 id="history-h">${t('queue.history')}</h2>
          <div class="tabs">
            <div role="tablist" aria-labelledby="history-h">
              ${(['completed', 'failed', 'cancelled'] as const).map(
                (tab) =>
                  html`<button type="button" role="tab" id="tab-${tab}" aria-controls="history-panel" aria-selected=${this.history === tab ? 'true' : 'false'} @click=${() => {
                    this.history = tab;
                  }}>${t(`queue.tab.${tab}`, { count: (tab === 'completed' ? status.completed : tab === 'failed' ? failed : cancelled).length })}</button>`,
              )}
            </div>
            <span style="margin-left: auto" class="toolbar">
              ${
                this.history !== 'completed' && shown.length
                  ? html`<button type="button" @click=${() =>
                      void this.#do(
                        () =>
                          retryItems(
                            this.api,
                            shown.map((item) => item.id),
                          ),
                        t('queue.retriedAll'),
                      )}>${icon('refresh')}${t('queue.retryAll')}</button>`
                  : nothing
              }
              ${this.history === 'completed' && status.completed.length ? html`<button type="button" @click=${() => void this.#do(() => clearCompleted(this.api), t('queue.cleared'))}>${icon('trash')}${t('queue.clear')}</button>` : nothing}
            </span>
          </div>
          <div id="history-panel" role="tabpanel" aria-labelledby="tab-${this.history}">${this.#historyTable(shown)}</div>
        </section>`
      }`;
  }

  #name(item: DownloadItem) {
    return html`<span class="title"><a href=${toUrl(seriesPath(item.key))}>${item.name}</a><span class="code">${episodeCode(item.season, item.episode)}</span>${item.upgradeFrom ? html` <span class="badge info upgrade">${t('queue.upgrade', { from: languageLabel(item.upgradeFrom), to: languageLabel(item.language ?? '') })}</span>` : nothing}</span>`;
  }

  #activeItem(item: DownloadItem) {
    const paused = item.status === 'paused';
    return html`<article class="card item" aria-label=${`${item.name} ${episodeCode(item.season, item.episode)}`}>
      ${this.#name(item)}
      <div class="buttons">
        ${
          paused
            ? html`<button type="button" class="icon" aria-label=${t('queue.resume')} title=${t('queue.resume')} @click=${() => void this.#do(() => resumeItem(this.api, item.id))}>${icon('play', 16)}</button>`
            : html`<button type="button" class="icon" aria-label=${t('queue.pause')} title=${t('queue.pause')} @click=${() => void this.#do(() => pauseItem(this.api, item.id))}>${icon('pause', 16)}</button>`
        }
        <button type="button" class="icon danger" aria-label=${t('common.cancel')} title=${t('queue.cancelTitleHint')} @click=${() => void this.#cancel(item)}>${icon('x', 16)}</button>
      </div>
      <aw-progress-bar class="bar" label=${t('series.downloading', { code: `${item.name} ${episodeCode(item.season, item.episode)}` })} .value=${item.progress} tone=${paused ? 'warn' : 'accent'} ?indeterminate=${!paused && item.progress === 0 && item.downloadedBytes === 0}></aw-progress-bar>
      <div class="numbers">
        <span><strong>${formatPercent(item.progress)}</strong></span>
        <span>${formatBytes(item.downloadedBytes)}${item.totalBytes ? ` ${t('queue.of')} ${formatBytes(item.totalBytes)}` : ''}</span>
        <span>${paused ? t('series.paused') : html`<strong>${formatSpeed(item.speed)}</strong>`}</span>
        <span>${paused ? '' : t('series.left', { eta: formatEta(item.eta) })}</span>
        ${item.hoster ? html`<span>${item.hoster}${item.language ? ` · ${item.language}` : ''}</span>` : nothing}
        ${item.attempts > 1 ? html`<span>${t('queue.attempt', { count: item.attempts })}</span>` : nothing}
      </div>
    </article>`;
  }

  #pendingTable(items: DownloadItem[]) {
    return html`<div class="table-wrap"><table>
      <thead><tr><th class="hide-narrow">#</th><th>${t('queue.colEpisode')}</th><th class="hide-narrow">${t('queue.colPriority')}</th><th class="hide-narrow">${t('queue.colAdded')}</th><th><span class="visually-hidden">${t('series.colActions')}</span></th></tr></thead>
      <tbody>${repeat(
        items,
        (item) => item.id,
        (item, index) => html`<tr>
        <td class="pos hide-narrow">${index + 1}</td>
        <td>${this.#name(item)}${item.status === 'paused' ? html` <span class="badge warn">${t('series.paused')}</span>` : nothing}${item.error ? html`<div class="small muted">${item.error}</div>` : nothing}</td>
        <td class="hide-narrow"><label><span class="visually-hidden">${t('queue.priorityOf', { name: `${item.name} ${episodeCode(item.season, item.episode)}` })}</span>
          <select class="priority" @change=${(event: Event) => void this.#do(() => setPriority(this.api, item.id, Number((event.target as HTMLSelectElement).value)))}>
            <option value="10" ?selected=${item.priority > 0}>${t('queue.high')}</option><option value="0" ?selected=${item.priority === 0}>${t('queue.normal')}</option><option value="-10" ?selected=${item.priority < 0}>${t('queue.low')}</option>
          </select></label></td>
        <td class="hide-narrow small muted">${formatDateTime(item.createdAt)}</td>
        <td class="act">
          <button type="button" class="icon ghost" aria-label=${t('queue.moveUp')} title=${t('queue.moveUp')} ?disabled=${index === 0} @click=${() => void this.#move(item, -1)}>${icon('up', 16)}</button>
          <button type="button" class="icon ghost" aria-label=${t('queue.moveDown')} title=${t('queue.moveDown')} ?disabled=${index === items.length - 1} @click=${() => void this.#move(item, 1)}>${icon('down', 16)}</button>
          ${
            item.status === 'paused'
              ? html`<button type="button" class="icon ghost" aria-label=${t('queue.resume')} title=${t('queue.resume')} @click=${() => void this.#do(() => resumeItem(this.api, item.id))}>${icon('play', 16)}</button>`
              : html`<button type="button" class="icon ghost" aria-label=${t('queue.pause')} title=${t('queue.pause')} @click=${() => void this.#do(() => pauseItem(this.api, item.id))}>${icon('pause', 16)}</button>`
          }
          <button type="button" class="icon ghost" aria-label=${t('queue.removeFromQueue')} title=${t('queue.remove')} @click=${() => void this.#do(() => removeFromQueue(this.api, item.id), t('queue.removedToast'))}>${icon('x', 16)}</button>
        </td>
      </tr>`,
      )}</tbody>
    </table></div>`;
  }

  #historyTable(items: DownloadItem[]) {
    if (items.length === 0) return html`<p class="muted small">${t(`queue.none.${this.history}`)}</p>`;
    return html`<div class="table-wrap"><table>
      <thead><tr><th>${t('queue.colEpisode')}</th><th class="hide-narrow">${this.history === 'completed' ? t('queue.colSize') : t('queue.colAttempts')}</th><th>${this.history === 'completed' ? t('queue.colFinished') : t('queue.colReason')}</th><th><span class="visually-hidden">${t('series.colActions')}</span></th></tr></thead>
      <tbody>${repeat(
        items,
        (item) => item.id,
        (item) => html`<tr>
        <td>${this.#name(item)}${item.filePath ? html`<div class="small muted mono">${item.filePath}</div>` : nothing}</td>
        <td class="hide-narrow small nowrap">${this.history === 'completed' ? formatBytes(item.totalBytes ?? item.downloadedBytes) : t('queue.attempts', { count: item.attempts })}</td>
        <td class="small ${this.history === 'completed' ? 'nowrap' : ''}">${this.history === 'completed' ? formatDateTime(item.completedAt) : html`<div class="reason">${this.history === 'cancelled' ? t('queue.cancelledReason') : (item.error ?? t('queue.unknownError'))}</div>`}</td>
        <td class="act">${
          this.history !== 'completed'
            ? html`<button type="button" @click=${() => void this.#do(() => retryItems(this.api, [item.id]), t('queue.retried'))}>${icon('refresh', 16)}${this.history === 'cancelled' ? t('queue.resume') : t('queue.retry')}</button>
          <button type="button" class="icon ghost" aria-label=${t('queue.removeItem', { name: `${item.name} ${episodeCode(item.season, item.episode)}` })} title=${t('queue.removeHint')} @click=${() => void this.#do(() => removeFromQueue(this.api, item.id), t('queue.removedToast'))}>${icon('trash', 16)}</button>`
            : nothing
        }</td>
      </tr>`,
      )}</tbody>
    </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-queue-page': AwQueuePage;
  }
}

/** The item a progress message is about, active or still pending. */
function progressTarget(status: QueueStatus, data: EventMap['download_progress']): DownloadItem | undefined {
  const match = (item: DownloadItem) => item.id === data.item_id;
  return status.active.find(match) ?? status.pending.find(match);
}

/** The status with a progress message applied: the item shows the new numbers and counts as active. */
function withProgress(status: QueueStatus, data: EventMap['download_progress']): QueueStatus {
  const found = progressTarget(status, data);
  if (!found) return status;
  const updated = applyProgress(found, data);
  const wasActive = status.active.includes(found);
  return {
    ...status,
    active: wasActive ? status.active.map((item) => (item === found ? updated : item)) : [...status.active, updated],
    pending: status.pending.filter((item) => item !== found),
  };
}
