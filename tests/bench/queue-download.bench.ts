// npm run bench:queue-download: one episode through the whole queue of a real server process
// (add -> job -> provider pages -> hoster -> file) against the usual tools on the same media URL
// of the same fixture site, measured alternately in the same run:
//  - MP4 (QUEUE_BENCH_MB, default 392 MiB): `curl -o` then fsync, and `curl | dd conv=fsync`.
//    Target: >= 0.9x curl + fsync.
//  - HLS: `ffmpeg -i <the same playlist> -c copy` then fsync.
// Our figure is the item's own times (created -> completed, as the server stored them), so polling
// for the result adds nothing. QUEUE_BENCH_PROFILE=<dir> writes a CPU profile of the server.
import { execFile } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFixtureSite } from '../../scripts/fixture-site/server.ts';
import { mp4Url, hlsUrl } from '../../scripts/fixture-site/hosters.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { MAIN_SCRIPT, startServerProcess } from '../helpers/server-process.ts';
import { jsonApi } from '../helpers/json-api.ts';
import { writeClusterConfig } from '../scale/cluster.ts';

const run = promisify(execFile);
const MIB = 1024 * 1024;
const SIZE = Number(process.env.QUEUE_BENCH_MB ?? 392) * MIB;
const RUNS = Number(process.env.QUEUE_BENCH_RUNS ?? 3);
const PROFILE = process.env.QUEUE_BENCH_PROFILE;
const PASSWORD = 'Bench-Passw0rd!';
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const best = (values: number[]) => Math.min(...values);

async function seconds(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  await run(command, args, { maxBuffer: 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

const site = await startFixtureSite({ seriesCount: 3, largeFileBytes: SIZE });
const temp = await makeTempDir('aniworld-bench-queue-');
try {
  const results: Record<string, unknown> = {};
  for (const kind of ['mp4', 'hls'] as const) {
    const dataDir = join(temp.path, `data-${kind}`);
    const mediaDir = join(temp.path, `media-${kind}`);
    await writeClusterConfig(dataDir, { hosters: [kind === 'mp4' ? 'Vidoza' : 'VOE'], concurrency: 1 });
    const args = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`, MAIN_SCRIPT] : undefined;
    const server = await startServerProcess({
      cwd: temp.path,
      args,
      env: { ANIWORLD_DATA_DIR: dataDir, ANIWORLD_MEDIA_DIR: mediaDir, ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_WATCH: 'false', LOG_LEVEL: 'info' },
      readyTimeoutMs: 120_000,
    });
    try {
      await jsonApi(server.url, 'POST', '/api/auth/setup', undefined, { master_password: PASSWORD });
      const { access_token: token } = await jsonApi(server.url, 'POST', '/api/auth/login', undefined, { password: PASSWORD });
      await jsonApi(server.url, 'POST', '/api/anime/add', token, { key: 'demo-academy' });
      // The media URL the hoster of S01E01 hands out, fetched by the tools straight away.
      const detail = await jsonApi(server.url, 'GET', '/api/anime/demo-academy', token);
      const folder = join(mediaDir, detail.folder);
      const floorFile = join(temp.path, `floor-${kind}.mp4`);
      // The same media routes (and bytes) the hosters point at.
      const linkId = [...site.catalogue.links.keys()][0];
      const episodes = detail.episodes['1'].length as number;
      if (episodes < RUNS) throw new Error(`season 1 has ${episodes} episodes, fewer than QUEUE_BENCH_RUNS`);
      const ours: number[] = [];
      const pickups: number[] = [];
      const floors: Record<string, number[]> = {};
      const floor = (name: string, time: number) => (floors[name] ??= []).push(time);
      let bytes = 0;
      for (let attempt = 0; attempt < RUNS; attempt++) {
        const episode = attempt + 1;
        if (kind === 'mp4') {
          const url = mp4Url(site.url, linkId);
          await rm(floorFile, { force: true });
          floor('curl -o + fsync', await seconds('bash', ['-c', 'curl -s -f -o "$1" "$2" && sync "$1"', 'floor', floorFile, url]));
          await rm(floorFile, { force: true });
          floor(
            'curl | dd conv=fsync',
            await seconds('bash', ['-c', 'set -o pipefail; curl -s -f "$2" | dd of="$1" bs=1M conv=fsync status=none', 'floor', floorFile, url]),
          );
        } else {
          await rm(floorFile, { force: true });
          floor(
            'ffmpeg -c copy + fsync',
            await seconds('bash', [
              '-c',
              'ffmpeg -hide_banner -loglevel error -y -i "$2" -c copy -f mp4 "$1" && sync "$1"',
              'floor',
              floorFile,
              hlsUrl(site.url, linkId),
            ]),
          );
        }
        const added = await jsonApi(server.url, 'POST', '/api/queue/add', token, { serie_id: 'demo-academy', episodes: [{ season: 1, episode }] });
        const id = added.item_ids[0];
        let item: { status: string; added_at: string; started_at: string | null; completed_at: string | null; file_path: string | null; error?: string | null };
        for (;;) {
          item = await jsonApi(server.url, 'GET', `/api/queue/${id}`, token);
          if (item.status === 'completed' || item.status === 'failed') break;
          // Not faster: every poll costs the server a request while it downloads.
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        if (item.status !== 'completed') throw new Error(`the download failed: ${item.error}`);
        ours.push((Date.parse(item.completed_at!) - Date.parse(item.added_at)) / 1000);
        pickups.push((Date.parse(item.started_at!) - Date.parse(item.added_at)) / 1000);
        bytes = (await stat(item.file_path!)).size;
        await rm(item.file_path!, { force: true });
      }
      await rm(folder, { recursive: true, force: true });
      const oursBest = best(ours);
      const floorBest = Object.fromEntries(Object.entries(floors).map(([name, times]) => [name, round(best(times))]));
      const [primary] = Object.values(floorBest);
      results[kind] = {
        mb: round(bytes / MIB, 1),
        ours_add_to_file_s: round(oursBest),
        ours_runs_s: ours.map((value) => round(value)),
        ours_added_to_started_s: pickups.map((value) => round(value)),
        floors_s: floorBest,
        floor_runs_s: Object.fromEntries(Object.entries(floors).map(([name, times]) => [name, times.map((value) => round(value))])),
        ratio_vs_first_floor: round(primary / oursBest),
        ...(kind === 'mp4' ? { target_at_least_0_9x_curl_fsync: primary / oursBest >= 0.9 } : {}),
      };
    } finally {
      await server.stop();
    }
  }
  console.log(JSON.stringify({ runs: RUNS, best_of_runs: true, ...results, load_average: loadavg().map((value) => round(value, 1)) }, null, 2));
} finally {
  await site.close();
  await temp.remove();
}
