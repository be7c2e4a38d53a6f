import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import pino from 'pino';
import { systemClock } from '../../backend/adapters/clock.ts';
import { EventBus } from '../../backend/events/bus.ts';
import { EventBridge } from '../../backend/events/bridge.ts';
import { shareSettings } from '../../backend/events/shared-settings.ts';
import { SettingsStore } from '../../config/store.ts';
import { settingsSchema } from '../../config/schema.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * Scale-out settings: two processes' stores on one config file (the shared volume), their
 * bridges on one channel. What one saves, the other applies; nothing echoes back and forth.
 */
describe('settings shared between processes', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function twoProcesses(options: { recheckMs?: number; deliver?: boolean } = {}) {
    const temp = await makeTempDir();
    cleanups.push(temp.remove);
    const file = join(temp.path, 'config.json');
    const stores = [0, 1].map(
      () => new SettingsStore({ file, backupDir: join(temp.path, 'backups'), envSettings: {}, initial: settingsSchema.parse({}), clock: systemClock }),
    );
    const logs: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          logs.push(JSON.parse(line));
        },
      },
    );
    const sent: string[] = [];
    const bridges = stores.map(() => new EventBridge({ events: new EventBus(), logger }));
    const transport = {
      publish: async (payload: string) => {
        sent.push(payload);
        if (options.deliver !== false) for (const bridge of bridges) bridge.receive(payload);
      },
    };
    for (const bridge of bridges) bridge.start(transport);
    const stops = stores.map((settings, index) => shareSettings({ settings, bridge: bridges[index], logger, recheckMs: options.recheckMs }));
    cleanups.push(() => {
      for (const stop of stops) stop();
    });
    const changes = stores.map((settings) => {
      const seen: { limit: number; reloaded: boolean }[] = [];
      settings.subscribe((next, _previous, change) => seen.push({ limit: next.downloads.speed_limit_bytes_per_second, reloaded: change.reloaded }));
      return seen;
    });
    return { file, stores, bridges, sent, changes, logs };
  }

  it('a change saved by one process is applied by the other at once, once, without an echo', async () => {
    const { stores, sent, changes, logs } = await twoProcesses();
    await stores[0].patch({ downloads: { speed_limit_bytes_per_second: 1234 } });
    await expect.poll(() => stores[1].current().downloads.speed_limit_bytes_per_second).toBe(1234);
    expect(changes).toEqual([[{ limit: 1234, reloaded: false }], [{ limit: 1234, reloaded: true }]]);
    // One signal: the reloading process does not send one back.
    expect(sent).toHaveLength(1);
    expect(logs.some((line) => line.msg === 'settings changed by another process; applied')).toBe(true);
  });

  it('a signal that never arrived is caught by the periodic look at the file', async () => {
    const { stores, changes } = await twoProcesses({ recheckMs: 50, deliver: false });
    await stores[0].patch({ downloads: { concurrency: 5 } });
    await expect.poll(() => stores[1].current().downloads.concurrency).toBe(5);
    expect(changes[1]).toHaveLength(1);
  });

  it('a broken file written by hand is refused with a warning; the live settings stay', async () => {
    const { file, stores, logs } = await twoProcesses({ recheckMs: 50 });
    await stores[0].patch({ downloads: { speed_limit_bytes_per_second: 99 } });
    await expect.poll(() => stores[1].current().downloads.speed_limit_bytes_per_second).toBe(99);
    await writeFile(file, '{"downloads": {"concurrency": "many"}}');
    await expect.poll(() => logs.some((line) => line.level === 40 && String(line.msg).includes('could not be applied'))).toBe(true);
    expect(stores[1].current().downloads.speed_limit_bytes_per_second).toBe(99);
    await expect(stores[1].reload()).rejects.toThrow(/not valid/);
  });
});
