import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { inContext } from '../../backend/db/context.ts';
import { FakeClock } from '../../backend/adapters/clock.ts';
import { Webhook } from '../../backend/modules/notifications/webhook.entity.ts';
import { WebhookDelivery } from '../../backend/modules/notifications/webhook-delivery.entity.ts';
import { WebhookOutbox } from '../../backend/modules/notifications/webhook-outbox.ts';
import { fetchTransport } from '../../backend/modules/notifications/webhook-transport.ts';
import type { DomainEvent } from '../../backend/events/bus.ts';
import type { EnqueueOptions, JobName, JobPayloads, JobQueue } from '../../backend/job-queue.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { Receiver } from './receiver.ts';
import { samples } from '../helpers/event-samples.ts';

/** The JobQueue port recorded, so a test can play the runner step by step with a fake clock. */
class RecordingQueue implements JobQueue {
  readonly queued: { deliveryId: number; runAt: Date | undefined }[] = [];
  /** Lets a test start a job the moment it is queued, as a busy runner may. */
  onEnqueue: ((job: { deliveryId: number; runAt: Date | undefined }) => Promise<void>) | undefined;
  async enqueue<N extends JobName>(_name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    const job = { deliveryId: (payload as { deliveryId: number }).deliveryId, runAt: options.runAt };
    if (this.onEnqueue) await this.onEnqueue(job);
    else this.queued.push(job);
  }
  async cancel(): Promise<number> {
    return 0;
  }
  async pause(): Promise<void> {}
  async resume(): Promise<void> {}
  async list() {
    return [];
  }
}

describe('webhook outbox', () => {
  let orm: Orm;
  let remove: () => Promise<void>;
  let receiver: Receiver;
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 12));

  beforeAll(async () => {
    const temp = await makeTempDir();
    remove = temp.remove;
    orm = await openDatabase({ file: join(temp.path, 'test.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await orm.close();
    await remove();
  });
  afterEach(async () => {
    receiver.requests.length = 0;
    receiver.responder = (_request, response) => {
      response.end('ok');
    };
    await inContext(orm, async () => {
      await orm.em.nativeDelete(WebhookDelivery, {});
      await orm.em.nativeDelete(Webhook, {});
    });
  });

  function setup(policy = {}) {
    const queue = new RecordingQueue();
    const outbox = new WebhookOutbox({
      em: orm.em,
      jobs: queue,
      clock,
      logger: pino({ level: 'silent' }),
      transport: fetchTransport,
      instance: 'test-nas',
      policy: { backoffBaseMs: 1000, backoffMaxMs: 4000, maxAttempts: 4, timeoutMs: 3000, ...policy },
    });
    /** Plays the runner: takes jobs in order, moving the fake clock to each one's run time. */
    const runAll = async (limit = 50) => {
      const outcomes: string[] = [];
      while (queue.queued.length > 0 && outcomes.length < limit) {
        queue.queued.sort((a, b) => (a.runAt?.getTime() ?? 0) - (b.runAt?.getTime() ?? 0));
        const job = queue.queued.shift()!;
        if (job.runAt && job.runAt > clock.now()) clock.advance(job.runAt.getTime() - clock.now().getTime());
        outcomes.push(await inContext(orm, () => outbox.deliver(job.deliveryId)));
      }
      return outcomes;
    };
    return { queue, outbox, runAll };
  }

  async function addHook(
    fields: Partial<{ url: string; events: string[]; secret: string | null; kind: 'json' | 'discord' | 'ntfy' | 'gotify'; enabled: boolean }> = {},
  ) {
    return inContext(orm, async () => {
      const hook = orm.em.create(Webhook, {
        id: crypto.randomUUID(),
        name: 'hook',
        url: `${receiver.url}/hook`,
        kind: 'json',
        events: ['download_complete', 'download_failed'],
        secret: null,
        method: 'POST',
        headers: {},
        enabled: true,
        createdAt: clock.now(),
        updatedAt: clock.now(),
        ...fields,
      });
      await orm.em.flush();
      return hook.id;
    });
  }

  const complete = (episode: number): DomainEvent => ({
    type: 'download_complete',
    timestamp: clock.now().toISOString(),
    data: { ...samples.download_complete, item_id: `i${episode}`, episode, file_path: `/media/One Piece/S01E${episode}.mkv` },
  });

  const rows = (hookId: string) => inContext(orm, () => orm.em.find(WebhookDelivery, { webhook: hookId }, { orderBy: { sequence: 'asc' } }));

  it('delivers a signed generic JSON payload the receiver can verify', async () => {
    const hookId = await addHook({ secret: 's3cret' });
    const { outbox, runAll } = setup();
    await inContext(orm, () => outbox.record(complete(1)));
    expect(await runAll()).toEqual(['delivered']);

    const [request] = receiver.requests;
    const expected = `sha256=${createHmac('sha256', 's3cret').update(request.body).digest('hex')}`;
    expect(request.headers['x-aniworld-signature']).toBe(expected);
    expect(request.headers['x-aniworld-event']).toBe('download_complete');
    expect(JSON.parse(request.body)).toEqual({
      event: 'download_complete',
      timestamp: clock.now().toISOString(),
      instance: 'test-nas',
      data: complete(1).data,
    });
    const [row] = await rows(hookId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(row.attemptLog).toEqual([{ at: expect.any(String), status_code: 200, latency_ms: expect.any(Number), error: null }]);
  });

  it('only records events a hook subscribed to, and no test or progress events', async () => {
    const hookId = await addHook({ events: ['download_failed'] });
    await addHook({ events: ['download_complete'], enabled: false });
    const { outbox } = setup();
    await inContext(orm, async () => {
      expect(await outbox.record(complete(1))).toEqual([]);
      expect(await outbox.record({ type: 'download_progress', timestamp: '', data: {} } as unknown as DomainEvent)).toEqual([]);
      expect(
        await outbox.record({
          type: 'download_failed',
          timestamp: clock.now().toISOString(),
          data: { ...samples.download_failed, item_id: 'x', error: 'boom' },
        }),
      ).toHaveLength(1);
    });
    expect(await rows(hookId)).toHaveLength(1);
  });

  it('retries after a 500 with growing backoff and logs every attempt', async () => {
    const hookId = await addHook();
    receiver.responder = (_request, response, index) => {
      response.statusCode = index < 2 ? 500 : 200;
      response.end(index < 2 ? 'down' : 'ok');
    };
    const { outbox, queue, runAll } = setup();
    const started = clock.now().getTime();
    await inContext(orm, () => outbox.record(complete(1)));
    const firstRun = queue.queued[0];
    expect(await runAll()).toEqual(['retrying', 'retrying', 'delivered']);
    expect(firstRun.runAt).toBeUndefined();
    // 1 s then 2 s of backoff on the fake clock
    expect(clock.now().getTime() - started).toBe(3000);
    const [row] = await rows(hookId);
    expect(row.status).toBe('delivered');
    expect(row.attemptLog.map((attempt) => attempt.status_code)).toEqual([500, 500, 200]);
    expect(row.attemptLog[0].error).toBe('Receiver answered HTTP 500');
  });

  it('retries after a timeout and gives up after the last attempt', async () => {
    const hookId = await addHook();
    receiver.responder = () => {
      /* never answers */
    };
    const { outbox, runAll } = setup({ maxAttempts: 3, timeoutMs: 100 });
    await inContext(orm, () => outbox.record(complete(1)));
    expect(await runAll()).toEqual(['retrying', 'retrying', 'failed']);
    const [row] = await rows(hookId);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null });
    expect(row.lastError).toMatch(/No answer from 127\.0\.0\.1:\d+ within 100 ms/);
  });

  it('a retry job that starts at once is not dropped as a duplicate of the run that queued it', async () => {
    const hookId = await addHook();
    receiver.responder = (_request, response, index) => {
      response.statusCode = index === 0 ? 500 : 200;
      response.end();
    };
    const { outbox, queue } = setup();
    await inContext(orm, () => outbox.record(complete(1)));
    const first = queue.queued.shift()!;
    const eager: string[] = [];
    queue.onEnqueue = async (job) => {
      eager.push(await inContext(orm, () => outbox.deliver(job.deliveryId)));
    };
    expect(await inContext(orm, () => outbox.deliver(first.deliveryId))).toBe('retrying');
    expect(eager).toEqual(['delivered']);
    expect((await rows(hookId))[0].status).toBe('delivered');
  });

  it('two senders racing for one delivery: one claims and sends it, the other leaves it', async () => {
    const hookId = await addHook();
    const first = setup();
    const second = setup();
    await inContext(orm, () => first.outbox.record(complete(1)));
    const [job] = first.queue.queued;
    const outcomes = await Promise.all([first.outbox, second.outbox].map((outbox) => inContext(orm, () => outbox.deliver(job.deliveryId))));
    expect(outcomes.sort()).toEqual(['delivered', 'waiting']);
    expect(receiver.requests).toHaveLength(1);
    expect((await rows(hookId))[0]).toMatchObject({ status: 'delivered', attempts: 1, claimedBy: null, claimedUntil: null });
  });

  it('takes over a delivery once the claim of a sender that died while sending has run out', async () => {
    const hookId = await addHook();
    const { outbox, queue } = setup();
    await inContext(orm, () => outbox.record(complete(1)));
    const job = queue.queued.shift()!;
    // What a worker that claimed it and was killed before recording the answer leaves behind.
    const claimedUntil = new Date(clock.now().getTime() + 70_000);
    await inContext(orm, () => orm.em.nativeUpdate(WebhookDelivery, { id: job.deliveryId }, { claimedBy: 'other-nas:4242:dead', claimedUntil }));
    expect(await inContext(orm, () => outbox.deliver(job.deliveryId))).toBe('waiting');
    expect(receiver.requests).toHaveLength(0);
    clock.advance(70_001);
    expect(await inContext(orm, () => outbox.deliver(job.deliveryId))).toBe('delivered');
    expect(receiver.requests).toHaveLength(1);
    expect((await rows(hookId))[0]).toMatchObject({ status: 'delivered', attempts: 1, claimedBy: null, claimedUntil: null });
  });

  it('keeps per-hook order: later events wait while an earlier one is retried', async () => {
    const hookId = await addHook();
    receiver.responder = (_request, response, index) => {
      response.statusCode = index === 0 ? 503 : 200;
      response.end();
    };
    const { outbox, runAll } = setup();
    await inContext(orm, async () => {
      for (const episode of [1, 2, 3]) await outbox.record(complete(episode));
    });
    const outcomes = await runAll();
    expect(outcomes.filter((outcome) => outcome === 'delivered')).toHaveLength(3);
    expect(outcomes).toContain('waiting');
    const episodes = receiver.requests.map((request) => JSON.parse(request.body).data.episode);
    expect(episodes).toEqual([1, 1, 2, 3]);
    expect((await rows(hookId)).map((row) => row.sequence)).toEqual([1, 2, 3]);
  });

  it('does not retry a 4xx rejection and moves on to the next event', async () => {
    await addHook();
    receiver.responder = (_request, response, index) => {
      response.statusCode = index === 0 ? 404 : 200;
      response.end();
    };
    const { outbox, runAll } = setup();
    await inContext(orm, async () => {
      await outbox.record(complete(1));
      await outbox.record(complete(2));
    });
    expect((await runAll()).filter((outcome) => outcome !== 'waiting' && outcome !== 'skipped')).toEqual(['failed', 'delivered']);
  });

  it('a receiver down for a while gets every event, in order, once it is back within the retry window', async () => {
    await addHook();
    let up = false;
    receiver.responder = (_request, response) => {
      response.statusCode = up ? 200 : 502;
      response.end();
    };
    const { outbox, queue, runAll } = setup({ maxAttempts: 12, backoffBaseMs: 10_000, backoffMaxMs: 15 * 60_000 });
    await inContext(orm, async () => {
      for (const episode of [1, 2, 3, 4]) await outbox.record(complete(episode));
    });
    const downSince = clock.now().getTime();
    // Down for an hour: the head keeps failing, the rest wait.
    while (clock.now().getTime() - downSince < 3600_000) {
      const outcomes = await runAll(1);
      expect(outcomes).not.toContain('failed');
      if (queue.queued.length === 0) break;
    }
    up = true;
    await runAll();
    const delivered = receiver.requests
      .filter((_request, index) => index >= receiver.requests.length - 4)
      .map((request) => JSON.parse(request.body).data.episode);
    expect(delivered).toEqual([1, 2, 3, 4]);
  });
});
