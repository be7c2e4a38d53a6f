import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLogger } from '../../backend/adapters/logger.ts';
import { openRedisChannel } from '../../backend/adapters/redis-pubsub.ts';
import { EventBridge } from '../../backend/events/bridge.ts';
import { EventBus, type DomainEvent } from '../../backend/events/bus.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import type { ServerProcess } from '../helpers/server-process.ts';
import { LiveClient } from '../ws/ws-client.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';
import { freePort } from '../helpers/free-port.ts';
import { startRedis, type RedisServer } from './redis-server.ts';
import { ApiClient, startRole, waitUntil, writeClusterConfig } from './cluster.ts';

/** Cross-process events through Redis pub/sub (REDIS_URL) against Debian's redis-server. */
let redis: RedisServer;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  redis = await startRedis();
}, 90_000);
afterAll(async () => {
  await redis?.stop();
});

/** One process's side: its own bus, a bridge and a Redis channel, and what reached its bus. */
async function processSide() {
  const events = new EventBus();
  const seen: DomainEvent[] = [];
  // Woken by each event that reaches this side: the test waits for events, not for a while.
  const waiting: (() => void)[] = [];
  events.subscribe((event) => {
    seen.push(event);
    for (const resume of waiting.splice(0)) resume();
  });
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const bridge = new EventBridge({ events, logger, maxBytes: 1024 * 1024 });
  const channel = await openRedisChannel({ url: redis.url, channel: 'aniworld_events', logger, onMessage: (payload) => bridge.receive(payload) });
  bridge.start(channel);
  return {
    events,
    seen,
    until,
    close: async () => {
      await bridge.stop();
      await channel.close();
    },
  };
}

/** How many connections subscribe to the events channel. */
async function subscribers(): Promise<number> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    const [, count] = (await client.pubsub('NUMSUB', 'aniworld_events')) as [string, number];
    return count;
  } catch {
    return 0;
  } finally {
    client.disconnect();
  }
}

function scanEvents(seen: DomainEvent[]): string[] {
  return seen.filter((event) => event.type === 'scan_progress').map((event) => String((event.data as { folder?: string }).folder));
}

describe('events through Redis pub/sub', () => {
  it('reach the other process in order, whole, and never come back to the sender', async () => {
    const [worker, api] = await Promise.all([processSide(), processSide()]);
    try {
      const long = 'x'.repeat(20_000); // more than NOTIFY could carry
      for (let index = 0; index < 50; index++) worker.events.publish('scan_progress', { current: index, total: 50, folder: `step ${index}`, key: long });
      await api.until(() => scanEvents(api.seen).length === 50);
      expect(scanEvents(api.seen)).toEqual(Array.from({ length: 50 }, (_, index) => `step ${index}`));
      expect((api.seen[0].data as { key: string }).key).toBe(long);
      // The sender saw each event once: its own publish, not the echo.
      expect(scanEvents(worker.seen)).toHaveLength(50);
    } finally {
      await Promise.all([worker.close(), api.close()]);
    }
  });

  it('reconnect and subscribe again by themselves after Redis went away; nothing arrives twice or out of order', async () => {
    const [worker, api] = await Promise.all([processSide(), processSide()]);
    try {
      worker.events.publish('scan_progress', { current: 0, total: 3, folder: 'before' });
      await api.until(() => scanEvents(api.seen).includes('before'));
      await redis.down();
      worker.events.publish('scan_progress', { current: 1, total: 3, folder: 'during' });
      await redis.up();
      // Pub/sub keeps nothing for a subscriber that is not there: events flow again once both
      // sides have reconnected (and subscribed again, by themselves).
      // Redis has no event for a subscription: ask it until both are back (the deadline only bounds a failure).
      await waitUntil(async () => (await subscribers()) === 2, 'both sides subscribed again');
      worker.events.publish('scan_progress', { current: 2, total: 3, folder: 'after' });
      await api.until(() => scanEvents(api.seen).includes('after'));
      // What was published during the outage left when the publisher was back, which may have
      // been before the other side subscribed again; nothing arrives twice or out of order.
      const received = scanEvents(api.seen);
      expect(received[0]).toBe('before');
      expect(received.at(-1)).toBe('after');
      expect(new Set(received).size).toBe(received.length);
    } finally {
      await Promise.all([worker.close(), api.close()]);
    }
  }, 90_000);

  it('a Redis that cannot be reached stops the start with a message naming REDIS_URL', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    await expect(openRedisChannel({ url: nowhere, channel: 'aniworld_events', logger, onMessage: () => {}, connectTimeoutMs: 1500 })).rejects.toThrow(
      /Redis \(REDIS_URL\) is not reachable/,
    );
  });
});

describe('a cluster with REDIS_URL', () => {
  let postgres: PostgresServer;
  let site: FixtureSite;
  let temp: { path: string; remove: () => Promise<void> };
  const processes: ServerProcess[] = [];

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await Promise.all([site?.close(), postgres?.stop()]);
    await temp?.remove();
  });

  it('shows the progress of a download running on a worker to a WebSocket client of the API process, through Redis only', async () => {
    [postgres, site, temp] = await Promise.all([startPostgres(), startFixtureSite({ seriesCount: 1 }), makeTempDir('aniworld-redis-cluster-')]);
    const dataDir = join(temp.path, 'config');
    await writeClusterConfig(dataDir);
    const options = {
      dataDir,
      mediaDir: join(temp.path, 'media'),
      databaseUrl: postgres.url,
      providerUrl: site.url,
      env: { REDIS_URL: redis.url, LOG_LEVEL: 'info' },
    };
    const apiProcess = await startRole('api', options);
    processes.push(apiProcess, await startRole('worker', options));
    const api = new ApiClient(apiProcess.url);
    const token = await api.login();
    expect((await api.call('POST', '/api/anime/add', { key: 'demo-academy' })).status).toBe(201);
    const live = await LiveClient.open(`${apiProcess.url.replace('http', 'ws')}/ws/connect?token=${token}`);
    try {
      await live.join('downloads');
      await live.join('download_progress');
      site.controls.largeFileBytes = 512 * 1024;
      site.controls.slowBytesPerSecond = 512 * 1024;
      const added = await api.call('POST', '/api/queue/add', { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 1 }] });
      expect(added.status).toBe(201);
      const id = added.body.item_ids[0];
      await live.waitFor((message) => message.type === 'download_complete' && message.data.item_id === id, 'download_complete');
      expect(live.messages.some((message) => message.type === 'download_progress' && message.data.item_id === id)).toBe(true);
      // The worker's log line comes through a pipe, which the test may read after the WebSocket message.
      await processes[1].waitForLine((line) => line.includes('"download complete"'));
      const completions = processes.map((process) => process.output.filter((line) => line.includes('"download complete"')).length);
      expect(completions).toEqual([0, 1]);

      // Both processes subscribe on Redis; neither LISTENs on PostgreSQL.
      expect(await subscribers()).toBe(2);
      const db = new pg.Client({ connectionString: postgres.url });
      await db.connect();
      try {
        const { rows } = await db.query("select count(*)::int as listening from pg_stat_activity where query ilike 'listen%aniworld_events%'");
        expect(rows[0].listening).toBe(0);
      } finally {
        await db.end();
      }

      // After an outage, events sent meanwhile are gone: the API process tells its clients to
      // reload (a fresh queue_status) once it is subscribed again.
      const before = live.messages.length;
      await redis.down();
      await redis.up();
      await live.waitFor((message) => message.type === 'queue_status' && live.messages.indexOf(message) >= before, 'queue_status after the reconnect');
      // Its log line comes through a pipe, which the test may read after the WebSocket message.
      await apiProcess.waitForLine((line) => line.includes('redis connection back'));
    } finally {
      live.socket.close();
    }
    // PostgreSQL and two processes start within this test; on a loaded machine that takes minutes.
  }, 300_000);
});
