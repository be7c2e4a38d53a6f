import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { DomainEvent, DomainEventType } from '../../backend/events/bus.ts';

/** Settings for queue tests: no provider pacing against the local fixture, quick failure. */
export async function writeQueueConfig(root: string, downloads: Record<string, unknown> = {}): Promise<void> {
  await mkdir(join(root, 'data'), { recursive: true });
  await writeFile(
    join(root, 'data', 'config.json'),
    JSON.stringify({ provider: { requests_per_second: 50 }, downloads: { hosters: ['Vidoza', 'VOE', 'Vidmoly'], max_attempts: 2, ...downloads } }),
  );
}

/**
 * A fixture site and the app against it, with the queue settings above (plus `downloads`), logged
 * in, with the given series in the library.
 */
export async function startQueueApp(options: {
  downloads?: Record<string, unknown>;
  series: readonly string[];
}): Promise<{ site: FixtureSite; app: TestApp; token: string }> {
  const site = await startFixtureSite({ seriesCount: 0 });
  const temp = await makeTempDir();
  await writeQueueConfig(temp.path, options.downloads);
  const app = await startTestApp({ root: temp.path, env: { ANIWORLD_PROVIDER_URL: site.url } });
  const token = await app.login();
  for (const key of options.series) {
    const added = await app.request('POST', '/api/anime/add', { token, body: { key } });
    if (added.status !== 201) throw new Error(`adding ${key} answered ${added.status}: ${JSON.stringify(added.body)}`);
  }
  return { site, app, token };
}

export function nextEvent<K extends DomainEventType>(
  app: TestApp,
  type: K,
  predicate: (event: DomainEvent<K>) => boolean = () => true,
  timeoutMs = 25_000,
): Promise<DomainEvent<K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = app.running.services.events.subscribe((event) => {
      if (event.type === type && predicate(event as DomainEvent<K>)) {
        clearTimeout(timer);
        stop();
        resolve(event as DomainEvent<K>);
      }
    });
  });
}

/** Polls GET-style state until `check` returns a value (the queue has no event for every state). */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function itemOf(status: any, id: string): any {
  return [...status.active_downloads, ...status.pending_queue, ...status.completed_downloads, ...status.failed_downloads].find((item: any) => item.id === id);
}
