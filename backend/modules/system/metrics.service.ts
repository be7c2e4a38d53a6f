import type { DomainEvent, EventBus } from '../../events/bus.ts';
import type { Exposition, Family, GaugeReader, Labels } from './metrics-exposition.ts';

export type { GaugeReader } from './metrics-exposition.ts';

/** Request durations: prom-client's default buckets (5 ms to 10 s). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** An episode takes seconds on a fast line and an hour under a speed limit. */
const DOWNLOAD_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const SCAN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * Prometheus metrics. Counters and histograms come from domain events (the bus is the one
 * fan-out point) and from the HTTP middleware; gauges are read at scrape time through callbacks
 * that services register (`metrics.gauge('aniworld_queue_items', help, () => ...)`).
 *
 * The numbers live here, in fixed-size families (one bucket array per label set), so recording
 * costs a map lookup and nothing has to be loaded for it. prom-client (the registry, the standard
 * process metrics and the text format) is loaded by the first scrape: most installations never
 * enable metrics and should not pay for it.
 */
export class MetricsService {
  readonly #families = new Map<string, Family>();
  readonly #gauges = new Map<string, { help: string; read: GaugeReader }>();
  readonly #version: string;
  readonly #scanStarts = new Map<string, number>();
  readonly #downloadBytes = new Map<string, number>();
  readonly #downloadStarts = new Map<string, number>();
  readonly #now: () => number;
  readonly #loadExposition: () => Promise<Exposition>;
  #exposition: Promise<Exposition> | undefined;

  /** `loadExposition`: how the first scrape gets prom-client (the default imports it then). */
  constructor(options: { version: string; now?: () => number; loadExposition?: () => Promise<Exposition> }) {
    this.#version = options.version;
    this.#now = options.now ?? (() => performance.now());
    this.#loadExposition = options.loadExposition ?? (async () => (await import('./metrics-exposition.ts')).createExposition());
    this.gauge('aniworld_info', 'Version of the running AniWorld.', () => [{ labels: { version: this.#version }, value: 1 }]);
    this.#declare('aniworld_events_total', 'counter', 'Domain events published, by type.');
    this.#declare('aniworld_downloads_total', 'counter', 'Finished download attempts, by result (completed, failed).');
    this.#declare('aniworld_downloads_completed_total', 'counter', 'Episodes downloaded.');
    this.#declare('aniworld_downloads_failed_total', 'counter', 'Download attempts that failed.');
    this.#declare('aniworld_download_bytes_total', 'counter', 'Bytes written by downloads.');
    this.#declare('aniworld_download_duration_seconds', 'histogram', 'Seconds from the start of a transfer to the finished file.', DOWNLOAD_BUCKETS);
    this.#declare('aniworld_scans_total', 'counter', 'Library scans finished, by scope and result.');
    this.#declare('aniworld_scan_duration_seconds', 'histogram', 'Duration of finished library scans, by scope.', SCAN_BUCKETS);
    this.#declare('aniworld_provider_errors_total', 'counter', 'Errors from the provider or a hoster, by component.');
    this.#declare('aniworld_health_issues_total', 'counter', 'Health issues reported, by component.');
    this.#declare('http_request_duration_seconds', 'histogram', 'HTTP requests by method, matched route and status.', HTTP_BUCKETS);
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
        if (response.status >= 500 || response.status === 429 || response.status === 403)
          this.increment('aniworld_provider_errors_total', { component, reason: `http_${response.status}` });
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
    const entry = series(family, labels);
    entry.sum += by;
  }

  /** One value into a histogram family (declared in the constructor). */
  observeValue(name: string, labels: Labels, value: number): void {
    const family = this.#families.get(name);
    if (!family?.buckets) throw new Error(`${name} is not a histogram`);
    const entry = series(family, labels);
    entry.sum += value;
    entry.count += 1;
    for (let index = 0; index < family.buckets.length; index++) {
      if (value <= family.buckets[index]) entry.counts[index] += 1;
    }
  }

  /** An answered HTTP request; `route` is the router's pattern (`/api/anime/:key`), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.observeValue('http_request_duration_seconds', { method, route, status: String(status) }, seconds);
  }

  /** The Prometheus text format (version 0.0.4) and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    this.#exposition ??= this.#loadExposition();
    const exposition = await this.#exposition.catch((error: unknown) => {
      this.#exposition = undefined;
      throw error;
    });
    return exposition.render(this.#families, this.#gauges);
  }

  #declare(name: string, type: Family['type'], help: string, buckets?: readonly number[]): Family {
    const family: Family = { name, help, type, buckets, values: new Map() };
    this.#families.set(name, family);
    return family;
  }

  #record(event: DomainEvent): void {
    this.increment('aniworld_events_total', { type: event.type });
    const data = event.data as Record<string, unknown>;
    const item = String(data.item_id);
    switch (event.type) {
      case 'download_progress': {
        const bytes = event.data.progress.downloaded_bytes;
        const before = this.#downloadBytes.get(item) ?? 0;
        // A retry restarts the count (or resumes lower): only growth is new bytes.
        if (bytes > before) this.increment('aniworld_download_bytes_total', {}, bytes - before);
        this.#downloadBytes.set(item, bytes);
        if (!this.#downloadStarts.has(item)) this.#downloadStarts.set(item, this.#now());
        break;
      }
      case 'download_complete': {
        const started = this.#downloadStarts.get(item);
        if (started !== undefined) this.observeValue('aniworld_download_duration_seconds', {}, (this.#now() - started) / 1000);
        this.#forget(item);
        this.increment('aniworld_downloads_completed_total');
        this.increment('aniworld_downloads_total', { result: 'completed' });
        break;
      }
      case 'download_failed':
        this.#forget(item);
        this.increment('aniworld_downloads_failed_total');
        this.increment('aniworld_downloads_total', { result: 'failed' });
        break;
      case 'download_removed':
        this.#forget(item);
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
        if (started !== undefined && event.type === 'scan_complete')
          this.observeValue('aniworld_scan_duration_seconds', { scope }, (this.#now() - started) / 1000);
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

  #forget(item: string): void {
    this.#downloadBytes.delete(item);
    this.#downloadStarts.delete(item);
  }
}

function scanId(data: Record<string, unknown>): string {
  return `${String(data.scope ?? 'library')}:${String(data.key ?? '')}`;
}

/** The label set's entry in a family, created at zero. */
function series(family: Family, labels: Labels) {
  const id = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',');
  let entry = family.values.get(id);
  if (!entry) {
    entry = { labels, sum: 0, count: 0, counts: family.buckets ? family.buckets.map(() => 0) : [] };
    family.values.set(id, entry);
  }
  return entry;
}
