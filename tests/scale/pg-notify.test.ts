import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createLogger } from '../../backend/adapters/logger.ts';
import { openNotifyChannel, type NotifyChannel } from '../../backend/adapters/pg-notify.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

/** The LISTEN/NOTIFY channel against a real PostgreSQL: order, and recovery when its connection is cut. */
let server: PostgresServer;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  server = await startPostgres();
}, 180_000);
afterAll(async () => {
  await server?.stop();
});

describe('PostgreSQL notify channel', () => {
  it('listens again after its connection was terminated, says so once, and carries messages again', async () => {
    const received: string[] = [];
    let reconnects = 0;
    // Woken by the channel's own callbacks: the test waits for messages and reconnects, not for a while.
    const waiting: (() => void)[] = [];
    const wake = () => {
      for (const resume of waiting.splice(0)) resume();
    };
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise<void>((resolve) => waiting.push(resolve));
    };
    const channels: NotifyChannel[] = [];
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      channels.push(
        await openNotifyChannel({
          url: server.url,
          channel: 'aniworld_events',
          logger,
          onMessage: (payload) => {
            received.push(payload);
            wake();
          },
          onReconnect: () => {
            reconnects++;
            wake();
          },
        }),
      );
      channels.push(await openNotifyChannel({ url: server.url, channel: 'aniworld_events', logger, onMessage: () => {} }));
      const sending = channels[1];
      for (const payload of ['one', 'two', 'three']) await sending.publish(payload);
      await until(() => received.length === 3);
      expect(received).toEqual(['one', 'two', 'three']);
      expect(reconnects).toBe(0);

      // Cut every LISTEN connection; the listening side reconnects by itself and reports it.
      const { rows } = await db.query("select pid from pg_stat_activity where query ilike 'listen%aniworld_events%'");
      expect(rows).toHaveLength(2);
      for (const row of rows) await db.query('select pg_terminate_backend($1)', [row.pid]);
      await until(() => reconnects === 1);
      await sending.publish('four');
      await until(() => received.includes('four'));
      expect(reconnects).toBe(1);
    } finally {
      await db.end();
      for (const channel of channels) await channel.close();
    }
  }, 60_000);
});
