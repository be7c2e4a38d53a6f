// npm run bench:library: GET /api/anime under load against a bare Node HTTP server sending the same
// bytes (the floor), measured in the same run, for a 2,000- and a 300-series library
// (LIBRARY_BENCH_SIZES). Also: /api/queue/status latency during that load, the server's event-loop
// delay (its /api/metrics), RSS before and after the load, and a conditional reload (If-None-Match).
// Targets: >= 0.5x the floor's req/s, p99 <= 4x the floor's, no errors; RSS after <= 1.5x before.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { jsonApi } from '../helpers/json-api.ts';
import { seedLibrary } from './library-bench-seed.ts';
import { imageProcessEnv } from './image-env.ts';

// The server runs with the image's process tuning (NODE_OPTIONS, MALLOC_*) unless LIBRARY_BENCH_PLAIN=1.
const PROCESS_ENV = process.env.LIBRARY_BENCH_PLAIN === '1' ? {} : imageProcessEnv();

const SIZES = (process.env.LIBRARY_BENCH_SIZES ?? '2000,300').split(',').map(Number);
const SECONDS = Number(process.env.LIBRARY_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.LIBRARY_BENCH_CONNECTIONS ?? 50);
const PASSWORD = 'Bench-Passw0rd!';
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const rssMb = (pid: number) => round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};

/** `connections` clients hammering `path` for SECONDS while one more asks for the queue status in a loop. */
async function load(base: string, path: string, headers: Record<string, string>, expected = 200) {
  let probing = true;
  const probes: number[] = [];
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      const response = await fetch(`${base}/api/queue/status`, { headers });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`queue status answered ${response.status}`);
      probes.push(performance.now() - started);
    }
  })();
  const result = await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: SECONDS, headers, timeout: 10 });
  probing = false;
  await probe;
  return {
    req_per_s: round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    // Any answer but the expected status counts as an error (a 304 run expects 304).
    errors:
      result.errors + Object.entries(result.statusCodeStats ?? {}).reduce((sum, [code, stat]) => sum + (Number(code) === expected ? 0 : (stat?.count ?? 0)), 0),
    timeouts: result.timeouts,
    mb_per_s: round(result.throughput.average / 1024 / 1024),
    queue_status_p99_ms: round(percentile(probes, 0.99)),
    queue_status_samples: probes.length,
  };
}

async function eventLoopDelay(base: string, token: string): Promise<Record<string, number>> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const delays: Record<string, number> = {};
  // prom-client's event-loop lag gauges cover the time since the previous scrape.
  for (const match of text.matchAll(/^nodejs_eventloop_lag_(p50|p99|max)_seconds ([\d.e+-]+)$/gm)) delays[`${match[1]}_ms`] = round(Number(match[2]) * 1000);
  return delays;
}

async function benchSize(series: number) {
  const temp = await makeTempDir('aniworld-bench-library-');
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  let floor: ChildProcess | undefined;
  try {
    const dataDir = join(temp.path, 'data');
    await seedLibrary(dataDir, series);
    server = await startServerProcess({
      cwd: temp.path,
      env: { ...PROCESS_ENV, ANIWORLD_DATA_DIR: dataDir, ANIWORLD_MEDIA_DIR: join(temp.path, 'media'), LOG_LEVEL: 'info', ANIWORLD_METRICS: 'true' },
    });
    const pid = server.child.pid!;
    await jsonApi(server.url, 'POST', '/api/auth/setup', undefined, { master_password: PASSWORD });
    const { access_token: token } = await jsonApi(server.url, 'POST', '/api/auth/login', undefined, { password: PASSWORD });
    const headers = { authorization: `Bearer ${token}` };
    const rssIdle = rssMb(pid);
    const first = await fetch(`${server.url}/api/anime`, { headers });
    const listBytes = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag');
    const statusBytes = Buffer.from(await (await fetch(`${server.url}/api/queue/status`, { headers })).arrayBuffer());
    const rssLoaded = rssMb(pid);
    await eventLoopDelay(server.url, token); // resets the histogram: the next reading covers the load only

    const ours = await load(server.url, '/api/anime', headers);
    const delay = await eventLoopDelay(server.url, token);
    const conditional = etag ? await load(server.url, '/api/anime', { ...headers, 'if-none-match': etag }, 304) : undefined;
    // A moment for the collector after the load, as a user looking at the panel would see it.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssAfter = rssMb(pid);

    const listFile = join(temp.path, 'list.json');
    const statusFile = join(temp.path, 'status.json');
    await writeFile(listFile, listBytes);
    await writeFile(statusFile, statusBytes);
    floor = fork(join(import.meta.dirname, 'library-floor-server.ts'), [listFile, statusFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [{ url: floorUrl }] = (await once(floor, 'message')) as [{ url: string }];
    const bare = await load(floorUrl, '/api/anime', {});

    return {
      series,
      list_kb: round(listBytes.length / 1024),
      etag: etag ?? null,
      ours,
      floor: bare,
      ratio_req_per_s: round(ours.req_per_s / bare.req_per_s, 2),
      ratio_p99: round(ours.p99_ms / Math.max(1, bare.p99_ms), 2),
      ratio_queue_status_p99: round(ours.queue_status_p99_ms / Math.max(1, bare.queue_status_p99_ms), 2),
      event_loop_delay_during_load: delay,
      conditional_reload_304: conditional ?? null,
      rss_mb: { idle: rssIdle, after_first_list: rssLoaded, after_load: rssAfter, after_vs_before: round(rssAfter / rssLoaded, 2) },
      targets: {
        req_per_s_at_least_half_floor: ours.req_per_s >= bare.req_per_s * 0.5,
        p99_within_4x_floor: ours.p99_ms <= Math.max(1, bare.p99_ms) * 4,
        queue_status_p99_within_4x_floor: ours.queue_status_p99_ms <= Math.max(1, bare.queue_status_p99_ms) * 4,
        no_errors: ours.errors === 0 && ours.timeouts === 0,
        rss_after_within_1_5x: rssAfter <= rssLoaded * 1.5,
        ...(series >= 2000 ? { rss_loaded_at_most_250mb: rssLoaded <= 250 } : {}),
      },
    };
  } finally {
    floor?.disconnect();
    await server?.stop();
    await temp.remove();
  }
}

const results = [];
for (const series of SIZES) results.push(await benchSize(series));
console.log(
  JSON.stringify(
    { seconds: SECONDS, connections: CONNECTIONS, process_env: PROCESS_ENV, results, load_average: loadavg().map((value) => round(value)) },
    null,
    2,
  ),
);
