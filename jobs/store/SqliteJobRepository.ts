import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { computeJobState, toJobId } from 'agenda';
import type {
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  JobState,
  JobWithState,
  RemoveJobsOptions,
  JobId,
} from 'agenda';
import { SqliteConnection, type SqliteConnectionOptions } from './sqlite-connection.ts';
import { addDataFilter, addEquals, addIn, orderBy, selectionFilter, uniqueFilter, type SqlFilter } from './sqlite-filters.ts';

type Connection = Database.Database;
type Row = Record<string, any>;

export const JOBS_TABLE = 'agenda_jobs';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${JOBS_TABLE} (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  next_run_at INTEGER,
  type TEXT NOT NULL DEFAULT 'normal',
  locked_at INTEGER,
  last_finished_at INTEGER,
  failed_at INTEGER,
  fail_count INTEGER,
  fail_reason TEXT,
  repeat_timezone TEXT,
  last_run_at INTEGER,
  repeat_interval,
  data TEXT NOT NULL DEFAULT 'null',
  repeat_at TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  progress REAL,
  last_modified_by TEXT,
  fork INTEGER,
  debounce_started_at INTEGER,
  start_date INTEGER,
  end_date INTEGER,
  skip_days TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS ${JOBS_TABLE}_single ON ${JOBS_TABLE} (name) WHERE type = 'single';
CREATE INDEX IF NOT EXISTS ${JOBS_TABLE}_next ON ${JOBS_TABLE} (name, disabled, locked_at, next_run_at, priority DESC);
`;

/** Agenda's computeJobState as SQL, so state filters and pagination run in the database. */
const STATE_SQL = `CASE
  WHEN locked_at IS NOT NULL THEN 'running'
  WHEN failed_at IS NOT NULL AND (last_finished_at IS NULL OR failed_at >= last_finished_at) THEN 'failed'
  WHEN repeat_interval IS NOT NULL AND repeat_interval NOT IN ('', 0) THEN 'repeating'
  WHEN next_run_at IS NOT NULL AND next_run_at > @now THEN 'scheduled'
  WHEN next_run_at IS NOT NULL THEN 'queued'
  ELSE 'completed' END`;

/** Fields a caller's save() may set on an existing job (the processor owns lockedAt, lastRunAt, ...). */
const DEFINITION_COLUMNS = [
  'priority',
  'next_run_at',
  'type',
  'repeat_timezone',
  'repeat_interval',
  'data',
  'repeat_at',
  'disabled',
  'fork',
  'start_date',
  'end_date',
  'skip_days',
  'last_modified_by',
] as const;
const FAILURE_COLUMNS = ['fail_reason', 'fail_count', 'failed_at'] as const;

/**
 * failReason is a string in Agenda's types, but a forked job's failure arrives as whatever the
 * child sent (a JSON-parsed object); SQLite binds no objects, and a failed save would leave the job
 * locked and looking as if it still ran.
 */
function reasonText(reason: unknown): string | null {
  if (reason === null || reason === undefined || typeof reason === 'string') return reason ?? null;
  if (typeof (reason as { message?: unknown }).message === 'string') return (reason as { message: string }).message;
  return JSON.stringify(reason) ?? String(reason);
}

const ms = (value: Date | string | number | null | undefined): number | null => (value === null || value === undefined ? null : new Date(value).getTime());
const date = (value: number | null): Date | undefined => (value === null || value === undefined ? undefined : new Date(value));

/** Run on every connection: WAL for files (an in-memory database stays "memory"), and a busy timeout so another process's write lock is waited for. */
function prepareConnection(db: Connection): void {
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
}

/**
 * Agenda's JobRepository on SQLite (better-sqlite3). Every read-modify-write runs in an IMMEDIATE
 * transaction, so two processes on the same file serialise on SQLite's write lock and a job is
 * locked by exactly one of them. WAL lets readers go on while a writer holds the lock.
 */
export class SqliteJobRepository implements JobRepository {
  readonly #connection: SqliteConnection;
  readonly #statements = new Map<string, Database.Statement>();
  /** The connection the cached statements belong to; a reopened one prepares them anew. */
  #statementsOf: Connection | undefined;

  constructor(options: SqliteConnectionOptions) {
    this.#connection = new SqliteConnection(options, prepareConnection);
  }

  get ownsConnection(): boolean {
    return this.#connection.ownsConnection;
  }

  get connected(): boolean {
    return this.#connection.connected;
  }

  /** The open connection, reopened after a disconnect (the job logger shares it). */
  get database(): Connection {
    return this.#connection.database;
  }

  async connect(): Promise<void> {
    this.#connection.connect();
  }

  async disconnect(): Promise<void> {
    this.#connection.disconnect();
  }

  /** Final, unlike disconnect(): any later use fails instead of reopening. */
  async close(): Promise<void> {
    this.#connection.close();
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = this.#get(`SELECT * FROM ${JOBS_TABLE} WHERE id = ?`, [String(id)]);
    return row ? rowToJob(row) : null;
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { name, names, state, id, ids, search, data, includeDisabled = true, sort, skip = 0, limit = 0 } = options;
    const now = new Date();
    const filter: SqlFilter = { where: [], params: [] };
    if (typeof name === 'string' && name) addEquals(filter, 'name', name);
    else if (Array.isArray(names) && names.length > 0) addIn(filter, 'name', names.map(String));
    if (typeof id === 'string' && id) addEquals(filter, 'id', id);
    else if (Array.isArray(ids) && ids.length > 0) addIn(filter, 'id', ids.map(String));
    if (typeof search === 'string' && search) {
      filter.where.push(`name LIKE ? ESCAPE '\\'`);
      filter.params.push(`%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`);
    }
    if (data !== undefined) addDataFilter(data, filter);
    if (!includeDisabled) filter.where.push('disabled = 0');
    if (state === 'paused') filter.where.push('disabled = 1');
    else if (state) {
      filter.where.push(`(${STATE_SQL}) = @state`);
    }
    const named = { now: now.getTime(), state: state ?? null };
    const where = filter.where.length > 0 ? `WHERE ${filter.where.join(' AND ')}` : '';
    const paging = limit > 0 ? `LIMIT ${Math.floor(limit)} OFFSET ${Math.floor(skip)}` : skip > 0 ? `LIMIT -1 OFFSET ${Math.floor(skip)}` : '';
    const usesNamed = where.includes('@');
    const params = usesNamed ? [...filter.params, named] : filter.params;
    const rows = this.#all(`SELECT * FROM ${JOBS_TABLE} ${where} ORDER BY ${orderBy(sort)} ${paging}`, params);
    const total = (this.#get(`SELECT COUNT(*) AS total FROM ${JOBS_TABLE} ${where}`, params) as { total: number }).total;
    const jobs = rows.map((row): JobWithState => {
      const job = rowToJob(row);
      return { ...job, _id: job._id as JobId, state: computeJobState(job, now) };
    });
    return { jobs, total };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const states: JobState[] = ['running', 'scheduled', 'queued', 'completed', 'failed', 'repeating'];
    const rows = this.#all(
      `
      SELECT name, COUNT(*) AS total, SUM(disabled) AS paused,
        ${states.map((state) => `SUM(CASE WHEN (${STATE_SQL}) = '${state}' THEN 1 ELSE 0 END) AS ${state}`).join(', ')}
      FROM ${JOBS_TABLE} GROUP BY name ORDER BY name`,
      [{ now: Date.now() }],
    );
    return rows.map((row) => ({
      name: row.name,
      total: row.total,
      running: row.running,
      scheduled: row.scheduled,
      queued: row.queued,
      completed: row.completed,
      failed: row.failed,
      repeating: row.repeating,
      paused: row.paused,
    }));
  }

  async getDistinctJobNames(): Promise<string[]> {
    return this.#all(`SELECT DISTINCT name FROM ${JOBS_TABLE} ORDER BY name`, []).map((row) => row.name as string);
  }

  async getQueueSize(): Promise<number> {
    return (this.#get(`SELECT COUNT(*) AS size FROM ${JOBS_TABLE} WHERE next_run_at < ?`, [Date.now()]) as { size: number }).size;
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const filter = selectionFilter(options);
    if (!filter) return 0;
    return this.#run(`DELETE FROM ${JOBS_TABLE} WHERE ${filter.where.join(' AND ')}`, filter.params).changes;
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.#setDisabled(options, true);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.#setDisabled(options, false);
  }

  async purgeAllJobs(): Promise<number> {
    return this.#run(`DELETE FROM ${JOBS_TABLE}`, []).changes;
  }

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job;
    const values = jobToValues(props as JobParameters, options);
    return this.#immediate(() => {
      if (_id) {
        const row = this.#update(`id = ? AND name = ?`, [String(_id), props.name], pick(values, [...DEFINITION_COLUMNS, ...FAILURE_COLUMNS]));
        // A job removed while its owner still holds it: hand back what we were given, like the official backends.
        return (row ? rowToJob(row) : job) as JobParameters<DATA>;
      }
      if (props.type === 'single') {
        const existing = this.#get(`SELECT id FROM ${JOBS_TABLE} WHERE name = ? AND type = 'single'`, [props.name]);
        if (!existing) return rowToJob(this.#insert(values)) as JobParameters<DATA>;
        // A past or current nextRunAt must not reset the schedule of an existing repeating job (restarts call every() again).
        const protect = props.nextRunAt !== null && props.nextRunAt !== undefined && new Date(props.nextRunAt).getTime() <= Date.now();
        const columns = DEFINITION_COLUMNS.filter((column) => !(protect && column === 'next_run_at'));
        return rowToJob(this.#update('id = ?', [existing.id], pick(values, columns))!) as JobParameters<DATA>;
      }
      if (unique) return rowToJob(this.#saveUnique(props.name, unique, uniqueOpts, values)) as JobParameters<DATA>;
      return rowToJob(this.#insert(values)) as JobParameters<DATA>;
    });
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('Cannot save job state without job ID');
    const result = this.#run(
      `UPDATE ${JOBS_TABLE} SET locked_at = ?, next_run_at = ?, last_run_at = ?, progress = ?, fail_reason = ?, fail_count = ?, failed_at = ?, last_finished_at = ?, last_modified_by = ? WHERE id = ? AND name = ?`,
      [
        ms(job.lockedAt),
        ms(job.nextRunAt),
        ms(job.lastRunAt),
        job.progress ?? null,
        reasonText(job.failReason),
        job.failCount ?? null,
        ms(job.failedAt),
        ms(job.lastFinishedAt),
        options?.lastModifiedBy ?? null,
        String(job._id),
        job.name,
      ],
    );
    if (result.changes !== 1) throw new Error(`job ${job._id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const nextRunAt = ms(job.nextRunAt);
    const row = this.#immediate(() =>
      this.#get(
        `UPDATE ${JOBS_TABLE} SET locked_at = ?, last_modified_by = ?
       WHERE id = ? AND name = ? AND locked_at IS NULL AND disabled = 0 AND ${nextRunAt === null ? 'next_run_at IS NULL' : 'next_run_at = ?'}
       RETURNING *`,
        [Date.now(), options?.lastModifiedBy ?? null, String(job._id), job.name, ...(nextRunAt === null ? [] : [nextRunAt])],
      ),
    );
    return row ? rowToJob(row) : undefined;
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // A job whose nextRunAt is null is being processed right now; only its owner may release it.
    this.#run(`UPDATE ${JOBS_TABLE} SET locked_at = NULL WHERE id = ? AND next_run_at IS NOT NULL`, [String(job._id)]);
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (jobIds.length === 0) return;
    this.#run(`UPDATE ${JOBS_TABLE} SET locked_at = NULL WHERE id IN (${jobIds.map(() => '?').join(', ')})`, jobIds.map(String));
  }

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const row = this.#immediate(() =>
      this.#get(
        `UPDATE ${JOBS_TABLE} SET locked_at = ?, last_modified_by = ?
       WHERE id = (
         SELECT id FROM ${JOBS_TABLE}
         WHERE name = ? AND disabled = 0 AND ((locked_at IS NULL AND next_run_at <= ?) OR locked_at <= ?)
         ORDER BY next_run_at IS NULL, next_run_at ASC, priority DESC, rowid ASC
         LIMIT 1)
       RETURNING *`,
        [(now ?? new Date()).getTime(), options?.lastModifiedBy ?? null, jobName, nextScanAt.getTime(), lockDeadline.getTime()],
      ),
    );
    return row ? rowToJob(row) : undefined;
  }

  #saveUnique(name: string, unique: Record<string, unknown>, uniqueOpts: JobParameters['uniqueOpts'], values: Record<string, unknown>): Row {
    const filter = uniqueFilter(unique, name);
    const existing = this.#get(`SELECT * FROM ${JOBS_TABLE} WHERE ${filter.where.join(' AND ')} ORDER BY rowid LIMIT 1`, filter.params);
    const debounce = uniqueOpts?.debounce;
    const now = Date.now();
    if (!existing) {
      if (debounce) {
        values.debounce_started_at = now;
        if (debounce.strategy !== 'leading') values.next_run_at = now + debounce.delay;
      }
      return this.#insert(values);
    }
    if (uniqueOpts?.insertOnly && !debounce) return existing;
    const update = pick(values, DEFINITION_COLUMNS);
    update.debounce_started_at = null;
    if (debounce) {
      const startedAt: number = existing.debounce_started_at ?? now;
      if (debounce.strategy === 'leading') {
        // Leading: the first save decides when it runs; later saves in the window only refresh the data.
        update.next_run_at = existing.next_run_at;
        update.debounce_started_at = startedAt;
      } else if (debounce.maxWait && now - startedAt >= debounce.maxWait) {
        update.next_run_at = now;
      } else {
        update.next_run_at = now + debounce.delay;
        update.debounce_started_at = startedAt;
      }
    }
    return this.#update('id = ?', [existing.id], update)!;
  }

  #setDisabled(options: RemoveJobsOptions, disabled: boolean): number {
    const filter = selectionFilter(options);
    if (!filter) return 0;
    // Counts only jobs whose flag actually changed, like the Mongo backend's modifiedCount.
    return this.#run(`UPDATE ${JOBS_TABLE} SET disabled = ? WHERE ${filter.where.join(' AND ')} AND disabled = ?`, [
      disabled ? 1 : 0,
      ...filter.params,
      disabled ? 0 : 1,
    ]).changes;
  }

  #insert(values: Record<string, unknown>): Row {
    const row = { id: randomUUID(), ...values };
    const columns = Object.keys(row);
    return this.#get(`INSERT INTO ${JOBS_TABLE} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) RETURNING *`, Object.values(row))!;
  }

  #update(where: string, whereParams: unknown[], values: Record<string, unknown>): Row | undefined {
    const columns = Object.keys(values);
    return this.#get(`UPDATE ${JOBS_TABLE} SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE ${where} RETURNING *`, [
      ...Object.values(values),
      ...whereParams,
    ]);
  }

  #immediate<T>(work: () => T): T {
    return this.database.transaction(work).immediate();
  }

  #statement(sql: string): Database.Statement {
    const db = this.database;
    if (db !== this.#statementsOf) {
      this.#statements.clear();
      this.#statementsOf = db;
    }
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get(sql: string, params: unknown[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  #all(sql: string, params: unknown[]): Row[] {
    return this.#statement(sql).all(...params) as Row[];
  }

  #run(sql: string, params: unknown[]): Database.RunResult {
    return this.#statement(sql).run(...params);
  }
}

function pick(values: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const column of columns) if (column in values) picked[column] = values[column];
  return picked;
}

function jobToValues(job: JobParameters, options: JobRepositoryOptions | undefined): Record<string, unknown> {
  return {
    name: job.name,
    priority: job.priority ?? 0,
    next_run_at: ms(job.nextRunAt),
    type: job.type ?? 'normal',
    locked_at: ms(job.lockedAt),
    last_finished_at: ms(job.lastFinishedAt),
    failed_at: ms(job.failedAt),
    fail_count: job.failCount ?? null,
    fail_reason: reasonText(job.failReason),
    repeat_timezone: job.repeatTimezone ?? null,
    last_run_at: ms(job.lastRunAt),
    repeat_interval: job.repeatInterval ?? null,
    data: JSON.stringify(job.data ?? null),
    repeat_at: job.repeatAt ?? null,
    disabled: job.disabled ? 1 : 0,
    progress: job.progress ?? null,
    last_modified_by: options?.lastModifiedBy ?? null,
    fork: job.fork === undefined ? null : job.fork ? 1 : 0,
    debounce_started_at: ms(job.debounceStartedAt),
    start_date: ms(job.startDate),
    end_date: ms(job.endDate),
    skip_days: job.skipDays ? JSON.stringify(job.skipDays) : null,
  };
}

function rowToJob(row: Row): JobParameters {
  return {
    _id: toJobId(row.id),
    name: row.name,
    priority: row.priority,
    nextRunAt: date(row.next_run_at) ?? null,
    type: row.type,
    data: JSON.parse(row.data),
    lockedAt: date(row.locked_at),
    lastFinishedAt: date(row.last_finished_at),
    failedAt: date(row.failed_at),
    failCount: row.fail_count ?? undefined,
    failReason: row.fail_reason ?? undefined,
    repeatTimezone: row.repeat_timezone ?? undefined,
    lastRunAt: date(row.last_run_at),
    repeatInterval: row.repeat_interval ?? undefined,
    repeatAt: row.repeat_at ?? undefined,
    disabled: row.disabled === 1,
    progress: row.progress ?? undefined,
    lastModifiedBy: row.last_modified_by ?? undefined,
    fork: row.fork === null ? undefined : row.fork === 1,
    debounceStartedAt: date(row.debounce_started_at),
    startDate: date(row.start_date),
    endDate: date(row.end_date),
    skipDays: row.skip_days ? JSON.parse(row.skip_days) : undefined,
  };
}
