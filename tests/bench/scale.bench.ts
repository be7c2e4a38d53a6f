// Scale-out throughput (npm run bench:scale): 20 queued episodes against the fixture site with the
// single-process default (SQLite) and with one API process plus 1, 2 and 4 workers on PostgreSQL;
// and the default's idle RSS. Not a test: figures only. Every process runs downloads.concurrency=2;
// each media response is capped (SLOW_BYTES_PER_SECOND) the way a remote hoster is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { startPostgres } from '../scale/postgres-server.ts';
import { ApiClient, startRole, waitUntil, writeClusterConfig } from '../scale/cluster.ts';

const EPISODES = 20;
const FILE_BYTES = Number(process.env.FILE_BYTES ?? 2 * 1024 * 1024);
const SLOW = Number(process.env.SLOW_BYTES_PER_SECOND ?? 1024 * 1024);
const WORKER_COUNTS = (process.env.WORKERS ?? '1,2,4').split(',').map(Number);

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const site = await startFixtureSite({ seriesCount: 12, largeFileBytes: FILE_BYTES, slowBytesPerSecond: SLOW });
const results: Record<string, unknown>[] = [];
try {
  // --- the default: one process, SQLite, nothing configured ---
  {
    const temp = await makeTempDir('aniworld-bench-scale-');
    const dataDir = join(temp.path, 'data');
    await writeClusterConfig(dataDir);
    const server = await startServerProcess({
      cwd: temp.path,
      env: {
        ANIWORLD_DATA_DIR: dataDir,
        ANIWORLD_MEDIA_DIR: join(temp.path, 'media'),
        ANIWORLD_PROVIDER_URL: site.url,
        ANIWORLD_WATCH: 'false',
        LOG_LEVEL: 'info',
      },
      readyTimeoutMs: 120_000,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const idleRss = rss(server.child.pid!);
      const run = await queueAndWait(server.url, site);
      results.push({
        setup: 'default (1 process, SQLite)',
        processes: 1,
        ...run,
        idle_rss_mb: Math.round(idleRss * 10) / 10,
        rss_after_mb: Math.round(rss(server.child.pid!) * 10) / 10,
      });
    } finally {
      await server.stop();
      await temp.remove();
    }
  }
  // --- scale-out: one API process and N workers on one PostgreSQL ---
  for (const workers of WORKER_COUNTS) {
    const [postgres, temp] = await Promise.all([startPostgres(), makeTempDir('aniworld-bench-scale-')]);
    const processes: ServerProcess[] = [];
    try {
      const dataDir = join(temp.path, 'config');
      await writeClusterConfig(dataDir);
      const options = {
        dataDir,
        mediaDir: join(temp.path, 'media'),
        databaseUrl: postgres.url,
        providerUrl: site.url,
        env: { ANIWORLD_WATCH: 'false', LOG_LEVEL: 'info' },
      };
      processes.push(await startRole('api', options));
      for (let index = 0; index < workers; index++) processes.push(await startRole('worker', options));
      const run = await queueAndWait(processes[0].url, site);
      results.push({
        setup: `api + ${workers} worker${workers === 1 ? '' : 's'} (PostgreSQL)`,
        processes: workers + 1,
        ...run,
        rss_total_mb: Math.round(processes.reduce((sum, process) => sum + rss(process.child.pid!), 0)),
      });
    } finally {
      await Promise.all(processes.map((process) => process.stop()));
      await postgres.stop();
      await temp.remove();
    }
  }
} finally {
  await site.close();
}
console.log(
  JSON.stringify({ episodes: EPISODES, file_bytes: FILE_BYTES, per_response_cap_bytes_per_second: SLOW, concurrency_per_process: 2, results }, null, 2),
);
console.table(
  results.map((result) => ({ setup: result.setup, seconds: result.seconds, 'MB/s': result.mb_per_second, 'episodes/min': result.episodes_per_minute })),
);

/** Adds series until EPISODES episodes are queued, then waits until all completed. */
async function queueAndWait(url: string, fixture: FixtureSite): Promise<{ seconds: number; mb_per_second: number; episodes_per_minute: number }> {
  const api = new ApiClient(url);
  await api.login();
  const wanted: { key: string; episodes: { season: number; episode: number }[] }[] = [];
  let total = 0;
  for (let index = 1; total < EPISODES; index++) {
    const key = `generated-series-${String(index).padStart(3, '0')}`;
    const series = fixture.catalogue.get(key);
    if (!series) throw new Error(`fixture has too few episodes for ${EPISODES}`);
    const added = await api.call('POST', '/api/anime/add', { key });
    if (added.status !== 201) throw new Error(`add ${key}: ${JSON.stringify(added.body)}`);
    const episodes = [...series.seasons.values()]
      .flat()
      .filter((episode) => episode.season > 0)
      .map((episode) => ({ season: episode.season, episode: episode.number }))
      .slice(0, EPISODES - total);
    wanted.push({ key, episodes });
    total += episodes.length;
  }
  const started = performance.now();
  for (const { key, episodes } of wanted) await api.call('POST', '/api/queue/add', { serie_id: key, serie_folder: key, serie_name: key, episodes });
  await waitUntil(
    async () => {
      const status = (await api.call('GET', '/api/queue/status')).body;
      if (status.failed_downloads.length > 0)
        throw new Error(`downloads failed: ${JSON.stringify(status.failed_downloads.map((item: { error: string }) => item.error))}`);
      return status.statistics.completed_count === EPISODES;
    },
    `${EPISODES} downloads`,
    600_000,
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: Math.round(seconds * 10) / 10,
    mb_per_second: Math.round(((EPISODES * FILE_BYTES) / 1024 / 1024 / seconds) * 100) / 100,
    episodes_per_minute: Math.round((EPISODES / seconds) * 60 * 10) / 10,
  };
}
