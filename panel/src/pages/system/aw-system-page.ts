import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { getHealth, getLogs, healthComponents, type ComponentHealth, type Health, type LogLine } from '../../data/system.ts';
import { ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { formatBytes, formatDateTime, formatDuration } from '../../lib/format.ts';
import { sharedStyles } from '../../styles/shared.ts';
import '../../components/aw-load-state.ts';
import './aw-provider-test.ts';
import './aw-scheduled-tasks.ts';
import './aw-database-backups.ts';
import { formatNumber, locale, t, tCode } from '../../i18n/locale.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Health of every component, the scheduled tasks (run now), database backups, recent log lines, the version. */
@customElement('aw-system-page')
export class AwSystemPage extends LitElement {
  static styles = [
    sharedStyles,
    css`
    .overview { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin-bottom: 16px; }
    .overview > .card { margin: 0; }
    .tile { padding: 14px 16px; }
    .tile .label { color: var(--aw-text-muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.03em; font-weight: 600; }
    .tile .value { font-size: 1.25rem; font-weight: 650; margin-top: 4px; display: flex; align-items: center; gap: 8px; }
    .details { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.82rem; color: var(--aw-text-muted); }
    .details b { color: var(--aw-text); font-weight: 600; }
    .logs { font-family: var(--aw-mono); font-size: 0.78rem; max-height: 420px; overflow: auto; background: var(--aw-surface-2); border: 1px solid var(--aw-border); border-radius: 8px; padding: 8px 0; }
    .line { display: grid; grid-template-columns: 76px 52px 1fr; gap: 10px; padding: 2px 12px; }
    .line:hover { background: var(--aw-surface); }
    .line .lvl { font-weight: 700; text-transform: uppercase; }
    .line.warn .lvl { color: var(--aw-warn); }
    .line.error .lvl, .line.fatal .lvl { color: var(--aw-danger); }
    .line.debug .lvl, .line.trace .lvl { color: var(--aw-text-muted); }
    .line .msg { word-break: break-word; }
    .line .extra { color: var(--aw-text-muted); }
    @media (max-width: 640px) { .line { grid-template-columns: 1fr; gap: 0; padding: 4px 12px; } }
  `,
  ];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private health: Health | undefined;
  @state() private error = '';
  @state() private logs: LogLine[] | undefined;
  @state() private logsError = '';
  @state() private level = 'info';
  #timer: ReturnType<typeof setInterval> | undefined;

  connectedCallback(): void {
    super.connectedCallback();
    void this.#loadHealth();
    void this.#loadLogs();
    this.#timer = setInterval(() => void this.#loadHealth(), 15_000);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #loadHealth(): Promise<void> {
    try {
      this.health = await getHealth();
      this.error = '';
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  async #loadLogs(): Promise<void> {
    try {
      this.logs = (await getLogs(this.api, 200, this.level)).lines.slice().reverse();
      this.logsError = '';
    } catch (error) {
      this.logsError = error instanceof ApiError && error.status === 404 ? t('system.noLogsApi') : errorMessage(error);
    }
  }

  async #downloadDiagnostics(): Promise<void> {
    try {
      const bundle = await this.api.get<unknown>('/api/system/diagnostics');
      const url = URL.createObjectURL(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `aniworld-diagnostics-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  #statusBadge(status: string) {
    const tone = status === 'ok' ? 'ok' : status === 'degraded' || status === 'check' ? 'warn' : status === 'disabled' ? '' : 'danger';
    return html`<span class="badge ${tone}">${tCode('status', status, status)}</span>`;
  }

  #details(component: ComponentHealth) {
    const entries = Object.entries(component).filter(([key, value]) => key !== 'status' && (typeof value !== 'object' || value === null));
    return html`<div class="details">${entries.map(([key, value]) => html`<span>${tCode('detail', key, key.replace(/_/g, ' '))}: <b>${this.#value(key, value)}</b></span>`)}</div>`;
  }

  #value(key: string, value: unknown): string {
    if (typeof value === 'number' && /bytes/.test(key)) return formatBytes(value);
    if (typeof value === 'number' && /seconds/.test(key)) return formatDuration(value);
    if (typeof value === 'string' && /_at$/.test(key)) return formatDateTime(value);
    if (typeof value === 'number') return formatNumber(value);
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
    return String(value);
  }

  render() {
    const health = this.health;
    const components = health ? healthComponents(health) : [];
    return html`
      <div class="page-header"><h1>${t('nav.system')}</h1>
        <div class="toolbar">
          <button type="button" @click=${() => {
            void this.#loadHealth();
            void this.#loadLogs();
          }}>${icon('refresh')}${t('system.refresh')}</button>
          <button type="button" @click=${() => void this.#downloadDiagnostics()}>${icon('download')}${t('system.diagnostics')}</button>
        </div></div>
      ${this.error ? html`<aw-load-state state="error" message=${this.error} @aw-retry=${() => void this.#loadHealth()}></aw-load-state>` : nothing}
      ${
        health
          ? html`<div class="overview">
        <div class="card tile"><div class="label">${t('system.status')}</div><div class="value">${this.#statusBadge(health.status)}</div></div>
        <div class="card tile"><div class="label">${t('system.version')}</div><div class="value">${health.version}</div></div>
        <div class="card tile"><div class="label">${t('system.uptime')}</div><div class="value">${formatDuration(health.uptime_seconds)}</div></div>
        <div class="card tile"><div class="label">${t('system.components')}</div><div class="value">${t('system.componentsOk', { count: components.filter(([, component]) => component.status === 'ok').length })}${components.some(([, component]) => component.status === 'disabled') ? html`<span class="small muted">· ${t('system.componentsOff', { count: components.filter(([, component]) => component.status === 'disabled').length })}</span>` : nothing}</div></div>
      </div>
      <section class="card" aria-labelledby="components-h">
        <h2 id="components-h">${t('system.health')}</h2><p class="card-intro">${t('system.healthIntro')}</p>
        <div class="table-wrap"><table><thead><tr><th>${t('system.colComponent')}</th><th>${t('system.status')}</th><th>${t('system.colDetails')}</th></tr></thead>
          <tbody>${components.map(([name, component]) => html`<tr><td><b>${tCode('component', name, name)}</b></td><td>${this.#statusBadge(component.status)}</td><td>${this.#details(component)}</td></tr>`)}</tbody></table></div>
      </section>`
          : this.error
            ? nothing
            : html`<aw-load-state state="pending"></aw-load-state>`
      }
      <aw-provider-test @provider-tested=${() => void this.#loadHealth()}></aw-provider-test>
      <aw-scheduled-tasks></aw-scheduled-tasks>
      <aw-database-backups></aw-database-backups>
      <section class="card" aria-labelledby="logs-h">
        <div class="page-header" style="margin-bottom: 8px"><h2 id="logs-h">${t('system.logs')}</h2>
          <label><span class="visually-hidden">${t('system.minLevel')}</span><select @change=${(event: Event) => {
            this.level = (event.target as HTMLSelectElement).value;
            void this.#loadLogs();
          }}>
            ${LEVELS.map((level) => html`<option value=${level} ?selected=${level === this.level}>${t('system.levelAndAbove', { level })}</option>`)}</select></label></div>
        ${
          this.logsError
            ? html`<p class="muted small">${this.logsError}</p>`
            : !this.logs
              ? html`<p class="muted small">${t('common.loading')}</p>`
              : this.logs.length === 0
                ? html`<p class="muted small">${t('system.noLogLines')}</p>`
                : html`<div class="logs" role="log" tabindex="0" aria-label=${t('system.logAria')}>
          ${this.logs.map((line) => {
            const { time, level, msg, pid: _pid, hostname: _host, ...rest } = line;
            const extra = Object.entries(rest)
              .filter(([, value]) => value !== undefined && typeof value !== 'object')
              .map(([key, value]) => `${key}=${String(value)}`)
              .join(' ');
            return html`<div class="line ${String(level)}"><span class="muted" title=${formatDateTime(time ?? null)}>${logTime(time)}</span><span class="lvl">${String(level ?? '')}</span><span class="msg">${msg ?? ''} <span class="extra">${extra}</span></span></div>`;
          })}</div>`
        }
      </section>`;
  }
}

function logTime(time: string | number | undefined): string {
  const date = new Date(time ?? '');
  return Number.isFinite(date.getTime()) ? date.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }) : '';
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-system-page': AwSystemPage;
  }
}
