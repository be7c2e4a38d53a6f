import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DomainEvent, EventBus } from '../../events/bus.ts';

type Labels = Record<string, string>;
export type GaugeReader = () => number | readonly { labels: Labels; value: number }[] | Promise<number | readonly { labels: Labels; value: number }[]>;

interface Family { readonly help: string; readonly type: 'counter' | 'gauge' | 'summary'; readonly values: Map<string, { labels: Labels; value: number }> }

/**
 * Prometheus metrics. Counters come from domain events (the bus is the one fan-out point);
 * gauges are read at scrape time through callbacks that services register
 * (`metrics.gauge('aniworld_queue_items', help, () => ...)`), so nothing is polled in between.
 */
export class MetricsService {
  readonly #families = new Map<string, Family>();
  readonly #gauges = new Map<string, { help: string; read: GaugeReader }>();
  readonly #version: string;
  readonly #scanStarts = new Map<string, number>();
  readonly #downloadBytes = new Map<string, number>();
  readonly #now: () => number;
  /** Started by the first scrape: each scrape reports the delay since the one before. */
  #loopDelay: ReturnType<typeof monitorEventLoopDelay> | undefined;

  constructor(options: { version: string; now?: () => number }) {
    this.#version = options.version;
    this.#now = options.now ?? (() => performance.now());
    this.#declare('aniworld_events_total', 'counter', 'Domain events published, by type.');
    this.#declare('aniworld_downloads_completed_total', 'counter', 'Episodes downloaded.');
    this.#declare('aniworld_downloads_failed_total', 'counter', 'Download attempts that failed.');
    this.#declare('aniworld_download_bytes_total', 'counter', 'Bytes written by downloads.');
    this.#declare('aniworld_scans_total', 'counter', 'Library scans finished, by scope and result.');
    this.#declare('aniworld_scan_duration_seconds', 'summary', 'Duration of finished library scans, by scope.');
    this.#declare('aniworld_provider_errors_total', 'counter', 'Errors from the provider or a hoster, by component.');
    this.#declare('aniworld_health_issues_total', 'counter', 'Health issues reported, by component.');
  }

  /** Subscribes to the bus; returns the unsubscribe function for the composition root. */
  observe(events: EventBus): () => void {
    return events.subscribe((event) => this.#record(event));
  }

  /**
   * Wraps fetch for an outside service (the provider's HTTP client takes a `fetch`): network
   * errors, 403 (challenge pages), 429 and 5xx answers count as errors of that component.
   */
  countingFetch(component: string, base: typeof fetch = fetch): typeof fetch {
    return async (input, init) => {
      try {
        const response = await base(input, init);
        if (response.status >= 500 || response.status === 429 || response.status === 403) this.increment('aniworld_provider_errors_total', { component, reason: `http_${response.status}` });
        return response;
      } catch (error) {
        if ((error as Error).name !== 'AbortError') this.increment('aniworld_provider_errors_total', { component, reason: 'network' });
        throw error;
      }
    };
  }

  gauge(name: string, help: string, read: GaugeReader): void {
    this.#gauges.set(name, { help, read });
  }

  increment(name: string, labels: Labels = {}, by = 1): void {
    const family = this.#families.get(name) ?? this.#declare(name, 'counter', name);
    const id = labelKey(labels);
    const entry = family.values.get(id) ?? { labels, value: 0 };
    entry.value += by;
    family.values.set(id, entry);
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    const emit = (name: string, type: string, help: string, samples: Iterable<{ labels: Labels; value: number; suffix?: string }>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const sample of samples) lines.push(`${name}${sample.suffix ?? ''}${formatLabels(sample.labels)} ${formatNumber(sample.value)}`);
    };
    emit('aniworld_info', 'gauge', 'Version of the running AniWorld.', [{ labels: { version: this.#version }, value: 1 }]);
    const memory = process.memoryUsage();
    emit('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [{ labels: {}, value: memory.rss }]);
    emit('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use, bytes.', [{ labels: {}, value: memory.heapUsed }]);
    emit('process_uptime_seconds', 'gauge', 'Seconds since the process started.', [{ labels: {}, value: Math.round(process.uptime()) }]);
    if (this.#loopDelay) {
      const delay = this.#loopDelay;
      const quantiles = delay.count === 0 ? [] : [0.5, 0.99, 1].map((quantile) => ({ labels: { quantile: String(quantile) }, value: delay.percentile(quantile * 100) / 1e9 }));
      emit('aniworld_event_loop_delay_seconds', 'gauge', 'How late the event loop ran timers since the previous scrape, by quantile (1 = the longest).', quantiles);
      delay.reset();
    } else {
      this.#loopDelay = monitorEventLoopDelay({ resolution: 10 });
      this.#loopDelay.enable();
    }
    for (const [name, family] of this.#families) {
      if (family.type === 'summary') {
        const samples: { labels: Labels; value: number; suffix: string }[] = [];
        for (const entry of family.values.values()) {
          const { stat, ...labels } = entry.labels;
          samples.push({ labels, value: entry.value, suffix: `_${stat}` });
        }
        emit(name, 'summary', family.help, samples);
      } else {
        emit(name, family.type, family.help, family.values.values());
      }
    }
    for (const [name, gauge] of this.#gauges) {
      try {
        const value = await gauge.read();
        emit(name, 'gauge', gauge.help, typeof value === 'number' ? [{ labels: {}, value }] : value);
      } catch {
        // A failing reader drops its gauge from this scrape; the others still answer.
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #declare(name: string, type: Family['type'], help: string): Family {
    const family: Family = { help, type, values: new Map() };
    this.#families.set(name, family);
    return family;
  }

  #record(event: DomainEvent): void {
    this.increment('aniworld_events_total', { type: event.type });
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'download_progress': {
        const item = event.data.item_id;
        const bytes = event.data.progress.downloaded_bytes;
        const before = this.#downloadBytes.get(item) ?? 0;
        // A retry restarts the count (or resumes lower): only growth is new bytes.
        if (bytes > before) this.increment('aniworld_download_bytes_total', {}, bytes - before);
        this.#downloadBytes.set(item, bytes);
        break;
      }
      case 'download_complete':
        this.#downloadBytes.delete(event.data.item_id);
        this.increment('aniworld_downloads_completed_total');
        break;
      case 'download_failed':
        this.#downloadBytes.delete(event.data.item_id);
        this.increment('aniworld_downloads_failed_total');
        break;
      case 'download_removed':
        this.#downloadBytes.delete(String(data.item_id));
        break;
      case 'scan_started':
        this.#scanStarts.set(scanId(data), this.#now());
        break;
      case 'scan_complete':
      case 'scan_failed': {
        const scope = String(data.scope ?? 'library');
        this.increment('aniworld_scans_total', { scope, result: event.type === 'scan_complete' ? 'ok' : 'failed' });
        const started = this.#scanStarts.get(scanId(data));
        this.#scanStarts.delete(scanId(data));
        if (started !== undefined && event.type === 'scan_complete') {
          this.increment('aniworld_scan_duration_seconds', { scope, stat: 'sum' }, (this.#now() - started) / 1000);
          this.increment('aniworld_scan_duration_seconds', { scope, stat: 'count' });
        }
        break;
      }
      case 'health_issue': {
        const component = String(data.component);
        this.increment('aniworld_health_issues_total', { component });
        if (/provider|hoster/i.test(component)) this.increment('aniworld_provider_errors_total', { component, reason: 'health_issue' });
        break;
      }
    }
  }
}

function scanId(data: Record<string, unknown>): string {
  return `${String(data.scope ?? 'library')}:${String(data.key ?? '')}`;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((key) => `${key}=${labels[key]}`).join(',');
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
}
