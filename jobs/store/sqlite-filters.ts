import type { JobsSort, RemoveJobsOptions } from 'agenda';

/**
 * Translation of Agenda's database-agnostic filters into SQLite WHERE clauses. Values are always
 * bound parameters; field paths are checked against a fixed column list or a safe JSON path.
 */
export interface SqlFilter {
  readonly where: string[];
  readonly params: unknown[];
}

/** Agenda field name -> column. Only these may appear in a `unique` query or a sort. */
export const COLUMNS: Readonly<Record<string, string>> = {
  _id: 'id',
  name: 'name',
  priority: 'priority',
  nextRunAt: 'next_run_at',
  type: 'type',
  lockedAt: 'locked_at',
  lastFinishedAt: 'last_finished_at',
  failedAt: 'failed_at',
  failCount: 'fail_count',
  failReason: 'fail_reason',
  repeatTimezone: 'repeat_timezone',
  lastRunAt: 'last_run_at',
  repeatInterval: 'repeat_interval',
  repeatAt: 'repeat_at',
  disabled: 'disabled',
  progress: 'progress',
  lastModifiedBy: 'last_modified_by',
  fork: 'fork',
  debounceStartedAt: 'debounce_started_at',
  startDate: 'start_date',
  endDate: 'end_date',
};

const DATE_COLUMNS = new Set(['next_run_at', 'locked_at', 'last_finished_at', 'failed_at', 'last_run_at', 'debounce_started_at', 'start_date', 'end_date']);
const SEGMENT = /^[A-Za-z0-9_$-]+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `a.b` -> `$."a"."b"`; rejects anything that is not a plain identifier segment. */
export function jsonPath(segments: readonly string[]): string {
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) throw new Error(`Unsupported job data path segment "${segment}"`);
  }
  return `$${segments.map((segment) => `."${segment}"`).join('')}`;
}

/** Equality of one JSON value inside `data` (SQLite's json_extract returns SQL scalars). */
function dataEquals(segments: readonly string[], value: unknown, filter: SqlFilter): void {
  const path = jsonPath(segments);
  if (value === null || value === undefined) {
    filter.where.push(`json_type(data, ?) IS 'null'`);
    filter.params.push(path);
  } else if (typeof value === 'boolean') {
    filter.where.push(`json_type(data, ?) = ?`);
    filter.params.push(path, value ? 'true' : 'false');
  } else if (value instanceof Date) {
    filter.where.push(`json_extract(data, ?) = ?`);
    filter.params.push(path, value.toISOString());
  } else if (typeof value === 'object') {
    filter.where.push(`json_extract(data, ?) = json(?)`);
    filter.params.push(path, JSON.stringify(value));
  } else {
    filter.where.push(`json_extract(data, ?) = ?`);
    filter.params.push(path, value);
  }
}

/**
 * Partial match on job data like the Mongo backend: a plain object is flattened to its leaves
 * (`{ a: { b: 1 } }` matches any data whose `a.b` is 1); anything else compares the whole value.
 */
export function addDataFilter(data: unknown, filter: SqlFilter, prefix: string[] = []): void {
  if (isPlainObject(data)) {
    for (const [key, value] of Object.entries(data)) {
      if (isPlainObject(value)) addDataFilter(value, filter, [...prefix, key]);
      else dataEquals([...prefix, key], value, filter);
    }
    return;
  }
  if (prefix.length === 0) {
    filter.where.push(`data = json(?)`);
    filter.params.push(JSON.stringify(data ?? null));
  }
}

/** A `unique` query: keys are Agenda field paths (`name`, `data.itemId`, `data.a.b`). */
export function uniqueFilter(unique: Record<string, unknown>, name: string): SqlFilter {
  const filter: SqlFilter = { where: ['name = ?'], params: [name] };
  for (const [key, value] of Object.entries(unique)) {
    if (key.startsWith('$')) throw new Error(`Operator "${key}" is not supported in a unique() constraint`);
    if (key === 'data' || key.startsWith('data.')) {
      const segments = key === 'data' ? [] : key.slice(5).split('.');
      if (segments.length === 0) addDataFilter(value, filter);
      else if (isPlainObject(value)) addDataFilter(value, filter, segments);
      else dataEquals(segments, value, filter);
      continue;
    }
    const column = COLUMNS[key];
    if (!column) throw new Error(`Unsupported field "${key}" in a unique() constraint`);
    if (value === null || value === undefined) {
      filter.where.push(`${column} IS NULL`);
    } else {
      filter.where.push(`${column} = ?`);
      filter.params.push(toSqlValue(column, value));
    }
  }
  return filter;
}

export function toSqlValue(column: string, value: unknown): unknown {
  if (DATE_COLUMNS.has(column))
    return value instanceof Date ? value.getTime() : value === null || value === undefined ? null : new Date(value as string).getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** `column = ?` for one value. */
export function addEquals(filter: SqlFilter, column: string, value: string): void {
  filter.where.push(`${column} = ?`);
  filter.params.push(value);
}

/** `column IN (?, …)`, or `NOT IN` when negated. */
export function addIn(filter: SqlFilter, column: string, values: readonly string[], negate = false): void {
  filter.where.push(`${column} ${negate ? 'NOT IN' : 'IN'} (${values.map(() => '?').join(', ')})`);
  filter.params.push(...values);
}

/** The id/name/data selection shared by removeJobs, disableJobs and enableJobs; null = no criteria. */
export function selectionFilter(options: RemoveJobsOptions): SqlFilter | null {
  const filter: SqlFilter = { where: [], params: [] };
  if (options.id) addEquals(filter, 'id', String(options.id));
  else if (Array.isArray(options.ids) && options.ids.length > 0) addIn(filter, 'id', options.ids.map(String));
  if (typeof options.name === 'string' && options.name) addEquals(filter, 'name', options.name);
  else if (Array.isArray(options.names) && options.names.length > 0)
    addIn(
      filter,
      'name',
      options.names.filter((name) => typeof name === 'string'),
    );
  else if (Array.isArray(options.notNames) && options.notNames.length > 0)
    addIn(
      filter,
      'name',
      options.notNames.filter((name) => typeof name === 'string'),
      true,
    );
  if (options.data !== undefined) addDataFilter(options.data, filter);
  return filter.where.length === 0 ? null : filter;
}

export function orderBy(sort: JobsSort | undefined): string {
  const parts: string[] = [];
  const direction = (value: 'asc' | 'desc') => (value === 'asc' ? 'ASC' : 'DESC');
  const nullsLast = (column: string, value: 'asc' | 'desc') => `${column} IS NULL, ${column} ${direction(value)}`;
  if (sort?.nextRunAt) parts.push(nullsLast('next_run_at', sort.nextRunAt));
  if (sort?.lastRunAt) parts.push(nullsLast('last_run_at', sort.lastRunAt));
  if (sort?.lastFinishedAt) parts.push(nullsLast('last_finished_at', sort.lastFinishedAt));
  if (sort?.priority) parts.push(`priority ${direction(sort.priority)}`);
  if (sort?.name) parts.push(`name ${direction(sort.name)}`);
  if (sort?.data) parts.push(`data ${direction(sort.data)}`);
  if (parts.length === 0) parts.push(nullsLast('next_run_at', 'desc'), nullsLast('last_run_at', 'desc'));
  return `${parts.join(', ')}, rowid ASC`;
}
