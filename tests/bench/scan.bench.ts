// Library scan cost against a bare directory walk (npm run bench:scan).
// Builds SERIES x EPISODES empty video files (default 2,000 x 24) in a temp dir, then measures in one run:
// the first scan (fills the database), a full rescan with nothing changed, `find` over the same tree,
// and an incremental scanSeries after one new file. Targets: rescan at most 1.0x find; incremental under 50 ms.
// Rescans skip folders whose directories did not move (folder-stamps.ts); directories changed in the
// last moments are read again (see there).
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openDatabase } from '../../backend/db/orm.ts';
import { inContext } from '../../backend/db/context.ts';
import { EventBus } from '../../backend/events/bus.ts';
import { createLogger } from '../../backend/adapters/logger.ts';
import { systemClock } from '../../backend/adapters/clock.ts';
import { LibraryScanService } from '../../backend/modules/series/library-scan.service.ts';
import type { MediaRoot } from '../../backend/modules/series/media-root.ts';
import { mapLimit } from '../../backend/library/scanner.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { imageProcessEnv } from './image-env.ts';

const SERIES = Number(process.env.SERIES ?? 2000);
const EPISODES = Number(process.env.EPISODES ?? 24);
const RUNS = Number(process.env.RUNS ?? 5);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number) => Math.round(value * 10) / 10;
const temp = await makeTempDir('aniworld-bench-scan-');
const root = join(temp.path, 'media');
try {
  const buildStarted = performance.now();
  await mkdir(root);
  await mapLimit(
    Array.from({ length: SERIES }, (_, index) => index),
    32,
    async (index) => {
      const name = `Series ${String(index).padStart(4, '0')}`;
      const key = `series-${index}`;
      // Half the library in season folders, half flat, like real libraries grown by different tools.
      const season = index % 2 === 0 ? join(root, name, 'Season 01') : join(root, name);
      await mkdir(season, { recursive: true });
      await writeFile(join(root, name, '.aniworld.json'), JSON.stringify({ key, name }));
      await writeFile(join(root, name, 'tvshow.nfo'), '<tvshow/>');
      for (let episode = 1; episode <= EPISODES; episode++) {
        await writeFile(join(season, `${name} - S01E${String(episode).padStart(2, '0')} - Episode ${episode}.mkv`), '');
      }
    },
  );
  const buildMs = performance.now() - buildStarted;
  const rssMb = () => round(process.resourceUsage().maxRSS / 1024);
  const peak: Record<string, number> = { after_build: rssMb() };

  const orm = await openDatabase({ file: join(temp.path, 'bench.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
  const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
  const scanner = new LibraryScanService({
    orm,
    root: { path: () => root } as MediaRoot,
    events: new EventBus(),
    logger,
    clock: systemClock,
    providerUrl: () => 'https://aniworld.to',
  });

  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  // CPU time too: on a shared machine wall time swings with other load, CPU time much less.
  // Ours includes libuv's thread pool (process-wide); find's comes from bash's `times`.
  const cpu = async (work: () => Promise<unknown>) => {
    const before = process.cpuUsage();
    await work();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  const findCpu = () => {
    const result = spawnSync('bash', ['-c', 'find "$1" > /dev/null; times', 'bench', root], { encoding: 'utf8' });
    const children = result.stdout
      .trim()
      .split('\n')
      .at(-1)!
      .split(/\s+/)
      .map((part) => {
        const match = /^(\d+)m([\d.]+)s$/.exec(part);
        return match ? Number(match[1]) * 60_000 + Number(match[2]) * 1000 : 0;
      });
    return children[0] + children[1];
  };

  peak.after_database_open = rssMb();
  const firstScanMs = await time(() => scanner.scanLibrary());
  peak.after_first_scan = rssMb();
  const findRuns: number[] = [];
  const rescanRuns: number[] = [];
  // Interleaved so that both see the same cache state and machine load.
  for (let run = 0; run < RUNS; run++) {
    findRuns.push(
      await time(async () => {
        const result = spawnSync('find', [root], { stdio: ['ignore', 'ignore', 'inherit'] });
        if (result.status !== 0) throw new Error('find failed');
      }),
    );
    rescanRuns.push(await time(() => scanner.scanLibrary()));
  }
  peak.after_rescans = rssMb();
  const findCpuRuns: number[] = [];
  const rescanCpuRuns: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    findCpuRuns.push(findCpu());
    rescanCpuRuns.push(await cpu(() => scanner.scanLibrary()));
  }
  const incrementalRuns: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const index = run * 7;
    const name = `Series ${String(index).padStart(4, '0')}`;
    await writeFile(join(root, name, `${name} - S02E${String(run + 1).padStart(2, '0')}.mkv`), '');
    incrementalRuns.push(await time(() => inContext(orm, () => scanner.scanSeries(`series-${index}`))));
  }
  await orm.close(true);

  // `aniworld scan` as a user runs it: the whole CLI process (start, scan, exit) on its own data
  // dir, the first run filling the database, then RUNS rescans next to `find`; peak RSS from time(1).
  // With the image's process tuning (NODE_OPTIONS, MALLOC_*), as `docker exec aniworld aniworld scan` runs.
  const cliData = join(temp.path, 'cli-data');
  const cli = () => {
    const result = spawnSync(
      '/usr/bin/time',
      ['-f', '%e %M %U %S', process.execPath, join(import.meta.dirname, '../../scripts/aniworld.mjs'), 'scan', '--json'],
      {
        encoding: 'utf8',
        env: {
          ...imageProcessEnv(),
          PATH: process.env.PATH,
          ANIWORLD_DATA_DIR: cliData,
          ANIWORLD_MEDIA_DIR: root,
          ANIWORLD_WATCH: 'false',
          NODE_COMPILE_CACHE: join(temp.path, 'compile-cache'),
        },
      },
    );
    if (result.status !== 0) throw new Error(`aniworld scan failed: ${result.stderr}`);
    const [seconds, maxKb, user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    return { ms: seconds * 1000, cpuMs: (user + system) * 1000, peakMb: maxKb / 1024, scanMs: JSON.parse(result.stdout).duration_ms as number };
  };
  const cliFirst = cli();
  const cliRuns: { ms: number; cpuMs: number; peakMb: number; scanMs: number }[] = [];
  const cliFindRuns: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    cliFindRuns.push(
      await time(async () => {
        spawnSync('find', [root], { stdio: 'ignore' });
      }),
    );
    cliRuns.push(cli());
  }

  const find = median(findRuns);
  const rescan = median(rescanRuns);
  console.log(
    JSON.stringify(
      {
        series: SERIES,
        episodes_per_series: EPISODES,
        files: SERIES * (EPISODES + 2),
        build_tree_ms: Math.round(buildMs),
        first_scan_ms: round(firstScanMs),
        find_ms_median: round(find),
        full_rescan_ms_median: round(rescan),
        rescan_vs_find: Math.round((rescan / find) * 100) / 100,
        find_cpu_ms_median: round(median(findCpuRuns)),
        full_rescan_cpu_ms_median: round(median(rescanCpuRuns)),
        incremental_scan_series_ms_median: round(median(incrementalRuns)),
        peak_rss_mb: rssMb(),
        peak_rss_mb_by_phase: peak,
        cli_scan: {
          first_run_ms: Math.round(cliFirst.ms),
          first_run_peak_rss_mb: round(cliFirst.peakMb),
          whole_process_ms_median: Math.round(median(cliRuns.map((entry) => entry.ms))),
          // On a loaded machine wall time waits for a core; CPU time (user + system) is what the process cost.
          whole_process_cpu_ms_median: Math.round(median(cliRuns.map((entry) => entry.cpuMs))),
          scan_itself_ms_median: Math.round(median(cliRuns.map((entry) => entry.scanMs))),
          find_ms_median: round(median(cliFindRuns)),
          peak_rss_mb_median: round(median(cliRuns.map((entry) => entry.peakMb))),
        },
        targets: {
          rescan_at_most_1x_find: rescan <= find,
          incremental_under_50ms: median(incrementalRuns) < 50,
          cli_whole_process_at_most_1s: median(cliRuns.map((entry) => entry.ms)) <= 1000,
          cli_peak_rss_at_most_150mb: median(cliRuns.map((entry) => entry.peakMb)) <= 150,
        },
        runs: {
          find: findRuns.map(round),
          rescan: rescanRuns.map(round),
          incremental: incrementalRuns.map(round),
          find_cpu: findCpuRuns.map(round),
          rescan_cpu: rescanCpuRuns.map(round),
        },
        load_average: (await import('node:os')).loadavg().map(round),
      },
      null,
      2,
    ),
  );
} finally {
  await temp.remove();
}
