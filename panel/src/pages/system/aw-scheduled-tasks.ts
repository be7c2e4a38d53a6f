import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext } from '../../context.ts';
import { ApiError, errorMessage, type ApiClient } from '../../data/api-client.ts';
import { getTasks, runTask, type ScheduledTask } from '../../data/system.ts';
import { ToastEvent } from '../../components/events.ts';
import { icon } from '../../components/icons.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { sharedStyles } from '../../styles/shared.ts';
import { t, tCode } from '../../i18n/locale.ts';

/** While a task runs (or was just started), the table is read again this often. */
const POLL_MS = 2000;

/** The scheduled tasks with their last and next run, and "Run now" for each. */
@customElement('aw-scheduled-tasks')
export class AwScheduledTasks extends LitElement {
  static styles = [sharedStyles];

  @consume({ context: apiContext }) private api!: ApiClient;
  @state() private tasks: ScheduledTask[] | undefined;
  @state() private note = '';
  /** Tasks started from here whose run has not been seen yet. */
  @state() private starting = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  async #load(): Promise<void> {
    clearTimeout(this.#timer);
    try {
      const answer = await getTasks(this.api);
      const tasks = Array.isArray(answer) ? answer : answer.tasks;
      const before = new Map((this.tasks ?? []).map((task) => [task.name, task]));
      // A start is seen once the task runs or its last run changed.
      const starting = new Set(
        [...this.starting].filter((name) => {
          const task = tasks.find((entry) => entry.name === name);
          return task && !task.running && task.last_run_at === before.get(name)?.last_run_at;
        }),
      );
      this.tasks = tasks;
      this.starting = starting;
      this.note = '';
    } catch (error) {
      this.note = error instanceof ApiError && error.status === 404 ? t('system.noTasksApi') : errorMessage(error);
    }
    if (!this.isConnected) return;
    if (this.starting.size > 0 || this.tasks?.some((task) => task.running)) this.#timer = setTimeout(() => void this.#load(), POLL_MS);
  }

  async #run(task: ScheduledTask): Promise<void> {
    if (task.running || this.starting.has(task.name)) return;
    try {
      await runTask(this.api, task.name);
      this.starting = new Set([...this.starting, task.name]);
      this.dispatchEvent(new ToastEvent(t('tasks.started', { task: taskLabel(task.name) }), 'ok'));
      await this.#load();
    } catch (error) {
      this.dispatchEvent(new ToastEvent(errorMessage(error), 'error'));
    }
  }

  #state(task: ScheduledTask) {
    if (task.running) return html`<span class="badge warn">${t('tasks.running')}</span>`;
    if (this.starting.has(task.name)) return html`<span class="badge">${t('tasks.starting')}</span>`;
    return task.state ? tCode('taskState', task.state, task.state) : '';
  }

  render() {
    return html`<section class="card" aria-labelledby="tasks-h">
      <h2 id="tasks-h">${t('system.tasks')}</h2><p class="card-intro">${t('system.tasksIntro')}</p>
      ${
        this.tasks
          ? this.tasks.length === 0
            ? html`<p class="muted small">${t('system.noTasks')}</p>`
            : html`<div class="table-wrap"><table>
        <thead><tr><th>${t('system.colTask')}</th><th>${t('system.colNext')}</th><th>${t('system.colLast')}</th><th>${t('series.colState')}</th><th><span class="visually-hidden">${t('series.colActions')}</span></th></tr></thead>
        <tbody>${this.tasks.map((task) => {
          const busy = Boolean(task.running) || this.starting.has(task.name);
          return html`<tr><td><b>${taskLabel(task.name)}</b><div class="small muted mono">${task.name}</div></td>
          <td class="small">${task.next_run_at ? html`${formatRelative(task.next_run_at)} <span class="muted">(${formatDateTime(task.next_run_at)})</span>` : t('tasks.noSchedule')}</td>
          <td class="small">${task.last_run_at ? formatRelative(task.last_run_at) : t('tasks.never')}</td>
          <td class="small" aria-live="polite">${this.#state(task)}${task.last_error ? html` <span class="badge danger" title=${task.last_error}>${task.last_error.slice(0, 60)}</span>` : nothing}</td>
          <td style="text-align: right"><button type="button" aria-disabled=${busy ? 'true' : 'false'} aria-label=${t('tasks.runNowAria', { task: taskLabel(task.name) })} @click=${() => void this.#run(task)}>${icon('play')}${t('tasks.runNow')}</button></td></tr>`;
        })}</tbody></table></div>`
          : html`<p class="muted small">${this.note || t('common.loading')}</p>`
      }
    </section>`;
  }
}

function taskLabel(name: string): string {
  return tCode(
    'task',
    name,
    name.replace(/[-_]/g, ' ').replace(/^\w/, (first) => first.toUpperCase()),
  );
}

declare global {
  interface HTMLElementTagNameMap {
    'aw-scheduled-tasks': AwScheduledTasks;
  }
}
