import { describe, expect, it } from 'vitest';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteBackend } from '../../jobs/store/SqliteBackend.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const WORKER = join(import.meta.dirname, 'fixtures', 'sqlite-worker.ts');
const JOBS = 300;

describe('two processes on one SQLite job file', () => {
  it('never run one job twice and together run every job', async () => {
    const temp = await makeTempDir();
    const file = join(temp.path, 'jobs.db');
    const log = join(temp.path, 'runs.log');
    const workers: ChildProcess[] = [];
    try {
      // Create the schema first so both workers open an existing WAL database.
      const setup = new SqliteBackend({ path: file });
      await setup.connect();
      for (let index = 0; index < 2; index++) {
        const child = fork(WORKER, [file, log], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        workers.push(child);
        await once(child, 'message');
      }
      // Insert while both are polling, so they race for the same rows.
      for (let index = 0; index < JOBS; index++) {
        await setup.repository.saveJob({ name: 'work', priority: 0, nextRunAt: new Date(), type: 'normal', data: { index } }, undefined);
      }
      await expect
        .poll(() => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0), { timeout: 60_000, interval: 100 })
        .toBeGreaterThanOrEqual(JOBS);
      for (const child of workers) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      const ids = lines.map((line) => line.split(' ')[1]);
      expect(lines).toHaveLength(JOBS);
      expect(new Set(ids).size).toBe(JOBS);
      const { jobs } = await setup.repository.queryJobs({ name: 'work' });
      expect(jobs.filter((job) => job.state !== 'completed')).toEqual([]);
      await setup.disconnect();
    } finally {
      for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
      await temp.remove();
    }
  }, 90_000);
});
