import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { systemClock } from '../../backend/adapters/clock.ts';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { SettingsStore } from '../../config/store.ts';
import { settingsSchema } from '../../config/schema.ts';
import { defineJob } from '../../jobs/definition.ts';
import { createJobRunner, type JobRunner } from '../../jobs/runner.ts';
import { createJobStore } from '../../jobs/store/index.ts';
import { pauseLibraryWork } from '../../backend/modules/system/work-pause.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { silentLogger } from '../helpers/loggers.ts';

/**
 * What a database restore stops first, against the real job runner on its SQLite store: a scan
 * that runs makes the restore wait (409), otherwise scans and refreshes are held and the download
 * queue pauses, and everything goes on afterwards. The queue side records what it was told.
 */
describe('pausing library work for a restore', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let orm: Orm;
  let runner: JobRunner;
  const releases: (() => void)[] = [];
  const waiters: (() => void)[] = [];

  beforeEach(async () => {
    temp = await makeTempDir();
    orm = await openDatabase({ file: join(temp.path, 'aniworld.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
    const settings = new SettingsStore({
      file: join(temp.path, 'config.json'),
      backupDir: join(temp.path, 'backups'),
      envSettings: {},
      initial: settingsSchema.parse({}),
      clock: systemClock,
    });
    const logger = silentLogger();
    const scan = defineJob({
      name: 'rescan-library',
      needs: [],
      run: () =>
        new Promise<void>((resolve) => {
          releases.push(resolve);
          for (const wake of waiters.splice(0)) wake();
        }),
    });
    const store = await createJobStore({ kind: 'sqlite', sqliteFile: join(temp.path, 'jobs.db'), dataDir: temp.path, env: {} });
    runner = createJobRunner(store, { orm, settings, logger, definitions: [scan], processEveryMs: 100 });
    await runner.start({});
  });

  afterEach(async () => {
    for (const release of releases.splice(0)) release();
    await runner.stop();
    await orm.close();
    await temp.remove();
  });

  it('refuses while a scan runs, then holds scans and pauses the queue until it is done', async () => {
    const told: string[] = [];
    const queue = {
      paused: false,
      async status() {
        return { is_paused: this.paused };
      },
      async pause() {
        told.push('pause');
        this.paused = true;
      },
      async resume() {
        told.push('resume');
        this.paused = false;
      },
    };
    const pause = pauseLibraryWork({ jobs: runner, queue });
    // The first start runs the scheduled scan at once; it is still running.
    while (releases.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
    await expect(pause()).rejects.toMatchObject({
      status: 409,
      code: 'work_running',
      message: expect.stringMatching(/rescan-library has finished.*Nothing was changed/),
    });
    expect(told).toEqual([]);

    releases[0]();
    await expect.poll(async () => (await runner.list('rescan-library'))[0]?.state).toBe('repeating');
    const resume = await pause();
    expect(told).toEqual(['pause']);
    expect((await runner.list('rescan-library'))[0].state).toBe('paused');
    await resume();
    expect(told).toEqual(['pause', 'resume']);
    expect((await runner.list('rescan-library'))[0].state).toBe('repeating');

    // A queue the user had paused stays paused.
    queue.paused = true;
    await (
      await pause()
    )();
    expect(told).toEqual(['pause', 'resume']);
  });
});
