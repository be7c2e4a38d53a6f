// npm run bench:provider: the provider behind the fixture's anti-bot guard, through the embedded
// Chromium. Cold: the first search of a fresh client, browser launch and solve included (goal
// < 10 s). Warm: searches with a valid pass next to the same searches against the unguarded
// site as the floor (goal within 1.2x). Memory: the browser's processes while it is open and
// after it closed (goal: nothing left), and this process's RSS before and after.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from '../../backend/adapters/http-client.ts';
import { EmbeddedBrowser, findChromium } from '../../backend/adapters/browser/embedded-browser.ts';
import { PassFile } from '../../backend/adapters/pass-file.ts';
import { EmbeddedSolver } from '../../backend/providers/checks/embedded-solver.ts';
import { SiteChecks, type StoredPasses } from '../../backend/providers/checks/site-checks.ts';
import { AniWorldProvider } from '../../backend/providers/aniworld/aniworld.provider.ts';
import { startFixtureSite } from '../../scripts/fixture-site/server.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const chromium = findChromium();
if (!chromium) throw new Error('Chromium is not installed (/usr/bin/chromium): run scripts/install-system-deps.sh as root.');
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 3);
const WARM_SEARCHES = Number(process.env.WARM_SEARCHES ?? 40);
const limits = () => ({ requests_per_second: 50, timeout_ms: 20_000 });

const temp = await makeTempDir('aniworld-bench-provider-');
const guarded = await startFixtureSite({ seriesCount: 20, guard: { mode: 'click' } });
const open = await startFixtureSite({ seriesCount: 20 });

function guardedStack(run: number) {
  const browser = new EmbeddedBrowser({ executablePath: chromium!, idleMs: () => 60_000 });
  const solver = new EmbeddedSolver({ browser });
  const checks = new SiteChecks({
    solver: () => solver,
    file: new PassFile<StoredPasses>(join(temp.path, `passes-${run}.json`)),
    providerUrl: () => guarded.url,
  });
  const http = new HttpClient({ limits, checks, providerUrl: () => guarded.url });
  return { browser, provider: new AniWorldProvider({ http, settings: () => ({ url: guarded.url, cache_ttl_seconds: 0 }) }) };
}

/** Resident memory of every process below this one (the browser's), and of this one, in MB. */
function memory(): { browser_mb: number; browser_processes: number; node_mb: number } {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      parents.set(Number(entry), Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0));
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      /* gone meanwhile */
    }
  }
  const below = (pid: number): number[] => [...parents].filter(([, parent]) => parent === pid).flatMap(([child]) => [child, ...below(child)]);
  const children = below(process.pid);
  const mb = (kb: number) => Math.round(kb / 102.4) / 10;
  return {
    browser_mb: mb(children.reduce((sum, pid) => sum + (rss.get(pid) ?? 0), 0)),
    browser_processes: children.length,
    node_mb: mb(rss.get(process.pid) ?? 0),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const queries = ['demo', 'academy', 'generated', 'series', 'film'];

const before = memory();
const cold: number[] = [];
let openMemory = before;
for (let run = 0; run < COLD_RUNS; run++) {
  guarded.guard.expirePasses();
  const stack = guardedStack(run);
  cold.push(await time(() => stack.provider.search('demo')));
  if (run === COLD_RUNS - 1) openMemory = memory();
  await stack.browser.close();
}
const afterClose = memory();

// Warm: a client holding a valid pass (its browser closed again: plain HTTP with the pass cookie)
// against a client of the unguarded site, alternating so that load on the machine hits both alike.
const warm = guardedStack(99);
await warm.provider.search('demo');
await warm.browser.close();
const plain = new AniWorldProvider({ http: new HttpClient({ limits }), settings: () => ({ url: open.url, cache_ttl_seconds: 0 }) });
await plain.search('demo');
const warmGuarded: number[] = [];
const warmOpen: number[] = [];
for (let index = 0; index < WARM_SEARCHES; index++) {
  const query = queries[index % queries.length]!;
  warmGuarded.push(await time(() => warm.provider.search(query)));
  warmOpen.push(await time(() => plain.search(query)));
}
const warmRatio = median(warmGuarded) / median(warmOpen);
const result = {
  cold_search_with_browser_launch_ms: { median: Math.round(median(cold)), all: cold.map(Math.round), goal: '< 10000' },
  warm_search_ms: {
    guarded_with_pass_median: Math.round(median(warmGuarded) * 100) / 100,
    unguarded_floor_median: Math.round(median(warmOpen) * 100) / 100,
    ratio: Math.round(warmRatio * 100) / 100,
    goal: '<= 1.2',
  },
  memory: { before_launch: before, browser_open: openMemory, after_close: afterClose, goal: 'no browser process left after close' },
  checks_served: guarded.guard.stats.challenges,
  passes_issued: guarded.guard.stats.passes,
};
console.log(JSON.stringify(result, null, 2));
await guarded.close();
await open.close();
await temp.remove();
const failed = [
  median(cold) >= 10_000 && 'cold search took 10 s or more',
  warmRatio > 1.2 && 'warm search slower than 1.2x the unguarded floor',
  afterClose.browser_processes > 0 && 'browser processes left after close',
].filter(Boolean);
if (failed.length) {
  console.error(`bench:provider missed its goals: ${failed.join('; ')}`);
  process.exitCode = 1;
}
