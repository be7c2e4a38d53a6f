// Cold start to healthy and RSS after start, on a fresh data dir (npm run bench:startup), next to
// the floor measured in the same run: a bare Node HTTP server that answers /health.
// "cached" runs share a NODE_COMPILE_CACHE folder as the image sets one (a restarted container);
// its first run fills it. "image" adds the process tuning the Dockerfile sets (NODE_OPTIONS,
// MALLOC_*) to the cache: the server as the container runs it. RUNS (default 5) alternates the four.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { imageProcessEnv } from './image-env.ts';

const runs = Number(process.env.RUNS ?? 5);
const BARE = `const server = require('node:http').createServer((req, res) => res.end('{"status":"ok"}'));
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'AniWorld is ready', port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));`;

type Kind = 'bare' | 'ours' | 'ours_cached' | 'ours_image';
const results: Record<Kind, { healthyMs: number; rssMb: number; cpuMs: number }[]> = { bare: [], ours: [], ours_cached: [], ours_image: [] };
const cacheDir = await makeTempDir('aniworld-bench-cache-');
try {
  for (let run = 0; run < runs; run++) {
    for (const kind of ['bare', 'ours', 'ours_cached', 'ours_image'] as const) {
      const temp = await makeTempDir('aniworld-bench-');
      const started = performance.now();
      const env = {
        ANIWORLD_DATA_DIR: join(temp.path, 'data'),
        ANIWORLD_MEDIA_DIR: join(temp.path, 'media'),
        LOG_LEVEL: 'info',
        ...(kind === 'ours_cached' || kind === 'ours_image' ? { NODE_COMPILE_CACHE: cacheDir.path } : {}),
        ...(kind === 'ours_image' ? imageProcessEnv() : {}),
      };
      const server = await startServerProcess({ cwd: temp.path, env, ...(kind === 'bare' ? { args: ['-e', BARE] } : {}) });
      let healthy = false;
      while (!healthy)
        healthy =
          (
            await fetch(`${server.url}/health`)
              .then((response) => response.json())
              .catch(() => ({}))
          ).status === 'ok';
      const healthyMs = performance.now() - started;
      // CPU time (user + system) up to healthy: on a loaded machine the wall time mostly waits for a core.
      const ticks = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const cpuMs = (Number(ticks[11]) + Number(ticks[12])) * 10;
      // Let start-up work settle before reading memory, as a user would see it a moment later.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
      results[kind].push({ healthyMs, cpuMs, rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024 });
      await server.stop();
      await temp.remove();
    }
  }
} finally {
  await cacheDir.remove();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = (kind: Kind) => ({
  healthy_ms_median: Math.round(median(results[kind].map((result) => result.healthyMs))),
  cpu_ms_to_healthy_median: Math.round(median(results[kind].map((result) => result.cpuMs))),
  rss_after_start_mb_median: Math.round(median(results[kind].map((result) => result.rssMb)) * 10) / 10,
  all: results[kind].map((result) => ({ healthy_ms: Math.round(result.healthyMs), rss_mb: Math.round(result.rssMb * 10) / 10 })),
});
const [bare, ours, cached, image] = [summary('bare'), summary('ours'), summary('ours_cached'), summary('ours_image')];
console.log(
  JSON.stringify(
    {
      runs,
      floor_bare_node_http: bare,
      ours,
      ours_with_compile_cache: cached,
      ours_as_image: { env: imageProcessEnv(), ...image },
      ratios: {
        healthy_vs_floor: Math.round((ours.healthy_ms_median / bare.healthy_ms_median) * 100) / 100,
        healthy_cached_vs_floor: Math.round((cached.healthy_ms_median / bare.healthy_ms_median) * 100) / 100,
        rss_vs_floor: Math.round((ours.rss_after_start_mb_median / bare.rss_after_start_mb_median) * 100) / 100,
        rss_as_image_vs_floor: Math.round((image.rss_after_start_mb_median / bare.rss_after_start_mb_median) * 100) / 100,
      },
      targets: {
        healthy_under_1s: ours.healthy_ms_median < 1000,
        healthy_cached_under_1s: cached.healthy_ms_median < 1000,
        idle_rss_at_most_120mb: ours.rss_after_start_mb_median <= 120,
        idle_rss_as_image_at_most_120mb: image.rss_after_start_mb_median <= 120,
      },
      load_average: loadavg().map((value) => Math.round(value * 10) / 10),
    },
    null,
    2,
  ),
);
