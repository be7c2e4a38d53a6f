// npm run bench:download: the transfer engine against the usual tools on the same local URLs.
//  - MP4: our engine (stream to .part, fsync, rename) vs `curl -o` on one large file (target >= 0.9x).
//    Also against `curl -o` followed by `sync`, the durability the engine gives.
//  - HLS: our engine (parallel segments + ffmpeg -c copy remux) vs `ffmpeg -i <m3u8> -c copy` (target >= 1.0x),
//    once over bare loopback and once with DOWNLOAD_BENCH_LATENCY_MS (default 25) before every answer.
//  - Peak RSS of one process running 4 MP4 downloads at once.
// DOWNLOAD_BENCH_MB (default 512) sets the MP4 size; DOWNLOAD_BENCH_HLS_SECONDS (default 300) the stream length.
// Each side runs RUNS times alternately in fresh processes; the best run counts (least disturbed by others).
// The engine is measured warm (after a 32 MB warm-up transfer in the same process), as in the long-running
// server; its CPU figure is the run's minus a start-up-and-warm-up-only run's.
import { execFile, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';

const run = promisify(execFile);
const MB = 1024 * 1024;
const sizeMb = Number(process.env.DOWNLOAD_BENCH_MB ?? 512);
const hlsSeconds = Number(process.env.DOWNLOAD_BENCH_HLS_SECONDS ?? 300);
const RUNS = Number(process.env.DOWNLOAD_BENCH_RUNS ?? 3);
const latencyMs = Number(process.env.DOWNLOAD_BENCH_LATENCY_MS ?? 25);
const cache = join(tmpdir(), 'aniworld-download-bench-v1');
const work = join(tmpdir(), `aniworld-download-bench-run-${process.pid}`);

await mkdir(cache, { recursive: true });
await mkdir(work, { recursive: true });

async function makeLargeFile(megabytes = sizeMb): Promise<string> {
  const file = join(cache, `large-${megabytes}.mp4`);
  if (existsSync(file) && (await stat(file)).size === megabytes * MB) return file;
  const stream = createWriteStream(file);
  const block = randomBytes(MB);
  for (let index = 0; index < megabytes; index++) if (!stream.write(block)) await once(stream, 'drain');
  stream.end();
  await once(stream, 'finish');
  return file;
}

async function makeHls(): Promise<string> {
  const folder = join(cache, `hls-${hlsSeconds}`);
  if (existsSync(join(folder, 'master.m3u8'))) return folder;
  await mkdir(join(folder, 'v0'), { recursive: true });
  console.log(`making a ${hlsSeconds} s HLS stream with ffmpeg (once, cached in ${folder}) ...`);
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=640x360:rate=25:duration=${hlsSeconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:duration=${hlsSeconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '3M',
    '-g',
    '50',
    '-c:a',
    'aac',
    '-f',
    'hls',
    '-hls_time',
    '4',
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    join(folder, 'v0', 'seg%04d.ts'),
    join(folder, 'v0', 'index.m3u8'),
  ]);
  await writeFile(join(folder, 'master.m3u8'), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=3200000,RESOLUTION=640x360\nv0/index.m3u8\n');
  return folder;
}

/** Wall time, CPU time (user + system of the tool and its children, from bash's `times`) and what it printed. */
async function timed(command: string, args: string[]): Promise<{ seconds: number; cpu: number; output: string }> {
  const started = performance.now();
  const child = spawn('bash', ['-c', '"$@"; code=$?; times; exit $code', 'timed', command, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  const seconds = (performance.now() - started) / 1000;
  const lines = output.trim().split('\n');
  const children = lines.at(-1) ?? '';
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, match) => sum + Number(match[1]) * 60 + Number(match[2]), 0);
  return { seconds, cpu, output: lines.slice(0, -2).join('\n') };
}

/** One run of the engine in a fresh process; its wall time is measured inside (without Node's start-up), CPU includes ffmpeg. */
async function ours(args: string[]): Promise<{ seconds: number; cpu: number; bytes: number; peak_rss_mb: number }> {
  const run = await timed(process.execPath, [join(import.meta.dirname, 'download-bench-client.ts'), ...args]);
  const result = JSON.parse(run.output.trim().split('\n').at(-1)!);
  return { ...result, cpu: run.cpu };
}

// Both are served from the cache folder by the bench server below.
await makeLargeFile();
const warmupFile = await makeLargeFile(32);
await makeHls();
const server = fork(join(import.meta.dirname, 'download-bench-server.ts'), [cache], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ url }] = (await once(server, 'message')) as [{ url: string }];

try {
  const mp4Url = `${url}/large-${sizeMb}.mp4`;
  const warmup = `${url}/${basename(warmupFile)}`;
  let startupCpu = Infinity;
  for (let index = 0; index < RUNS; index++) startupCpu = Math.min(startupCpu, (await ours(['noop', warmup, '-', join(work, 'noop')])).cpu);
  let curlBest = Infinity;
  let curlSyncBest = Infinity;
  let oursBest = Infinity;
  let curlCpu = Infinity;
  let oursCpu = Infinity;
  for (let index = 0; index < RUNS; index++) {
    await rm(join(work, 'curl.mp4'), { force: true });
    const curl = await timed('curl', ['-s', '-f', '-o', join(work, 'curl.mp4'), mp4Url]);
    curlBest = Math.min(curlBest, curl.seconds);
    curlCpu = Math.min(curlCpu, curl.cpu);
    // The same durability as the engine (which fsyncs the .part before the rename).
    await rm(join(work, 'curl.mp4'), { force: true });
    const curlSync = await timed('bash', ['-c', 'curl -s -f -o "$1" "$2" && sync "$1"', 'curl-sync', join(work, 'curl.mp4'), mp4Url]);
    curlSyncBest = Math.min(curlSyncBest, curlSync.seconds);
    await rm(join(work, 'ours.mp4'), { force: true });
    const result = await ours(['mp4', warmup, mp4Url, join(work, 'ours')]);
    oursBest = Math.min(oursBest, result.seconds);
    oursCpu = Math.min(oursCpu, result.cpu);
  }
  const mp4Ratio = curlBest / oursBest;
  const mp4SyncRatio = curlSyncBest / oursBest;

  /** ffmpeg -c copy and the engine on one HLS URL, alternately, best of RUNS. */
  async function compareHls(hlsUrl: string) {
    const best = { ffmpeg: Infinity, ffmpegSync: Infinity, ffmpegCpu: Infinity, ours: Infinity, oursCpu: Infinity, bytes: 0 };
    const ffmpegArgs = ['-hide_banner', '-loglevel', 'error', '-y', '-i', hlsUrl, '-c', 'copy', '-f', 'mp4', join(work, 'ffmpeg.mp4')];
    for (let index = 0; index < RUNS; index++) {
      const ffmpeg = await timed('ffmpeg', ffmpegArgs);
      best.ffmpeg = Math.min(best.ffmpeg, ffmpeg.seconds);
      best.ffmpegCpu = Math.min(best.ffmpegCpu, ffmpeg.cpu);
      const synced = await timed('bash', ['-c', 'ffmpeg "${@:2}" && sync "$1"', 'ffmpeg-sync', join(work, 'ffmpeg.mp4'), ...ffmpegArgs]);
      best.ffmpegSync = Math.min(best.ffmpegSync, synced.seconds);
      await rm(join(work, 'ours-hls.mp4'), { force: true });
      const result = await ours(['hls', warmup, hlsUrl, join(work, 'ours-hls')]);
      best.bytes = result.bytes;
      best.ours = Math.min(best.ours, result.seconds);
      best.oursCpu = Math.min(best.oursCpu, result.cpu);
    }
    return { ...best, ratio: best.ffmpeg / best.ours, syncRatio: best.ffmpegSync / best.ours };
  }
  const hlsLoopback = await compareHls(`${url}/hls-${hlsSeconds}/master.m3u8`);
  const hlsRemote = await compareHls(`${url}/latency-${latencyMs}/hls-${hlsSeconds}/master.m3u8`);

  await rm(join(work, 'parallel'), { recursive: true, force: true });
  const parallel = await ours(['parallel', warmup, mp4Url, join(work, 'parallel'), '4']);

  const rate = (bytes: number, seconds: number) => `${(bytes / MB / seconds).toFixed(0)} MB/s`;
  console.log(
    `\nload average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} on ${cpus().length} cores (wall times are only comparable on a quiet machine)`,
  );
  const verdict = (ratio: number, target: number) => `${ratio.toFixed(2)}x (target >= ${target.toFixed(2)}x) ${ratio >= target ? 'OK' : 'BELOW TARGET'}`;
  console.log(`MP4 ${sizeMb} MB over loopback (best of ${RUNS})`);
  console.log(`  curl -o             ${curlBest.toFixed(2)} s  ${rate(sizeMb * MB, curlBest)}  CPU ${curlCpu.toFixed(2)} s`);
  console.log(`  curl -o, then sync  ${curlSyncBest.toFixed(2)} s  (the durability the engine gives: .part fsynced before the rename)`);
  console.log(`  AniWorld engine     ${oursBest.toFixed(2)} s  ${rate(sizeMb * MB, oursBest)}  CPU ${(oursCpu - startupCpu).toFixed(2)} s`);
  console.log(`    vs curl -o             ${verdict(mp4Ratio, 0.9)}`);
  console.log(`    vs curl -o, then sync  ${verdict(mp4SyncRatio, 0.9)}`);
  for (const [label, hls] of [
    ['over loopback, no latency: CPU-bound, the server, ffmpeg and the engine share the cores', hlsLoopback],
    [`with ${latencyMs} ms to first byte per request, as from a nearby CDN edge`, hlsRemote],
  ] as const) {
    console.log(`HLS ${hlsSeconds} s stream, ${(hls.bytes / MB).toFixed(0)} MB MP4 out, ${label} (best of ${RUNS})`);
    console.log(`  ffmpeg -c copy      ${hls.ffmpeg.toFixed(2)} s  CPU ${hls.ffmpegCpu.toFixed(2)} s`);
    console.log(`  ffmpeg, then sync   ${hls.ffmpegSync.toFixed(2)} s`);
    console.log(`  AniWorld engine     ${hls.ours.toFixed(2)} s  CPU ${(hls.oursCpu - startupCpu).toFixed(2)} s`);
    console.log(`    vs ffmpeg -c copy      ${verdict(hls.ratio, 1)}`);
    console.log(`    vs ffmpeg, then sync   ${verdict(hls.syncRatio, 1)}`);
  }
  console.log(`4 concurrent MP4 downloads of ${sizeMb} MB in one process`);
  console.log(`  ${parallel.seconds.toFixed(2)} s, ${rate(parallel.bytes, parallel.seconds)} total, peak RSS ${parallel.peak_rss_mb} MB`);
} finally {
  server.disconnect();
  await rm(work, { recursive: true, force: true });
}
