import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Orm } from '../../backend/db/orm.ts';
import { inContext } from '../../backend/db/context.ts';
import { Webhook } from '../../backend/modules/notifications/webhook.entity.ts';
import { WebhookDelivery } from '../../backend/modules/notifications/webhook-delivery.entity.ts';
import type { Receiver } from './receiver.ts';
import type { OutboxCommand, OutboxMessage } from './fixtures/outbox-process.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'outbox-process.ts');

type CommandBody = OutboxCommand extends infer C ? (C extends OutboxCommand ? Omit<C, 'id'> : never) : never;

/** A worker process holding one outbox; its queued jobs arrive through onEnqueue. */
export class OutboxProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 0;
  onEnqueue: (job: { deliveryId: number; runAt: number }) => void = () => {};

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: OutboxMessage) => {
      if (message.type === 'enqueue') this.onEnqueue({ deliveryId: message.deliveryId, runAt: message.runAt });
      if (message.type !== 'done') return;
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  }

  static start(database: { sqlite: string; backupDir: string } | { postgres: string }): Promise<OutboxProcess> {
    const args = 'postgres' in database ? ['postgres', database.postgres] : ['sqlite', database.sqlite, database.backupDir];
    const child = fork(FIXTURE, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`outbox process exited (${code}) before it was ready`)));
      child.once('message', (message: OutboxMessage) => {
        if (message.type === 'ready') resolve(new OutboxProcess(child));
      });
    });
  }

  call(command: CommandBody): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...command, id });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.disconnect();
    await exited;
  }
}

export interface RaceResult {
  /** Per hook: delivery ids in the order the receiver got their requests (a retried one shows up again). */
  readonly arrivals: Map<string, number[]>;
  /** Per delivery id: the status codes the receiver answered, in order. */
  readonly answers: Map<number, number[]>;
  /** Per hook: its deliveries by sequence. */
  readonly rows: Map<string, { id: number; sequence: number; status: string; attempts: number }[]>;
  /** Delivery ids whose first request was answered 503. */
  readonly refusedOnce: Set<number>;
}

/**
 * Outbox processes on one database, as worker processes are: they record events at the same
 * moment (racing for sequence numbers), each queues every hook's head again as a process does at
 * start, and every job is handed to all of them at once (racing for the send), the worst a
 * shared job store could do. The receiver answers after a short random delay and refuses the
 * first request of every `refuseEvery`th delivery with 503, so retries race too.
 */
export async function raceOutboxes(
  orm: Orm,
  processes: readonly OutboxProcess[],
  receiver: Receiver,
  options: { hooks: number; eventsPerProcess: number; refuseEvery: number },
): Promise<RaceResult> {
  const jobs: { deliveryId: number; runAt: number }[] = [];
  for (const process of processes) process.onEnqueue = (job) => jobs.push(job);
  const hookIds = await inContext(orm, async () => {
    const now = new Date();
    const hooks = Array.from({ length: options.hooks }, (_, index) =>
      orm.em.create(Webhook, {
        id: `hook-${index}`,
        name: `hook ${index}`,
        url: `${receiver.url}/hook-${index}`,
        kind: 'json',
        events: ['download_complete'],
        secret: null,
        method: 'POST',
        headers: {},
        enabled: true,
        createdAt: now,
        updatedAt: now,
      }),
    );
    await orm.em.flush();
    return hooks.map((hook) => hook.id);
  });

  const arrivals = new Map<string, number[]>(hookIds.map((id) => [id, []]));
  const answers = new Map<number, number[]>();
  const refusedOnce = new Set<number>();
  receiver.responder = (request, response) => {
    const deliveryId = Number(request.headers['x-aniworld-delivery']);
    arrivals.get(request.url.slice(1))!.push(deliveryId);
    const earlier = answers.get(deliveryId) ?? [];
    const status = earlier.length === 0 && deliveryId % options.refuseEvery === 0 ? 503 : 200;
    if (status === 503) refusedOnce.add(deliveryId);
    answers.set(deliveryId, [...earlier, status]);
    setTimeout(() => {
      response.statusCode = status;
      response.end();
    }, Math.random() * 8);
  };

  await Promise.all(processes.map((process, origin) => process.call({ cmd: 'record', origin, events: options.eventsPerProcess })));
  await Promise.all(processes.map((process) => process.call({ cmd: 'resume' })));

  // Due jobs go to every process at once; a retry waits for its time like the job store would.
  while (jobs.length > 0) {
    const now = Date.now();
    const due = jobs.filter((job) => job.runAt <= now);
    if (due.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(...jobs.map((job) => job.runAt)) - now));
      continue;
    }
    jobs.splice(0, jobs.length, ...jobs.filter((job) => job.runAt > now));
    await Promise.all(due.flatMap((job) => processes.map((process) => process.call({ cmd: 'deliver', deliveryId: job.deliveryId }))));
  }

  const rows = await inContext(orm, async () => {
    const all = await orm.em.find(WebhookDelivery, {}, { orderBy: { sequence: 'asc' } });
    return new Map(
      hookIds.map((hookId) => [
        hookId,
        all.filter((row) => row.webhook.id === hookId).map((row) => ({ id: row.id, sequence: row.sequence, status: row.status, attempts: row.attempts })),
      ]),
    );
  });
  return { arrivals, answers, rows, refusedOnce };
}

/** Every delivery answered 200 exactly once, each hook's requests in sequence order, sequences 1..n without a gap or a twin. */
export function expectEachSentOnceInOrder(result: RaceResult, events: number): void {
  expect(result.refusedOnce.size, 'some first attempts were refused, so retries raced too').toBeGreaterThan(0);
  for (const [hookId, rows] of result.rows) {
    expect(
      rows.map((row) => row.sequence),
      hookId,
    ).toEqual(Array.from({ length: events }, (_, index) => index + 1));
    expect(
      rows.every((row) => row.status === 'delivered'),
      hookId,
    ).toBe(true);
    for (const row of rows) {
      const expected = result.refusedOnce.has(row.id) ? [503, 200] : [200];
      expect(result.answers.get(row.id), `delivery ${row.id}`).toEqual(expected);
      expect(row.attempts, `delivery ${row.id}`).toBe(expected.length);
    }
    expect(result.arrivals.get(hookId), hookId).toEqual(rows.flatMap((row) => (result.refusedOnce.has(row.id) ? [row.id, row.id] : [row.id])));
  }
}
