import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { Receiver } from './receiver.ts';
import { expectEachSentOnceInOrder, OutboxProcess, raceOutboxes } from './outbox-race.ts';

/** Two processes on one SQLite file (several processes on one machine share it). */
describe('webhook outbox: two processes on one SQLite file', () => {
  let orm: Orm;
  const processes: OutboxProcess[] = [];
  let receiver: Receiver;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const temp = await makeTempDir();
    remove = temp.remove;
    const file = join(temp.path, 'aniworld.db');
    const backupDir = join(temp.path, 'backups');
    orm = await openDatabase({ file, journal: 'wal', backupDir });
    processes.push(...(await Promise.all([OutboxProcess.start({ sqlite: file, backupDir }), OutboxProcess.start({ sqlite: file, backupDir })])));
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await receiver?.stop();
    await orm?.close();
    await remove?.();
  });

  it('racing on the same deliveries, send each exactly once and in sequence order per hook', async () => {
    const result = await raceOutboxes(orm, processes, receiver, { hooks: 2, eventsPerProcess: 12, refuseEvery: 5 });
    expectEachSentOnceInOrder(result, 24);
  });
});
