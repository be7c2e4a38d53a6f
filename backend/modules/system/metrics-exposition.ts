import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

export type Labels = Record<string, string>;
export type GaugeReader = () => number | readonly { labels: Labels; value: number }[] | Promise<number | readonly { labels: Labels; value: number }[]>;

/** One metric family as MetricsService keeps it: a counter's value is `sum`; a histogram has bucket counts too. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly buckets?: readonly number[];
  readonly values: Map<string, { readonly labels: Labels; sum: number; count: number; readonly counts: number[] }>;
}

export interface Exposition {
  render(
    families: ReadonlyMap<string, Family>,
    gauges: ReadonlyMap<string, { help: string; read: GaugeReader }>,
  ): Promise<{ contentType: string; body: string }>;
}

type Sample = { value: number; labels: Labels; metricName?: string };

/**
 * prom-client's registry with the standard process and Node.js metrics (`collectDefaultMetrics`:
 * CPU, resident memory, heap, event-loop lag, GC, handles). Our families are registered as
 * metrics whose `get()` reads MetricsService's numbers at scrape time, so prom-client formats
 * them without holding a second copy.
 */
export function createExposition(): Exposition {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registered = new Set<string>();
  const register = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', values: () => Promise<Sample[]> | Sample[]) => {
    // prom-client renders any registered object through its get(); the cast is for its class-based typing.
    const metric = { name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: await values() }) };
    registry.registerMetric(metric as unknown as Metric);
    registered.add(name);
  };
  // Names kept from before prom-client (dashboards read them); its own are nodejs_heap_size_used_bytes and process_start_time_seconds.
  register('nodejs_heap_used_bytes', 'V8 heap in use, bytes.', 'gauge', () => [{ labels: {}, value: process.memoryUsage().heapUsed }]);
  register('process_uptime_seconds', 'Seconds since the process started.', 'gauge', () => [{ labels: {}, value: Math.round(process.uptime()) }]);
  // Gauge readers run once per scrape, before rendering: one that fails leaves its family out of
  // this scrape only (prom-client would fail the whole answer).
  let readings = new Map<string, Sample[]>();
  return {
    async render(families, gauges) {
      for (const family of families.values()) {
        if (!registered.has(family.name)) register(family.name, family.help, family.type, () => samples(family));
      }
      const next = new Map<string, Sample[]>();
      await Promise.all(
        [...gauges].map(async ([name, gauge]) => {
          try {
            const value = await gauge.read();
            next.set(name, typeof value === 'number' ? [{ labels: {}, value }] : value.map((sample) => ({ labels: sample.labels, value: sample.value })));
          } catch {
            // Left out below.
          }
        }),
      );
      readings = next;
      for (const [name, gauge] of gauges) {
        if (readings.has(name) && !registered.has(name)) register(name, gauge.help, 'gauge', () => readings.get(name) ?? []);
        if (!readings.has(name) && registered.has(name)) {
          registry.removeSingleMetric(name);
          registered.delete(name);
        }
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

function samples(family: Family): Sample[] {
  const out: Sample[] = [];
  for (const entry of family.values.values()) {
    if (family.type === 'counter') {
      out.push({ labels: entry.labels, value: entry.sum });
      continue;
    }
    family.buckets!.forEach((bound, index) =>
      out.push({ metricName: `${family.name}_bucket`, labels: { ...entry.labels, le: String(bound) }, value: entry.counts[index] }),
    );
    out.push({ metricName: `${family.name}_bucket`, labels: { ...entry.labels, le: '+Inf' }, value: entry.count });
    out.push({ metricName: `${family.name}_sum`, labels: entry.labels, value: entry.sum });
    out.push({ metricName: `${family.name}_count`, labels: entry.labels, value: entry.count });
  }
  return out;
}
