import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import type { ApiClient } from '../../data/api-client.ts';
import { ACTIVITY_GROUPS, getActivity, type ActivityGroup, type ActivityItem, type ActivityPage } from '../../data/activity.ts';
import { LiveEvents } from '../../data/live-events.ts';
import { Loader } from '../../data/loader.ts';
import { loadState } from '../../components/aw-load-state.ts';
import { seriesPath } from '../../routes.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-empty-state.ts';
import { toUrl } from '../../base.ts';
import { formatNumber, t } from '../../i18n/locale.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { activityText, activityTitle, activityTone } from './activity-text.ts';

const PAGE_SIZE = 50;

/** The activity log: what happened (series, scans, downloads, renames, provider, settings), newest first, by page. */
@customElement('aw-activity-page')
export class AwActivityPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .filters { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 12px; }
    .filters select { width: auto; }
    td.time { white-space: nowrap; width: 1%; color: var(--aw-text-muted); font-size: 0.85rem; }
    td.what { white-space: nowrap; width: 1%; }
    td.details { min-width: 200px; }
    .pager { display: flex; gap: 8px; align-items: center; justify-content: flex-end; margin-top: 12px; flex-wrap: wrap; }
  `,
  ];

  @property({ attribute: false }) query = new URLSearchParams();
  @consume({ context: apiContext }) private api!: ApiClient;
  /** A new filter or page aborts the load of the one before; its late answer is dropped. */
  readonly #page = new Loader<ActivityPage>(this, (signal) => getActivity(this.api, { offset: this.#offset, limit: PAGE_SIZE, group: this.#group }, signal));

  constructor() {
    super();
    // New entries appear on the first page as they happen.
    const reload = () => {
      if ((this.page?.offset ?? 0) === 0) void this.#load();
    };
    new LiveEvents(
      this,
      {
        series_added: reload,
        series_removed: reload,
        scan_complete: reload,
        download_complete: reload,
        download_failed: reload,
        episodes_renamed: reload,
      },
      reload,
    );
  }

  get #group(): ActivityGroup | undefined {
    const value = this.query.get('type');
    return value && value in ACTIVITY_GROUPS ? (value as ActivityGroup) : undefined;
  }

  get #offset(): number {
    const value = Number(this.query.get('offset'));
    return Number.isInteger(value) && value > 0 ? value : 0;
  }

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('query') && changed.get('query') !== undefined) void this.#load();
  }

  get page(): ActivityPage | undefined {
    return this.#page.value;
  }

  async #load(): Promise<void> {
    await this.#page.run();
  }

  #go(patch: { type?: string; offset?: number }): void {
    const next = new URLSearchParams();
    const type = patch.type ?? this.#group ?? '';
    const offset = patch.offset ?? 0;
    if (type) next.set('type', type);
    if (offset > 0) next.set('offset', String(offset));
    const search = next.toString();
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
    this.query = next;
  }

  render() {
    const group = this.#group ?? '';
    return html`
      <div class="page-header"><h1>${t('nav.activity')}</h1></div>
      <div class="filters">
        <label for="activity-type">${t('activity.filter')}</label>
        <select id="activity-type" @change=${(event: Event) => this.#go({ type: (event.target as HTMLSelectElement).value, offset: 0 })}>
          <option value="" ?selected=${group === ''}>${t('activity.all')}</option>
          ${(Object.keys(ACTIVITY_GROUPS) as ActivityGroup[]).map((name) => html`<option value=${name} ?selected=${group === name}>${t(`activity.group.${name}`)}</option>`)}
        </select>
      </div>
      ${loadState(this.#page, () => void this.#load())}
      ${this.#body()}`;
  }

  #body() {
    const page = this.page;
    if (!page) return nothing;
    if (page.total === 0)
      return html`<aw-empty-state heading=${t('activity.emptyTitle')} icon="clock"><span slot="text">${t('activity.emptyText')}</span></aw-empty-state>`;
    const last = Math.min(page.offset + page.items.length, page.total);
    return html`<div class="table-wrap"><table>
        <thead><tr><th>${t('activity.colTime')}</th><th>${t('activity.colEvent')}</th><th>${t('activity.colSeries')}</th><th>${t('activity.colDetails')}</th></tr></thead>
        <tbody>${page.items.map((item) => this.#row(item))}</tbody>
      </table></div>
      <div class="pager">
        <span class="small muted" aria-live="polite">${t('activity.range', { first: formatNumber(page.offset + 1), last: formatNumber(last), total: formatNumber(page.total) })}</span>
        <button type="button" aria-disabled=${page.offset === 0 ? 'true' : 'false'} @click=${() => {
          if (page.offset > 0) this.#go({ offset: Math.max(0, page.offset - PAGE_SIZE) });
        }}>${t('activity.newer')}</button>
        <button type="button" aria-disabled=${last >= page.total ? 'true' : 'false'} @click=${() => {
          if (last < page.total) this.#go({ offset: page.offset + PAGE_SIZE });
        }}>${t('activity.older')}</button>
      </div>`;
  }

  #row(item: ActivityItem) {
    const name =
      typeof item.data.name === 'string' ? item.data.name : typeof item.data.serie_name === 'string' ? item.data.serie_name : (item.folder ?? item.key);
    return html`<tr data-type=${item.type}>
      <td class="time" title=${formatDateTime(item.timestamp)}><time datetime=${item.timestamp}>${formatRelative(item.timestamp)}</time></td>
      <td class="what"><span class="badge ${activityTone(item)}">${activityTitle(item)}</span></td>
      <td>${item.key && item.type !== 'series_removed' ? html`<a href=${toUrl(seriesPath(item.key))}>${name}</a>` : (name ?? '–')}</td>
      <td class="details">${activityText(item)}</td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-activity-page': AwActivityPage;
  }
}
