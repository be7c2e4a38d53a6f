// Cold start to healthy and RSS after start, on a fresh data dir (npm run bench:startup).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startServerProcess } from '../helpers/server-process.ts';

const runs = Number(process.env.RUNS ?? 5);
const results: { readyMs: number; healthyMs: number; rssMb: number }[] = [];
for (let run = 0; run < runs; run++) {
  const temp = await makeTempDir('aniworld-bench-');
  const started = performance.now();
  const server = await startServerProcess({ cwd: temp.path, env: { ANIWORLD_DATA_DIR: join(temp.path, 'data'), ANIWORLD_MEDIA_DIR: join(temp.path, 'media'), LOG_LEVEL: 'info' } });
  let healthy = false;
  while (!healthy) healthy = (await fetch(`${server.url}/health`).then((response) => response.json()).catch(() => ({}))).status === 'ok';
  const healthyMs = performance.now() - started;
  // Let start-up work settle before reading memory, as a user would see it a moment later.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  results.push({ readyMs: server.readyAfterMs, healthyMs, rssMb: rssKb / 1024 });
  await server.stop();
  await temp.remove();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(JSON.stringify({
  runs,
  cold_start_to_healthy_ms_median: Math.round(median(results.map((result) => result.healthyMs))),
  ready_log_ms_median: Math.round(median(results.map((result) => result.readyMs))),
  rss_after_start_mb_median: Math.round(median(results.map((result) => result.rssMb)) * 10) / 10,
  all: results.map((result) => ({ healthy_ms: Math.round(result.healthyMs), rss_mb: Math.round(result.rssMb * 10) / 10 })),
}, null, 2));
