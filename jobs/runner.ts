import { hostname } from 'node:os';
import { Agenda, type AgendaBackend, type Job } from 'agenda';
import type { Logger } from '../backend/adapters/logger.ts';
import { inContext } from '../backend/db/context.ts';
import type { Orm } from '../backend/db/orm.ts';
import { AppError } from '../backend/errors.ts';
import type { Settings } from '../config/schema.ts';
import type { AnyJobDefinition, JobContext, JobServices } from './definition.ts';
import { JOB_DEFINITIONS } from './definitions/index.ts';
import type { EnqueueOptions, JobName, JobPayloads, JobQueue, JobSummary } from '../backend/job-queue.ts';
import { applySchedules, SCHEDULES } from './schedules.ts';
import type { JobStore } from './store/index.ts';

/**
 * Jobs that are due now are all stored with this nextRunAt. Agenda (every backend) picks the
 * next job by nextRunAt, then priority; with one shared "due" instant the priority decides and
 * equal priorities run in the order they were queued.
 */
export const DUE_NOW = new Date(0);
const UNIQUE_FIELD = '_uniqueKey';
const DEFAULT_LOCK_LIFETIME_MS = 10 * 60_000;
/** How long a queued-meanwhile job waits for Agenda to remove the finished one. */
const SETTLE_TIMEOUT_MS = 5000;

interface BusyKey {
  /** The run returned; Agenda's "complete" follows once the stored job is saved. */
  ended: boolean;
  /** The latest enqueue of the key while busy; saved exactly once, by whoever takes it. */
  deferred?: () => Promise<void>;
  takeDeferred(): (() => Promise<void>) | undefined;
  readonly settled: Promise<void>;
  settle(): void;
}

function newBusyKey(): BusyKey {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return {
    ended: false,
    settled,
    settle,
    takeDeferred() {
      const deferred = this.deferred;
      this.deferred = undefined;
      return deferred;
    },
  };
}

/** Whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([promise.then(() => true as const), timedOut]);
  clearTimeout(timer);
  return done;
}

function uniqueKeyOf(job: Job): string | undefined {
  const key = (job.attrs.data as Record<string, unknown> | undefined)?.[UNIQUE_FIELD];
  return typeof key === 'string' ? key : undefined;
}

export interface JobRunnerOptions {
  readonly orm: Orm;
  readonly settings: { current(): Readonly<Settings>; subscribe(listener: (next: Readonly<Settings>) => void): () => void };
  readonly logger: Logger;
  /** Default: every definition in jobs/definitions/index.ts. */
  readonly definitions?: readonly AnyJobDefinition[];
  /** How often the store is polled for jobs other processes queued (default 5 s). */
  readonly processEveryMs?: number;
  /** Time running jobs get to finish on stop before their signal is aborted (default 2 s). */
  readonly drainMs?: number;
  /** Shown as lastModifiedBy in the store (default host:pid). */
  readonly name?: string;
  /**
   * Overrides every definition's lockLifetimeMs (ANIWORLD_JOB_LOCK_SECONDS): how soon another worker
   * takes over the jobs of a process that died.
   */
  readonly lockLifetimeMs?: number;
}

export type RunnerState = 'idle' | 'running' | 'stopping' | 'stopped';

interface RunningJob {
  readonly name: JobName;
  readonly controller: AbortController;
  readonly payload: unknown;
  finished: Promise<void>;
}

/**
 * The job runner: registers the definitions on Agenda, exposes the JobQueue port, applies the
 * schedules and the per-name concurrency from settings, and stops gracefully.
 *
 * Without start() it only enqueues (ANIWORLD_ROLE=api): jobs wait in the store for a worker.
 * It is built before the services (they enqueue through it) and gets them in start(), so the
 * queue and the runner need no setter to reach each other.
 */
/** "Run now" while that job runs: 409 with a code the panel words in its language. */
export class JobRunningError extends AppError {
  constructor(name: JobName) {
    super(409, 'task_running', `${name} is running right now; it was not started a second time.`);
  }
}

export class JobRunner implements JobQueue {
  readonly store: JobStore;
  readonly #agenda: Agenda;
  readonly #backend: AgendaBackend;
  readonly #connected: Promise<void>;
  readonly #options: JobRunnerOptions;
  readonly #logger: Logger;
  readonly #definitions = new Map<JobName, AnyJobDefinition>();
  readonly #running = new Map<string, RunningJob>();
  readonly #paused = new Set<JobName>();
  /**
   * Unique keys of jobs running here, until Agenda has saved (or removed) their stored job. An
   * enqueue of such a key waits here: stored now, it would be merged into that job and then
   * overwritten by its final state, or removed with it.
   */
  readonly #busyKeys = new Map<string, BusyKey>();
  /** Ids of jobs whose run just succeeded, between Agenda's "success" and "complete". */
  readonly #succeeded = new Set<string>();
  #unsubscribe: (() => void) | undefined;
  #state: RunnerState = 'idle';
  #services: JobServices = {};

  constructor(store: JobStore, options: JobRunnerOptions) {
    this.store = store;
    this.#options = options;
    this.#logger = options.logger.child({ component: 'jobs' });
    this.#backend = store.backend;
    this.#connected = this.#backend.connect();
    // Agenda connects its backend in its constructor without handling a failure (an unhandled
    // rejection would end the process). It gets our connection, which never settles for it when
    // the store is unreachable; the error surfaces from ready() and every JobQueue call instead.
    const backend = this.#backend;
    const connected = this.#connected.catch(() => new Promise<void>(() => {}));
    this.#agenda = new Agenda({
      backend: {
        get name() {
          return backend.name;
        },
        get repository() {
          return backend.repository;
        },
        get notificationChannel() {
          return backend.notificationChannel;
        },
        get logger() {
          return backend.logger;
        },
        get ownsConnection() {
          return false;
        },
        connect: () => connected,
        disconnect: async () => {},
      },
      name: options.name ?? `${hostname()}:${process.pid}`,
      processEvery: options.processEveryMs ?? 5000,
      maxConcurrency: 32,
      removeOnComplete: true,
    });
    this.#agenda.on('error', (error: Error) => this.#logger.error({ err: error }, 'job processing error'));
    this.#agenda.on('fail', (error: Error, job: Job) => {
      if (!job?.attrs) return;
      this.#logger.warn({ err: error, job: job.attrs.name, job_id: String(job.attrs._id), attempt: job.attrs.failCount }, 'job failed');
    });
    // Backends with a state channel (PostgreSQL) also re-emit other processes' job events here, as
    // plain notifications without attrs: only our own jobs matter (and must not crash the process).
    this.#agenda.on('success', (job: Job) => {
      if (job?.attrs) this.#succeeded.add(String(job.attrs._id));
    });
    this.#agenda.on('complete', (job: Job) => {
      if (!job?.attrs) return;
      const finalized = this.#untilFinalized(job, this.#succeeded.delete(String(job.attrs._id)));
      const key = uniqueKeyOf(job);
      const busy = key === undefined ? undefined : this.#busyKeys.get(key);
      if (busy) {
        finalized
          .then(() => busy.takeDeferred()?.())
          .catch((error) => this.#logger.error({ err: error, job: job.attrs.name }, 'could not queue a job that was asked for while it ran'))
          .finally(() => {
            this.#busyKeys.delete(key!);
            busy.settle();
          });
      }
      // Finishing a job frees a slot: nudge the processors (of every process on a shared store) so
      // the next stored job starts now instead of at the next poll. Only once Agenda has released
      // the slot, which it does after this event and the removal of the job: nudged earlier, the
      // processor still counts the slot as taken and the next job waits for the poll.
      finalized
        .then(() => {
          const channel = this.#backend.notificationChannel;
          if (this.#state !== 'running' || channel?.state !== 'connected') return;
          return channel.publish({ jobId: job.attrs._id!, jobName: job.attrs.name, nextRunAt: new Date(), priority: 0, timestamp: new Date() });
        })
        .catch(() => {});
    });
  }

  /** Resolves once the store is connected; rejects with the store's error. */
  async ready(): Promise<void> {
    await this.#connected;
  }

  get state(): RunnerState {
    return this.#state;
  }

  /** Names of jobs this process runs (their services were given to start()). */
  get registered(): JobName[] {
    return [...this.#definitions.keys()];
  }

  /**
   * Registers the definitions whose services are given, starts processing and installs the
   * schedules (ANIWORLD_ROLE=all|worker).
   */
  async start(services: JobServices): Promise<void> {
    if (this.#state === 'running') return;
    await this.#connected;
    this.#services = services;
    for (const definition of this.#options.definitions ?? JOB_DEFINITIONS) this.#register(definition);
    this.#applyConcurrency(this.#options.settings.current());
    await applySchedules(this.#agenda, this.#scheduled(), this.#options.settings.current(), this.#logger);
    this.#unsubscribe = this.#options.settings.subscribe((next) => {
      this.#applyConcurrency(next);
      applySchedules(this.#agenda, this.#scheduled(), next, this.#logger).catch((error) =>
        this.#logger.error({ err: error }, 'could not update job schedules'),
      );
    });
    await this.#agenda.start();
    this.#state = 'running';
    this.#logger.info({ store: this.store.kind, jobs: this.registered }, 'job runner started');
  }

  /**
   * Stops taking jobs, gives running ones `drainMs` to finish, then aborts their signal and waits
   * a little more. Jobs still running after that are unlocked so the next start runs them again.
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    this.#unsubscribe?.();
    try {
      await this.#connected;
    } catch {
      this.#state = 'stopped';
      await this.store.close();
      return;
    }
    if (wasRunning) {
      await this.#agenda.stop(false);
      const drainMs = this.#options.drainMs ?? 2000;
      if (!(await this.#waitForRunning(drainMs))) {
        for (const job of this.#running.values()) job.controller.abort(new Error('The job runner is shutting down'));
        if (!(await this.#waitForRunning(Math.min(1500, drainMs)))) {
          const left = [...this.#running.keys()];
          this.#logger.warn({ jobs: left }, 'jobs still running at shutdown; they will run again after the next start');
          await this.#releaseForRestart(left).catch((error) => this.#logger.error({ err: error }, 'could not release the unfinished jobs'));
        }
      }
    }
    // A job that ended is settled by Agenda's "complete" (its stored job final or gone) before
    // the store closes; what was queued for a key whose job did not end is stored now, for the next start.
    await Promise.all([...this.#busyKeys.values()].filter((busy) => busy.ended).map((busy) => settlesWithin(busy.settled, SETTLE_TIMEOUT_MS)));
    for (const busy of this.#busyKeys.values())
      await busy
        .takeDeferred()?.()
        .catch((error) => this.#logger.error({ err: error }, 'could not store a queued job at shutdown'));
    this.#busyKeys.clear();
    await this.#backend.disconnect();
    await this.store.close();
    this.#state = 'stopped';
  }

  /**
   * A one-time job clears its nextRunAt when it starts; unlocking alone would leave it never due
   * again. Make it due now so the next start (of any worker) runs it first.
   */
  async #releaseForRestart(ids: string[]): Promise<void> {
    const repository = this.#backend.repository;
    for (const id of ids) {
      const job = await repository.getJobById(id);
      if (job) await repository.saveJobState({ ...job, lockedAt: undefined, nextRunAt: job.nextRunAt ?? DUE_NOW }, undefined);
    }
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    await this.#connected;
    const busy = options.uniqueKey === undefined ? undefined : this.#busyKeys.get(options.uniqueKey);
    if (busy) {
      // The latest request wins, as it would in the store; it is saved once the running job is done.
      busy.deferred = () => this.#save(name, payload, options);
      return;
    }
    await this.#save(name, payload, options);
  }

  async #save<N extends JobName>(name: N, payload: JobPayloads[N], options: EnqueueOptions): Promise<void> {
    if (options.onlyIf && !(await options.onlyIf())) return;
    const data = options.uniqueKey === undefined ? payload : { ...payload, [UNIQUE_FIELD]: options.uniqueKey };
    const job = this.#agenda.create(name, data);
    job.priority(options.priority ?? 0);
    job.schedule(options.runAt ?? DUE_NOW);
    if (this.#paused.has(name) || options.paused) job.disable();
    // Re-enqueueing a key updates the stored job (and re-arms a failed one) instead of adding a second.
    if (options.uniqueKey !== undefined) job.unique({ [`data.${UNIQUE_FIELD}`]: options.uniqueKey });
    await job.save();
  }

  async cancel<N extends JobName>(name: N, payload: Partial<JobPayloads[N]>): Promise<number> {
    await this.#connected;
    const removed = await this.#agenda.cancel({ name, data: payload });
    // A job of ours that is running right now is told to stop through its signal.
    for (const job of this.#running.values()) {
      if (job.name === name && matches(job.payload, payload)) job.controller.abort(new Error('The job was cancelled'));
    }
    return removed;
  }

  async pause(name: JobName): Promise<void> {
    await this.#connected;
    this.#paused.add(name);
    await this.#agenda.disable({ name });
  }

  async resume(name: JobName): Promise<void> {
    await this.#connected;
    this.#paused.delete(name);
    await this.#agenda.enable({ name });
    const channel = this.#backend.notificationChannel;
    if (this.#state === 'running' && channel?.state === 'connected') {
      await channel.publish({ jobId: '' as never, jobName: name, nextRunAt: new Date(), priority: 0, timestamp: new Date() }).catch(() => {});
    }
  }

  /**
   * "Run now" for a scheduled job: its repeating job becomes due at once (the next run then
   * counts from this one, as after a scheduled run); with its schedule off, a one-time job of
   * that name is stored. A run that is going on already is not started twice.
   */
  async runNow(name: JobName): Promise<'scheduled' | 'one-time'> {
    await this.#connected;
    const { jobs } = await this.#agenda.queryJobs({ name });
    if (jobs.some((job) => job.state === 'running')) throw new JobRunningError(name);
    const repeating = jobs.find((job) => job.type === 'single' && job.repeatInterval);
    if (repeating) {
      const repository = this.#backend.repository;
      const stored = await repository.getJobById(String(repeating._id));
      if (stored) await repository.saveJobState({ ...stored, nextRunAt: new Date(), disabled: this.#paused.has(name) ? stored.disabled : false }, undefined);
    } else {
      await this.#save(name, {} as JobPayloads[typeof name], {});
    }
    const channel = this.#backend.notificationChannel;
    if (this.#state === 'running' && channel?.state === 'connected') {
      await channel
        .publish({ jobId: (repeating?._id ?? '') as never, jobName: name, nextRunAt: new Date(), priority: 0, timestamp: new Date() })
        .catch(() => {});
    }
    return repeating ? 'scheduled' : 'one-time';
  }

  async list(name?: JobName): Promise<JobSummary[]> {
    await this.#connected;
    const { jobs } = await this.#agenda.queryJobs({ ...(name ? { name } : {}), sort: { nextRunAt: 'asc', priority: 'desc' } });
    return jobs.map((job) => {
      const { [UNIQUE_FIELD]: _unique, ...payload } = (job.data ?? {}) as Record<string, unknown>;
      return {
        id: String(job._id),
        name: job.name as JobName,
        payload,
        state: job.disabled ? 'paused' : job.state,
        repeating: job.type === 'single' && Boolean(job.repeatInterval),
        priority: job.priority ?? 0,
        nextRunAt: job.nextRunAt ? job.nextRunAt.toISOString() : null,
        lastRunAt: job.lastRunAt ? job.lastRunAt.toISOString() : null,
        failReason: job.failReason ?? null,
      };
    });
  }

  /** For the health probe: store, runner state and how many jobs are in each state. */
  async health(): Promise<{
    status: 'ok' | 'degraded' | 'down';
    store: string;
    state: RunnerState;
    role: 'processing' | 'enqueue-only';
    counts: Record<string, number>;
  }> {
    await this.#connected;
    const counts: Record<string, number> = { queued: 0, scheduled: 0, running: 0, failed: 0, repeating: 0, paused: 0 };
    for (const overview of await this.#agenda.getJobsOverview()) {
      for (const key of Object.keys(counts)) counts[key] += overview[key as keyof typeof overview] as number;
    }
    const status = this.#state === 'stopped' ? 'down' : 'ok';
    return { status, store: this.store.kind, state: this.#state, role: this.#state === 'idle' ? 'enqueue-only' : 'processing', counts };
  }

  #register(definition: AnyJobDefinition): void {
    const missing = (definition.needs as (keyof JobServices)[]).filter((need) => !this.#services[need]);
    if (missing.length > 0) {
      this.#logger.debug({ job: definition.name, missing }, 'job not registered: services not wired');
      return;
    }
    this.#definitions.set(definition.name, definition);
    const concurrency = this.#concurrencyOf(definition, this.#options.settings.current());
    this.#agenda.define(definition.name, (job: Job) => this.#run(definition, job), {
      concurrency,
      // Lock only what can run: extra jobs stay in the store for other workers and in priority order.
      lockLimit: concurrency,
      lockLifetime: this.#lockLifetimeOf(definition),
      removeOnComplete: !definition.keepCompleted,
      ...(definition.retry ? { backoff: ({ attempt, error }: { attempt: number; error: Error }) => definition.retry!(attempt, error) } : {}),
    });
  }

  async #run(definition: AnyJobDefinition, job: Job): Promise<void> {
    const id = String(job.attrs._id);
    const { [UNIQUE_FIELD]: _unique, ...payload } = (job.attrs.data ?? {}) as Record<string, unknown>;
    const controller = new AbortController();
    let finish!: () => void;
    const entry: RunningJob = {
      name: definition.name,
      controller,
      payload,
      finished: new Promise<void>((resolve) => {
        finish = resolve;
      }),
    };
    this.#running.set(id, entry);
    const key = uniqueKeyOf(job);
    const busy = key === undefined ? undefined : newBusyKey();
    if (busy) this.#busyKeys.set(key!, busy);
    const context: JobContext<JobName> = {
      id,
      name: definition.name,
      payload: payload as never,
      attempt: (job.attrs.failCount ?? 0) + 1,
      signal: controller.signal,
      touch: (progress) => job.touch(progress),
      lockLifetimeMs: this.#lockLifetimeOf(definition),
      logger: this.#logger.child({ job: definition.name, job_id: id }),
    };
    try {
      await inContext(this.#options.orm, () => definition.run(context, this.#services as never));
    } finally {
      if (busy) busy.ended = true;
      this.#running.delete(id);
      finish();
    }
  }

  /** After Agenda finished a job of ours: resolves once its stored job is final (or gone) and its slot is free again. */
  async #untilFinalized(job: Job, succeeded: boolean): Promise<void> {
    const definition = this.#definitions.get(job.attrs.name as JobName);
    if (succeeded && !job.attrs.nextRunAt && !definition?.keepCompleted) {
      // Agenda removes a finished one-time job right after this event.
      const id = String(job.attrs._id);
      for (let waited = 0; waited < SETTLE_TIMEOUT_MS && (await this.#backend.repository.getJobById(id)); waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    // Its processor releases the job's slot right after that, in the same turn.
    await new Promise((resolve) => setImmediate(resolve));
  }

  async #waitForRunning(ms: number): Promise<boolean> {
    if (this.#running.size === 0) return true;
    const done = await settlesWithin(Promise.all([...this.#running.values()].map((job) => job.finished)), ms);
    // Let Agenda write the finished jobs' state before the connection closes.
    if (done) await new Promise((resolve) => setTimeout(resolve, 20));
    return done;
  }

  #applyConcurrency(settings: Readonly<Settings>): void {
    for (const definition of this.#definitions.values()) {
      const registered = this.#agenda.definitions[definition.name];
      if (!registered) continue;
      const concurrency = this.#concurrencyOf(definition, settings);
      registered.concurrency = concurrency;
      registered.lockLimit = concurrency;
    }
  }

  #lockLifetimeOf(definition: AnyJobDefinition): number {
    return this.#options.lockLifetimeMs ?? definition.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS;
  }

  #concurrencyOf(definition: AnyJobDefinition, settings: Readonly<Settings>): number {
    const value = typeof definition.concurrency === 'function' ? definition.concurrency(settings) : (definition.concurrency ?? 1);
    return Math.max(1, Math.floor(value));
  }

  #scheduled() {
    return SCHEDULES.filter((schedule) => this.#definitions.has(schedule.name));
  }
}

function matches(payload: unknown, filter: Record<string, unknown>): boolean {
  if (payload === null || typeof payload !== 'object') return false;
  return Object.entries(filter).every(([key, value]) => (payload as Record<string, unknown>)[key] === value);
}

export function createJobRunner(store: JobStore, options: JobRunnerOptions): JobRunner {
  return new JobRunner(store, options);
}
