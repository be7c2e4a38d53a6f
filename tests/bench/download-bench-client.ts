// One measured run for bench:download in a fresh process, after a warm-up transfer of <warmup url>:
// `mp4 <warmup url> <url> <out>`, `hls <warmup url> <url> <out>`,
// `parallel <warmup url> <url> <outdir> <n>` or `noop <warmup url> - <out>` (start-up and warm-up only). Prints one JSON line: seconds, CPU seconds, bytes, peak RSS.
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { TransferEngine } from '../../backend/downloads/transfer.ts';
import { TokenBucket } from '../../backend/downloads/token-bucket.ts';
import { findExecutable } from '../../backend/adapters/ffmpeg.ts';
import { findCurl } from '../../backend/adapters/curl.ts';

const [mode, warmupUrl, url, out, count] = process.argv.slice(2);
const engine = new TransferEngine({ bucket: new TokenBucket({ bytesPerSecond: 0 }), ffmpeg: await findExecutable('ffmpeg'), curl: await findCurl() });
// The server is a long-running process: measure a warm engine (JIT done), as it runs there.
await engine.transfer({ media: { url: warmupUrl, kind: 'mp4', headers: {} }, targetFor: () => `${out}-warmup.mp4` });
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 100);

const cpuBefore = process.cpuUsage();
const started = performance.now();
let bytes = 0;
if (mode === 'noop') {
  // Start-up only: the CPU Node spends loading and type-stripping the engine, subtracted by the bench.
} else if (mode === 'parallel') {
  const results = await Promise.all(
    Array.from({ length: Number(count) }, (_, index) =>
      engine.transfer({ media: { url, kind: 'mp4', headers: {} }, targetFor: (ext) => join(out, `episode-${index}.${ext}`) }),
    ),
  );
  bytes = results.reduce((sum, result) => sum + result.size, 0);
} else {
  const result = await engine.transfer({ media: { url, kind: mode === 'hls' ? 'hls' : 'mp4', headers: {} }, targetFor: (ext) => `${out}.${ext}` });
  bytes = (await stat(result.path)).size;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
// CPU of this process only; an HLS remux's ffmpeg child is not included.
process.stdout.write(`${JSON.stringify({ seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, bytes, peak_rss_mb: Math.round(peakRss / 1024 / 1024) })}\n`);
