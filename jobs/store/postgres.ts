import { PostgresBackend, type PostgresJobRepository } from '@agendajs/postgres-backend';
import type { AgendaBackend, JobParameters, JobRepository } from 'agenda';
import type { PoolClient } from 'pg';
import { JobStoreError } from './errors.ts';

const TABLE = 'agenda_jobs';
/** The field the runner keeps a job's unique key in (jobs/runner.ts). */
const UNIQUE_FIELD = '_uniqueKey';

/**
 * JOBS_STORE=postgres: Agenda's official PostgreSQL backend, on its own tables (agenda_jobs) in the
 * database ANIWORLD_DATABASE_URL points at. Its LISTEN/NOTIFY channel wakes idle workers at once.
 *
 * One change to it: a job with a unique key is stored at most once, also when two processes store
 * it at the same moment. The backend looks for the key and inserts when it finds none, in two
 * statements, so two processes (a retry in the API process and the worker handing a stopped
 * download back) could both insert: two jobs for one queue item, two transfers into one .part.
 * A unique index turns the second insert into a conflict, and the save is repeated as an update.
 */
export function createPostgresBackend(url: string | undefined): AgendaBackend {
  if (!url)
    throw new JobStoreError(
      'JOBS_STORE=postgres needs ANIWORLD_DATABASE_URL (for example postgresql://aniworld:secret@postgres:5432/aniworld). Or use JOBS_STORE=sqlite, the default, which needs nothing.',
    );
  const inner = new PostgresBackend({ poolConfig: { connectionString: url, max: 5 }, tableName: TABLE });
  const repository = withAtomicUniqueSaves(inner.repository);
  return {
    get name() {
      return inner.name;
    },
    get repository() {
      return repository;
    },
    get notificationChannel() {
      return inner.notificationChannel;
    },
    get logger() {
      return inner.logger;
    },
    get ownsConnection() {
      return inner.ownsConnection;
    },
    connect: () => connectOnce(inner),
    disconnect: () => inner.disconnect(),
  };
}

/**
 * Connects and prepares the table under an advisory lock: every process of a scale-out starts with
 * this, and PostgreSQL's "create ... if not exists" is not safe against itself run at the same time.
 */
async function connectOnce(backend: PostgresBackend): Promise<void> {
  // The backend's repository is its PostgresJobRepository (typed as Agenda's interface).
  const client = await (backend.repository as PostgresJobRepository).getPool().connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('aniworld:agenda_jobs_schema'))");
    try {
      await backend.connect();
      await ensureUniqueKeyIndex(client);
    } finally {
      await client.query("select pg_advisory_unlock(hashtext('aniworld:agenda_jobs_schema'))").catch(() => {});
    }
  } finally {
    client.release();
  }
}

/** The unique index; duplicates a store written before it may hold are removed first (a locked, that is running, job is kept). */
async function ensureUniqueKeyIndex(client: PoolClient): Promise<void> {
  try {
    await client.query('begin');
    await client.query(`
      delete from "${TABLE}" as extra using "${TABLE}" as kept
      where extra.data ? '${UNIQUE_FIELD}' and kept.data ? '${UNIQUE_FIELD}'
        and extra.name = kept.name and extra.data->>'${UNIQUE_FIELD}' = kept.data->>'${UNIQUE_FIELD}'
        and extra.id <> kept.id
        and (extra.locked_at is null) and (kept.locked_at is not null or extra.created_at > kept.created_at or (extra.created_at = kept.created_at and extra.id > kept.id))`);
    await client.query(
      `create unique index if not exists "${TABLE}_unique_key_idx" on "${TABLE}" (name, (data->>'${UNIQUE_FIELD}')) where data ? '${UNIQUE_FIELD}'`,
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw new JobStoreError(`Could not prepare the job table in PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
}

/** The repository, with a save of a new unique job that lost an insert race repeated (it then updates the winner's job). */
function withAtomicUniqueSaves(repository: JobRepository): JobRepository {
  const saveJob = async <DATA>(job: JobParameters<DATA>, options: Parameters<JobRepository['saveJob']>[1]): Promise<JobParameters<DATA>> => {
    try {
      return await repository.saveJob(job, options);
    } catch (error) {
      if (!job.unique || job._id || (error as { code?: string }).code !== '23505') throw error;
      return repository.saveJob(job, options);
    }
  };
  return new Proxy(repository, {
    get(target, property) {
      if (property === 'saveJob') return saveJob;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
