import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';
import type { NotifyChannel } from './pg-notify.ts';

const RECONNECT_MS = [250, 1000, 2000, 5000];

/**
 * A Redis pub/sub channel for cross-process events (REDIS_URL): one connection subscribes (Redis
 * allows nothing else on it), one publishes. ioredis reconnects both and subscribes again by itself;
 * what is published while Redis is away waits in the publisher's queue and leaves on reconnect, in
 * order. Resolves once the subscription stands, so no event published after start-up is missed.
 */
export async function openRedisChannel(options: {
  url: string;
  channel: string;
  logger: Logger;
  onMessage: (payload: string) => void;
  onReconnect?: () => void;
  connectTimeoutMs?: number;
}): Promise<NotifyChannel> {
  const logger = options.logger.child({ component: 'event-bridge' });
  const connection = {
    retryStrategy: (attempt: number) => RECONNECT_MS[Math.min(attempt - 1, RECONNECT_MS.length - 1)],
    // Keep queued events while Redis is away instead of failing them after a few retries.
    maxRetriesPerRequest: null,
    connectionName: 'aniworld-events',
  };
  const subscriber = new Redis(options.url, connection);
  const publisher = new Redis(options.url, connection);
  // Logged without the error's text: ioredis errors can carry the URL, and with it the password.
  let lastWarning = '';
  const warn = (role: string) => (error: Error & { code?: string }) => {
    const key = `${role}:${error.code ?? error.name}`;
    if (key === lastWarning) return;
    lastWarning = key;
    logger.warn({ role, code: error.code ?? error.name }, 'redis connection lost; reconnecting');
  };
  subscriber.on('error', warn('subscribe'));
  publisher.on('error', warn('publish'));
  let lost = false;
  subscriber.on('close', () => {
    lost = true;
  });
  subscriber.on('ready', () => {
    lastWarning = '';
    if (!lost) return;
    lost = false;
    logger.info('redis connection back');
    // Messages published meanwhile are gone (pub/sub keeps nothing): whoever listens catches up.
    options.onReconnect?.();
  });
  subscriber.on('message', (channel: string, payload: string) => {
    if (channel === options.channel) options.onMessage(payload);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    // ioredis would wait for Redis forever; a start-up that cannot reach it says so instead.
    await Promise.race([
      subscriber.subscribe(options.channel),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${(options.connectTimeoutMs ?? 15_000) / 1000} s`)), options.connectTimeoutMs ?? 15_000);
      }),
    ]);
  } catch (error) {
    subscriber.disconnect();
    publisher.disconnect();
    throw new Error(`Redis (REDIS_URL) is not reachable: ${(error as Error).message.replace(options.url, '<REDIS_URL>')}`);
  } finally {
    clearTimeout(timer);
  }
  return {
    async publish(payload) {
      await publisher.publish(options.channel, payload);
    },
    async close() {
      await Promise.all([subscriber.quit().catch(() => subscriber.disconnect()), publisher.quit().catch(() => publisher.disconnect())]);
    },
  };
}
