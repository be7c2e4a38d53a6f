import type { Orm } from '../../db/orm.ts';

/** `check` is the provider's own: it answers with an anti-bot check (see providers/provider-health.ts). */
export type ComponentState = { readonly status: 'ok' | 'degraded' | 'down' | 'disabled' | 'check'; readonly [detail: string]: unknown };
export type HealthProbe = () => ComponentState | Promise<ComponentState>;

/**
 * Health is the database (a real query) plus whatever components the composition root
 * registers (job store, watcher). Overall status is the worst component.
 */
export class HealthService {
  readonly #orm: Orm;
  readonly #version: string;
  readonly #startedAt: number;
  readonly #probes = new Map<string, HealthProbe>();

  constructor(options: { orm: Orm; version: string; startedAt?: number }) {
    this.#orm = options.orm;
    this.#version = options.version;
    this.#startedAt = options.startedAt ?? Date.now();
  }

  register(name: string, probe: HealthProbe): void {
    this.#probes.set(name, probe);
  }

  async check(): Promise<Record<string, unknown> & { status: 'ok' | 'degraded' | 'down' }> {
    const components: Record<string, ComponentState> = { db: await this.#database() };
    for (const [name, probe] of this.#probes) {
      try {
        components[name] = await probe();
      } catch (error) {
        components[name] = { status: 'down', error: (error as Error).message };
      }
    }
    const states = Object.values(components).map((component) => component.status);
    // Only the database takes the whole app down (503): an unwell provider or watcher degrades it.
    const status =
      components.db.status === 'down' ? 'down' : states.some((state) => state === 'down' || state === 'degraded' || state === 'check') ? 'degraded' : 'ok';
    return {
      status,
      version: this.#version,
      uptime_seconds: Math.round((Date.now() - this.#startedAt) / 1000),
      ...components,
    };
  }

  async #database(): Promise<ComponentState> {
    const started = performance.now();
    try {
      const rows = await this.#orm.em.getConnection().execute('select count(*) as series from series');
      return { status: 'ok', latency_ms: Math.round((performance.now() - started) * 100) / 100, series: Number(rows[0]?.series ?? 0) };
    } catch (error) {
      return { status: 'down', error: (error as Error).message };
    }
  }
}
