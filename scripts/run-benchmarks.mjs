// `npm run bench`: every row of the performance table, each next to its floor measured in the same
// run, then one table with the ratios and whether each goal is met. The benches run one after the
// other (never in parallel: they measure time and memory); on a shared machine read the ratios,
// not the absolute figures, and the load average printed with them.
//   npm run bench                 the table's benches, with settings that fit in a few minutes
//   npm run bench -- --all        also every other bench:* script (download engine, provider, ws, scale)
//   npm run bench -- startup scan only those rows' benches
// The benches' own variables still apply (LIBRARY_BENCH_SECONDS, QUEUE_BENCH_MB, RUNS, ...).
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

const TABLE = ['bench:library', 'bench:queue-download', 'bench:startup', 'bench:scan'];
/** Shorter than the benches' defaults where that does not change what is measured. */
const QUICK = {
  'bench:library': { LIBRARY_BENCH_SECONDS: '10' },
  'bench:queue-download': { QUEUE_BENCH_RUNS: '2' },
  'bench:startup': { RUNS: '5' },
  'bench:scan': { RUNS: '3' },
};

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const all = process.argv.includes('--all');
const picked = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith('-'))
  .map((name) => `bench:${name.replace(/^bench:/, '')}`);
const unknown = picked.filter((name) => !manifest.scripts[name]);
if (unknown.length > 0) {
  console.error(`no such bench: ${unknown.join(', ')}`);
  process.exit(64);
}
const names =
  picked.length > 0
    ? picked
    : all
      ? [
          ...TABLE,
          ...Object.keys(manifest.scripts)
            .filter((name) => name.startsWith('bench:') && !TABLE.includes(name))
            .sort(),
        ]
      : TABLE;
const loadBefore = loadavg();
const outputs = {};
for (const name of names) {
  console.log(`\n=== ${name} ===`);
  const env = { ...QUICK[name], ...process.env };
  const result = spawnSync('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'inherit'], env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(result.stdout);
  if (result.status !== 0) {
    console.error(`${name} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
  outputs[name] = lastJson(result.stdout);
}

/** The JSON document a bench prints last (it may print other lines before). */
function lastJson(text) {
  const start = text.lastIndexOf('\n{\n');
  try {
    return JSON.parse(start === -1 ? text : text.slice(start + 1));
  } catch {
    return undefined;
  }
}

const round = (value, digits = 2) =>
  value === undefined || value === null || Number.isNaN(value) ? undefined : Math.round(value * 10 ** digits) / 10 ** digits;
const rows = [];
const row = (what, ours, floor, ratio, goal, met) =>
  rows.push({ what, ours, floor: floor ?? '', ratio: ratio === undefined ? '' : `${ratio}x`, goal, met: met === undefined ? '?' : met ? 'yes' : 'NO' });

const library = outputs['bench:library']?.results ?? [];
const big = library.find((entry) => entry.series >= 2000);
const small = library.find((entry) => entry.series < 2000);
if (big) {
  row(
    `GET /api/anime, ${big.series} series (${big.list_kb} KB), ${outputs['bench:library'].connections} conn`,
    `${big.ours.req_per_s} req/s, p99 ${big.ours.p99_ms} ms, ${big.ours.errors + big.ours.timeouts} errors`,
    `${big.floor.req_per_s} req/s, p99 ${big.floor.p99_ms} ms`,
    big.ratio_req_per_s,
    '>= 0.5x req/s, p99 <= 4x, no errors',
    big.targets.req_per_s_at_least_half_floor && big.targets.p99_within_4x_floor && big.targets.no_errors,
  );
  row(
    'GET /api/queue/status during that load',
    `p99 ${big.ours.queue_status_p99_ms} ms`,
    `p99 ${big.floor.queue_status_p99_ms} ms`,
    big.ratio_queue_status_p99,
    'p99 <= 4x floor',
    big.targets.queue_status_p99_within_4x_floor,
  );
  row(
    `RSS with ${big.series} series loaded, before -> after the load`,
    `${big.rss_mb.after_first_list} -> ${big.rss_mb.after_load} MB`,
    '',
    big.rss_mb.after_vs_before,
    '<= 250 MB before, <= 1.5x after',
    big.targets.rss_loaded_at_most_250mb && big.targets.rss_after_within_1_5x,
  );
}
if (small) {
  row(
    `same with ${small.series} series; RSS after the load`,
    `${small.ours.req_per_s} req/s, p99 ${small.ours.p99_ms} ms; RSS ${small.rss_mb.after_first_list} -> ${small.rss_mb.after_load} MB`,
    `${small.floor.req_per_s} req/s`,
    small.ratio_req_per_s,
    'RSS after <= 1.5x before',
    small.targets.rss_after_within_1_5x,
  );
}
const queue = outputs['bench:queue-download'];
for (const [kind, label, floor] of [
  ['mp4', 'MP4', 'curl + fsync'],
  ['hls', 'HLS', 'ffmpeg -c copy + fsync'],
]) {
  const result = queue?.[kind];
  if (!result) continue;
  const [name, seconds] = Object.entries(result.floors_s)[0];
  row(
    `one ${label} episode (${result.mb} MiB) through the whole queue`,
    `${result.ours_add_to_file_s} s`,
    `${name}: ${seconds} s`,
    result.ratio_vs_first_floor,
    `>= 0.9x ${floor}`,
    result.ratio_vs_first_floor >= 0.9,
  );
}
const startup = outputs['bench:startup'];
if (startup) {
  const bare = startup.floor_bare_node_http;
  row(
    'idle RSS after start, as the image runs it (compile cache, NODE_OPTIONS, MALLOC_*)',
    `${startup.ours_as_image.rss_after_start_mb_median} MB`,
    `bare Node HTTP: ${bare.rss_after_start_mb_median} MB`,
    startup.ratios.rss_as_image_vs_floor,
    '<= 120 MB',
    startup.targets.idle_rss_as_image_at_most_120mb,
  );
  row(
    'idle RSS after start (compile cache only)',
    `${startup.ours_with_compile_cache.rss_after_start_mb_median} MB`,
    `bare Node HTTP: ${bare.rss_after_start_mb_median} MB`,
    round(startup.ours_with_compile_cache.rss_after_start_mb_median / bare.rss_after_start_mb_median),
    '<= 120 MB',
    startup.ours_with_compile_cache.rss_after_start_mb_median <= 120,
  );
  row(
    'idle RSS after start (first run, no compile cache)',
    `${startup.ours.rss_after_start_mb_median} MB`,
    `bare Node HTTP: ${bare.rss_after_start_mb_median} MB`,
    startup.ratios.rss_vs_floor,
    '<= 120 MB',
    startup.targets.idle_rss_at_most_120mb,
  );
  row(
    'cold start to healthy (compile cache)',
    `${startup.ours_with_compile_cache.healthy_ms_median} ms wall, ${startup.ours_with_compile_cache.cpu_ms_to_healthy_median} ms CPU`,
    `bare Node HTTP: ${bare.healthy_ms_median} ms wall, ${bare.cpu_ms_to_healthy_median} ms CPU`,
    startup.ratios.healthy_cached_vs_floor,
    '<= 1.0 s',
    startup.targets.healthy_cached_under_1s,
  );
  row(
    'cold start to healthy (no compile cache)',
    `${startup.ours.healthy_ms_median} ms wall, ${startup.ours.cpu_ms_to_healthy_median} ms CPU`,
    `bare Node HTTP: ${bare.healthy_ms_median} ms wall`,
    startup.ratios.healthy_vs_floor,
    '<= 1.0 s',
    startup.targets.healthy_under_1s,
  );
}
const scan = outputs['bench:scan'];
if (scan) {
  row(
    `full rescan (${scan.series} series / ${scan.files} files), in process`,
    `${scan.full_rescan_ms_median} ms`,
    `find: ${scan.find_ms_median} ms`,
    scan.rescan_vs_find,
    '<= 1.0x find',
    scan.rescan_vs_find <= 1,
  );
  const cli = scan.cli_scan;
  row(
    '`aniworld scan`, whole CLI process',
    `${cli.whole_process_ms_median} ms wall, ${cli.whole_process_cpu_ms_median ?? '?'} ms CPU (scan itself ${cli.scan_itself_ms_median} ms)`,
    `find: ${cli.find_ms_median} ms`,
    round(cli.whole_process_ms_median / cli.find_ms_median),
    '<= 1.0 s',
    scan.targets.cli_whole_process_at_most_1s,
  );
  row('peak RSS of that scan', `${cli.peak_rss_mb_median} MB`, '', undefined, '<= 150 MB', scan.targets.cli_peak_rss_at_most_150mb);
}

const columns = ['what', 'ours', 'floor', 'ratio', 'goal', 'met'];
const header = { what: 'What', ours: 'Ours', floor: 'Floor, same run', ratio: 'Ratio', goal: 'Goal', met: 'Met' };
console.log(
  `\n=== Summary (load average before ${loadBefore.map((value) => value.toFixed(1)).join(' ')}, after ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}; 2-core figures swing with load: read the ratios) ===\n`,
);
console.log(`| ${columns.map((column) => header[column]).join(' | ')} |`);
console.log(`|${columns.map(() => '---').join('|')}|`);
for (const entry of rows) console.log(`| ${columns.map((column) => String(entry[column])).join(' | ')} |`);
const missing = TABLE.filter((name) => names.includes(name) && !outputs[name]);
if (missing.length > 0) console.log(`\n(no JSON result from ${missing.join(', ')})`);
