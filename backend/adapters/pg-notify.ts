import pg from 'pg';
import type { Logger } from './logger.ts';

/** A PostgreSQL LISTEN/NOTIFY channel: the only place that talks pg for cross-process events. */
export interface NotifyChannel {
  publish(payload: string): Promise<void>;
  close(): Promise<void>;
}

const RECONNECT_MS = [250, 1000, 2000, 5000];

/**
 * One connection LISTENs (reconnecting when the server goes away); NOTIFYs go through a pool of
 * one, so they leave, and therefore arrive, in the order they were published.
 */
export async function openNotifyChannel(options: {
  url: string;
  channel: string;
  logger: Logger;
  onMessage: (payload: string) => void;
  onReconnect?: () => void;
}): Promise<NotifyChannel> {
  const logger = options.logger.child({ component: 'event-bridge' });
  const pool = new pg.Pool({ connectionString: options.url, max: 1 });
  pool.on('error', (error) => logger.warn({ err: error }, 'notify connection lost'));
  let listener: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let lost = false;

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: options.url });
    client.on('notification', (message) => {
      if (message.channel === options.channel && message.payload !== undefined) options.onMessage(message.payload);
    });
    client.on('error', (error) => {
      logger.warn({ err: error }, 'listen connection lost; reconnecting');
      client.end().catch(() => {});
      if (listener === client) {
        lost = true;
        reconnect();
      }
    });
    await client.connect();
    await client.query(`listen "${options.channel}"`);
    listener = client;
    failures = 0;
    if (lost) {
      lost = false;
      logger.info('listen connection back');
      // Notifications sent meanwhile are gone: whoever listens catches up from the database.
      options.onReconnect?.();
    }
  };
  const reconnect = () => {
    listener = undefined;
    if (closed) return;
    const delay = RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)];
    setTimeout(() => {
      if (!closed)
        listen().catch((error) => {
          logger.warn({ err: error }, 'could not listen; retrying');
          reconnect();
        });
    }, delay).unref();
  };

  await listen();
  return {
    async publish(payload) {
      await pool.query('select pg_notify($1, $2)', [options.channel, payload]);
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => {});
      await pool.end();
    },
  };
}
