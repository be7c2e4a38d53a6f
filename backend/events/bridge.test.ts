import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { EventBus, type DomainEvent } from './bus.ts';
import { EventBridge } from './bridge.ts';
import { sampleProgress, samples } from '../../tests/helpers/event-samples.ts';

const logger = pino({ level: 'silent' });

/** Two processes on one channel: like NOTIFY, every payload reaches every listener, the sender too. */
function twoProcesses(maxBytes?: number) {
  const sent: string[] = [];
  const buses = [new EventBus(), new EventBus()];
  const bridges = buses.map((events) => new EventBridge({ events, logger, progressEveryMs: 10, maxBytes }));
  const transport = {
    publish: async (payload: string) => {
      sent.push(payload);
      for (const bridge of bridges) bridge.receive(payload);
    },
  };
  for (const bridge of bridges) bridge.start(transport);
  const seen = buses.map((bus) => {
    const events: DomainEvent[] = [];
    bus.subscribe((event) => events.push(event));
    return events;
  });
  const seenLocalOnly = buses.map((bus) => {
    const events: DomainEvent[] = [];
    bus.subscribe((event) => events.push(event), { localOnly: true });
    return events;
  });
  return { buses, bridges, sent, seen, seenLocalOnly };
}

const base = { item_id: 'a', key: 'k', folder: 'F', season: 1, episode: 2 };
const complete = { ...samples.download_complete, ...base, file_path: '/m/x.mp4' };
const failed = { ...samples.download_failed, ...base };

describe('event bridge', () => {
  it("republishes another process's events once, never echoes its own, and keeps them from localOnly subscribers", async () => {
    const { buses, bridges, sent, seen, seenLocalOnly } = twoProcesses();
    buses[0].publish('download_complete', complete);
    await bridges[0].stop();
    expect(sent).toHaveLength(1);
    expect(seen[0].map((event) => event.type)).toEqual(['download_complete']);
    expect(seen[1].map((event) => event.type)).toEqual(['download_complete']);
    expect(seen[1][0]).toEqual(seen[0][0]);
    // The webhook notifier subscribes localOnly: only the process where it happened records it.
    expect(seenLocalOnly[0]).toHaveLength(1);
    expect(seenLocalOnly[1]).toHaveLength(0);
  });

  it('sends only the newest progress per download, and all of it before the next other event', async () => {
    const { buses, bridges, seen } = twoProcesses();
    for (const percent of [10, 20, 30]) buses[0].publish('download_progress', { ...base, progress: sampleProgress(percent) });
    buses[0].publish('download_progress', { ...base, item_id: 'b', progress: sampleProgress(5) });
    buses[0].publish('download_complete', complete);
    await bridges[0].stop();
    expect(
      seen[1].map(
        (event) =>
          `${event.type}:${'item_id' in event.data ? event.data.item_id : ''}:${event.type === 'download_progress' ? event.data.progress.percent : ''}`,
      ),
    ).toEqual(['download_progress:a:30', 'download_progress:b:5', 'download_complete:a:']);
  });

  it('keeps every payload under the limit: long texts are cut, then only the core fields stay', async () => {
    const { buses, bridges, sent, seen } = twoProcesses(2000);
    buses[0].publish('download_failed', { ...failed, error: 'x'.repeat(5000) });
    // A payload over the limit even with every string cut (not one the app sends, but the bridge must hold the limit).
    buses[0].publish('download_failed', {
      ...failed,
      error: 'short',
      ...Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`extra_${index}`, 'y'.repeat(400)])),
    } as typeof failed);
    await bridges[0].stop();
    for (const payload of sent) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(2000);
    expect(seen[1][0].data).toMatchObject({ ...base, truncated: true });
    expect(String((seen[1][0].data as { error: string }).error).length).toBeLessThan(600);
    expect(seen[1][1].data).toEqual({ ...base, error: 'short', truncated: true });
  });

  it('carries signals to the other processes only, never as domain events', async () => {
    const { buses, bridges, seen } = twoProcesses();
    const heard: string[][] = [[], []];
    bridges.forEach((bridge, index) => bridge.onSignal('settings_changed', () => heard[index].push('settings_changed')));
    const stopListening = bridges[1].onSignal('other', () => heard[1].push('other'));
    bridges[0].signal('settings_changed');
    buses[0].publish('download_complete', complete);
    stopListening();
    bridges[0].signal('other');
    await bridges[0].stop();
    expect(heard).toEqual([[], ['settings_changed']]);
    expect(seen[1].map((event) => event.type)).toEqual(['download_complete']);
  });
});
