import { afterAll, beforeAll, describe, it } from 'vitest';
import { openPostgres } from '../../backend/db/postgres.ts';
import type { Orm } from '../../backend/db/orm.ts';
import { Receiver } from '../notifications/receiver.ts';
import { expectEachSentOnceInOrder, OutboxProcess, raceOutboxes } from '../notifications/outbox-race.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

/** Scale-out: worker processes on one PostgreSQL, each with its own outbox. */
describe('webhook outbox: three processes on one PostgreSQL', () => {
  let server: PostgresServer;
  let orm: Orm;
  const processes: OutboxProcess[] = [];
  let receiver: Receiver;

  beforeAll(async () => {
    server = await startPostgres();
    orm = await openPostgres({ url: server.url });
    processes.push(...(await Promise.all([0, 1, 2].map(() => OutboxProcess.start({ postgres: server.url })))));
    receiver = await Receiver.start();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await receiver?.stop();
    await orm?.close();
    await server?.stop();
  });

  it('racing on the same deliveries, send each exactly once and in sequence order per hook', async () => {
    const result = await raceOutboxes(orm, processes, receiver, { hooks: 2, eventsPerProcess: 10, refuseEvery: 5 });
    expectEachSentOnceInOrder(result, 30);
    // Three processes racing on a loaded 2-core machine: the deadline only bounds a failure.
  }, 120_000);
});
