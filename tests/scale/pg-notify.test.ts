import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createLogger } from '../../backend/adapters/logger.ts';
import { openNotifyChannel, type NotifyChannel } from '../../backend/adapters/pg-notify.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';
import { waitUntil } from './cluster.ts';

/** The LISTEN/NOTIFY channel against a real PostgreSQL: order, and recovery when its connection is cut. */
let server: PostgresServer;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => { server = await startPostgres(); }, 60_000);
afterAll(async () => { await server?.stop(); });

describe('PostgreSQL notify channel', () => {
  it('listens again after its connection was terminated, says so once, and carries messages again', async () => {
    const received: string[] = [];
    let reconnects = 0;
    const channels: NotifyChannel[] = [];
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      channels.push(await openNotifyChannel({ url: server.url, channel: 'aniworld_events', logger, onMessage: (payload) => received.push(payload), onReconnect: () => reconnects++ }));
      channels.push(await openNotifyChannel({ url: server.url, channel: 'aniworld_events', logger, onMessage: () => {} }));
      const sending = channels[1];
      for (const payload of ['one', 'two', 'three']) await sending.publish(payload);
      await waitUntil(async () => received.length === 3, 'three messages', 10_000);
      expect(received).toEqual(['one', 'two', 'three']);
      expect(reconnects).toBe(0);

      // Cut every LISTEN connection; the listening side reconnects by itself and reports it.
      const { rows } = await db.query("select pid from pg_stat_activity where query ilike 'listen%aniworld_events%'");
      expect(rows).toHaveLength(2);
      for (const row of rows) await db.query('select pg_terminate_backend($1)', [row.pid]);
      await waitUntil(async () => reconnects === 1, 'the reconnect', 20_000);
      await sending.publish('four');
      await waitUntil(async () => received.includes('four'), 'a message after the reconnect', 10_000);
      expect(reconnects).toBe(1);
    } finally {
      await db.end();
      for (const channel of channels) await channel.close();
    }
  }, 60_000);
});
