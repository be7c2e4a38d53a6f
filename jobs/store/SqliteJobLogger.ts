import type Database from 'better-sqlite3';
import type { JobLogEntry, JobLogger, JobLogQuery, JobLogQueryResult } from 'agenda';

const LOGS_TABLE = 'agenda_logs';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${LOGS_TABLE} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp INTEGER NOT NULL,
  level TEXT NOT NULL,
  event TEXT NOT NULL,
  job_id TEXT,
  job_name TEXT NOT NULL,
  message TEXT NOT NULL,
  duration INTEGER,
  error TEXT,
  fail_count INTEGER,
  retry_delay INTEGER,
  retry_attempt INTEGER,
  agenda_name TEXT,
  meta TEXT
);
CREATE INDEX IF NOT EXISTS ${LOGS_TABLE}_timestamp ON ${LOGS_TABLE} (timestamp DESC);
CREATE INDEX IF NOT EXISTS ${LOGS_TABLE}_job ON ${LOGS_TABLE} (job_id, timestamp DESC);
CREATE INDEX IF NOT EXISTS ${LOGS_TABLE}_name ON ${LOGS_TABLE} (job_name, timestamp DESC);
`;

/**
 * Agenda's persistent job event log in the same SQLite file. Its table is created on first use,
 * so stores that never enable Agenda's `logging` pay nothing.
 */
export class SqliteJobLogger implements JobLogger {
  readonly #database: () => Database.Database;
  #ready: Database.Database | undefined;

  constructor(database: () => Database.Database) {
    this.#database = database;
  }

  async log(entry: Omit<JobLogEntry, '_id'>): Promise<void> {
    this.#db()
      .prepare(
        `INSERT INTO ${LOGS_TABLE} (timestamp, level, event, job_id, job_name, message, duration, error, fail_count, retry_delay, retry_attempt, agenda_name, meta)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        new Date(entry.timestamp).getTime(),
        entry.level,
        entry.event,
        entry.jobId ?? null,
        entry.jobName,
        entry.message,
        entry.duration ?? null,
        entry.error ?? null,
        entry.failCount ?? null,
        entry.retryDelay ?? null,
        entry.retryAttempt ?? null,
        entry.agendaName ?? null,
        entry.meta ? JSON.stringify(entry.meta) : null,
      );
  }

  async getLogs(query: JobLogQuery = {}): Promise<JobLogQueryResult> {
    const { where, params } = buildWhere(query);
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const db = this.#db();
    const rows = db
      .prepare(
        `SELECT * FROM ${LOGS_TABLE} ${where} ORDER BY timestamp ${query.sort === 'asc' ? 'ASC' : 'DESC'}, id ${query.sort === 'asc' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
      )
      .all(...params, limit, offset) as Record<string, any>[];
    const { total } = db.prepare(`SELECT COUNT(*) AS total FROM ${LOGS_TABLE} ${where}`).get(...params) as { total: number };
    const entries = rows.map((row): JobLogEntry => ({
      _id: String(row.id),
      timestamp: new Date(row.timestamp),
      level: row.level,
      event: row.event,
      jobId: row.job_id ?? undefined,
      jobName: row.job_name,
      message: row.message,
      duration: row.duration ?? undefined,
      error: row.error ?? undefined,
      failCount: row.fail_count ?? undefined,
      retryDelay: row.retry_delay ?? undefined,
      retryAttempt: row.retry_attempt ?? undefined,
      agendaName: row.agenda_name ?? undefined,
      meta: row.meta ? JSON.parse(row.meta) : undefined,
    }));
    return { entries, total };
  }

  async clearLogs(query?: JobLogQuery): Promise<number> {
    const { where, params } = buildWhere(query ?? {});
    return this.#db()
      .prepare(`DELETE FROM ${LOGS_TABLE} ${where}`)
      .run(...params).changes;
  }

  #db(): Database.Database {
    const db = this.#database();
    if (this.#ready !== db) {
      db.exec(SCHEMA);
      this.#ready = db;
    }
    return db;
  }
}

function buildWhere(query: JobLogQuery): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const anyOf = (column: string, value: string | string[]) => {
    const values = Array.isArray(value) ? value : [value];
    conditions.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (query.jobId) {
    conditions.push('job_id = ?');
    params.push(query.jobId);
  }
  if (query.jobName) {
    conditions.push('job_name = ?');
    params.push(query.jobName);
  }
  if (query.level) anyOf('level', query.level);
  if (query.event) anyOf('event', query.event);
  if (query.from) {
    conditions.push('timestamp >= ?');
    params.push(query.from.getTime());
  }
  if (query.to) {
    conditions.push('timestamp <= ?');
    params.push(query.to.getTime());
  }
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
