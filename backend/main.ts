import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { DestinationStream } from 'pino';
import { loadConfig, ConfigError } from '../config/load.ts';
import { SettingsStore } from '../config/store.ts';
import type { AppConfig } from '../config/schema.ts';
import { createLogger, type Logger } from './adapters/logger.ts';
import { systemClock, type Clock } from './adapters/clock.ts';
import { systemDisk } from './adapters/disk-space.ts';
import { BcryptPasswordHasher } from './adapters/password-hasher.ts';
import { JoseTokenSigner } from './adapters/token-signer.ts';
import { loadOrCreateSecret } from './adapters/secret-file.ts';
import { ensurePrivateFile, tightenDataFolder } from './adapters/private-files.ts';
import { prepareDataFolder } from './adapters/data-folder.ts';
import { openDatabase, type Orm } from './db/orm.ts';
import { EventBus } from './events/bus.ts';
import { EventBridge } from './events/bridge.ts';
import { shareSettings } from './events/shared-settings.ts';
import { AuthService } from './modules/auth/auth.service.ts';
import { Credential } from './modules/auth/credential.entity.ts';
import { LoginThrottle } from './modules/auth/login-throttle.ts';
import { createAuthRouter } from './modules/auth/auth.routes.ts';
import { createConfigRouter } from './modules/config/config.routes.ts';
import { HealthService } from './modules/system/health.service.ts';
import { createHealthRouter } from './modules/system/health.routes.ts';
import { RotatingLogFile } from './adapters/log-files.ts';
import { inspectMediaFolder, inspectStorage, storageHealth } from './modules/system/storage.ts';
import { MediaRoot } from './modules/series/media-root.ts';
import { LogService } from './modules/system/logs.service.ts';
import { MetricsService } from './modules/system/metrics.service.ts';
import { DiagnosticsService } from './modules/system/diagnostics.service.ts';
import { BackupService } from './modules/system/backup.service.ts';
import { TaskService } from './modules/system/tasks.ts';
import { ChecklistService } from './modules/system/checklist.ts';
import { pauseLibraryWork } from './modules/system/work-pause.ts';
import { createBackupRouter } from './modules/system/backup.routes.ts';
import { SCHEDULES } from '../jobs/schedules.ts';
import { createSystemRouter } from './modules/system/system.routes.ts';
import { createProviderCheckRouter } from './modules/system/provider-check.routes.ts';
import { PersonChecks } from './providers/checks/person-checks.ts';
import { ProviderTest } from './modules/system/provider-test.ts';
import { installBasePath } from './http/base-path.ts';
import { buildOpenApi, createDocsRouter } from './http/openapi.ts';
import { createApp, listRoutes } from './app.ts';
import { HttpClient } from './adapters/http-client.ts';
import { ProviderHealth, withProbe } from './providers/provider-health.ts';
import { NameResolution } from './adapters/doh-resolver.ts';
import { EmbeddedBrowser, findChromium } from './adapters/browser/embedded-browser.ts';
import { PassFile } from './adapters/pass-file.ts';
import { EmbeddedSolver } from './providers/checks/embedded-solver.ts';
import { FlareSolverrSolver } from './providers/checks/flaresolverr-solver.ts';
import { SiteChecks, type StoredPasses } from './providers/checks/site-checks.ts';
import type { CheckSolver } from './providers/checks/solver.ts';
import { createProviderRegistry, type ProviderRegistry } from './providers/registry.ts';
import type { HosterRegistry } from './providers/hosters/registry.ts';
import { SeriesService } from './modules/series/series.service.ts';
import { createSeriesRouter } from './modules/series/series.routes.ts';
import { createRenameRouter } from './modules/series/rename.routes.ts';
import { ActivityLog } from './modules/activity/activity.service.ts';
import { createActivityRouter } from './modules/activity/activity.routes.ts';
import { findExecutable } from './adapters/ffmpeg.ts';
import { findCurl } from './adapters/curl.ts';
import { TokenBucket } from './downloads/token-bucket.ts';
import { TransferEngine } from './downloads/transfer.ts';
import { EpisodeDownloader } from './modules/queue/episode-downloader.ts';
import { QueueService } from './modules/queue/queue.service.ts';
import { QueueStateFile } from './modules/queue/queue-state.ts';
import { createQueueRouter } from './modules/queue/queue.routes.ts';
import { createWantedRouter } from './modules/wanted/wanted.routes.ts';
import { WantedService } from './modules/wanted/wanted.service.ts';
import { createSeriesBulkRouter } from './modules/series/series-bulk.routes.ts';
import { SeriesBulk } from './modules/series/series-bulk.ts';
import { panelStatic } from './http/panel-static.ts';
import { LiveEventHub, type LiveEventsOptions } from './ws/hub.ts';
import { inContext } from './db/context.ts';
import { DEFAULT_DELIVERY_POLICY, WebhookOutbox, type DeliveryPolicy } from './modules/notifications/webhook-outbox.ts';
import { WebhookService } from './modules/notifications/webhook.service.ts';
import { WebhookNotifier } from './modules/notifications/webhook.notifier.ts';
import { createWebhookRouter } from './modules/notifications/webhook.routes.ts';
import { Webhook } from './modules/notifications/webhook.entity.ts';
import { secretValues } from './modules/notifications/webhook-secrets.ts';
import { fetchTransport } from './modules/notifications/webhook-transport.ts';
import { MediaServerClient } from './modules/notifications/media-server.ts';
import { scanMissingCounts } from './modules/notifications/scan-missing-counts.ts';
import { createJobStore } from '../jobs/store/index.ts';
import { createJobRunner, type JobRunner } from '../jobs/runner.ts';
import { LibraryWatcher } from './modules/series/library-watcher.ts';
import type { Watcher } from './modules/series/elected-watcher.ts';
import type Router from '@koa/router';
import type { AppState } from './http/state.ts';

export interface StartOptions {
  /** Environment to read configuration from (default: process.env). Tests pass their own. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where log lines go (default stdout). */
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
  /** bcrypt cost; tests lower it. */
  readonly bcryptRounds?: number;
  /** WebSocket hub timings (heartbeat, auth timeout, buffer limit); tests shorten them. */
  readonly liveEvents?: Partial<LiveEventsOptions>;
  /** Webhook timeout, backoff and attempts; tests shorten them. */
  readonly webhooks?: Partial<DeliveryPolicy>;
  /** With a shared PostgreSQL: how often a process that does not watch asks to (default 15 s); tests shorten it. */
  readonly watcherRetryMs?: number;
  /**
   * 'cli' (the `aniworld` command) builds the same services but does not listen, process jobs
   * or watch folders: a second process next to the running server. Default 'server'.
   */
  readonly mode?: 'server' | 'cli';
  /** Free space below which health calls the media folder full (default 1 GiB); tests raise it. */
  readonly minFreeMediaBytes?: number;
  /** `aniworld reset-password`: a damaged or missing secret.key is replaced instead of stopping start-up. */
  readonly replaceSecretKey?: boolean;
}

export interface Running {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly orm: Orm;
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  readonly routers: readonly Router<AppState>[];
  readonly services: {
    readonly settings: SettingsStore;
    readonly auth: AuthService;
    readonly health: HealthService;
    readonly events: EventBus;
    readonly live: LiveEventHub;
    readonly logs: LogService;
    readonly metrics: MetricsService;
    readonly diagnostics: DiagnosticsService;
    readonly backups: BackupService;
    readonly providers: ProviderRegistry;
    /** The hoster resolvers, loaded on first use. */
    readonly hosters: () => Promise<HosterRegistry>;
    readonly providerHealth: ProviderHealth;
    readonly personChecks: PersonChecks;
    readonly series: SeriesService;
    readonly queue: QueueService;
    /** The JobQueue port (enqueue, cancel, pause, list) and the runner behind it. */
    readonly jobs: JobRunner;
    readonly webhooks: WebhookService;
    readonly activity: ActivityLog;
  };
  close(): Promise<void>;
}

type Closer = { readonly name: string; readonly close: () => Promise<void> | void };

/**
 * The composition root: config -> ORM -> adapters -> services -> http/ws/jobs/watcher.
 * Everything built here is closed again in reverse order by `close()`.
 */
export async function startAniWorld(options: StartOptions = {}): Promise<Running> {
  const startedAt = Date.now();
  const { config, envSettings } = loadConfig({ env: options.env, cwd: options.cwd });
  const serving = options.mode !== 'cli';
  await prepareDataFolder(config.paths.dataDir);
  const logFile = new RotatingLogFile({ dir: config.paths.logDir });
  const logger = createLogger({ level: config.settings.logging.level, destination: options.logDestination, file: logFile });
  const clock = options.clock ?? systemClock;
  const closers: Closer[] = [{ name: 'log file', close: () => logFile.close() }];
  const closeAll = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer.close();
      } catch (error) {
        logger.error({ err: error, component: closer.name }, 'shutdown step failed');
      }
    }
    closers.length = 0;
  };

  try {
    await mkdir(config.paths.dataDir, { recursive: true, mode: 0o700 });
    for (const path of await tightenDataFolder(config.paths.dataDir, { skip: [config.paths.mediaDir] })) {
      logger.warn(
        { component: 'storage', path },
        `${path} is readable by others and owned by another user, so AniWorld cannot make it private; fix: chown ${process.getuid?.() ?? '?'}:${process.getgid?.() ?? '?'} and chmod go-rwx it`,
      );
    }
    const settings = new SettingsStore({ file: config.paths.configFile, backupDir: config.paths.backupDir, envSettings, initial: config.settings, clock });
    settings.subscribe((next) => {
      logger.level = next.logging.level;
    });

    const role = config.runtime.role;
    const databaseUrl = config.runtime.database_url;
    const ormLog = (message: string) => logger.info({ component: 'orm' }, stripAnsi(message));
    // Scale-out (ANIWORLD_DATABASE_URL): PostgreSQL, loaded only then; the default stays on SQLite.
    const orm = databaseUrl
      ? await (await import('./db/postgres.ts')).openPostgres({ url: databaseUrl, log: ormLog })
      : await openDatabase({
          file: config.paths.databaseFile,
          journal: config.runtime.sqlite_journal,
          backupDir: config.paths.backupDir,
          keepBackups: config.settings.backups.database_keep,
          log: ormLog,
        });
    closers.push({ name: 'database', close: () => orm.close() });

    const secret = await loadOrCreateSecret(config.paths.secretFile, {
      replace: options.replaceSecretKey,
      installed: () => inContext(orm, async () => (await orm.em.count(Credential, {})) > 0),
    });
    const events = new EventBus({ logger, now: () => clock.now() });
    const throttle = new LoginThrottle({ em: orm.em, clock });
    const auth = new AuthService({
      em: orm.em,
      hasher: new BcryptPasswordHasher({ secret, rounds: options.bcryptRounds }),
      signer: new JoseTokenSigner(secret),
      clock,
      settings,
      throttle,
      cwd: options.cwd,
    });
    const health = new HealthService({ orm, version: config.version, startedAt });
    const storage = () =>
      inspectStorage({
        dataDir: config.paths.dataDir,
        mediaDir: config.paths.mediaDir,
        journal: config.runtime.sqlite_journal,
        watch: settings.current().library.watch,
        watchPolling: settings.current().library.watch_polling,
      });
    for (const warning of storage().warnings) logger.warn({ component: 'storage' }, warning);
    const mediaRoot = new MediaRoot(settings, options.cwd ?? process.cwd());
    health.register('storage', async () =>
      storageHealth(storage(), config.runtime.sqlite_journal, await inspectMediaFolder(mediaRoot.path(), options.minFreeMediaBytes)),
    );
    const logs = new LogService({ files: () => logFile.files(), secrets: async () => (await orm.em.find(Webhook, {})).flatMap((hook) => secretValues(hook)) });
    const metrics = new MetricsService({ version: config.version });
    closers.push({ name: 'metrics', close: metrics.observe(events) });
    const diagnostics = new DiagnosticsService({ config, settings, health, logs, storage, em: orm.em });

    // --- the activity log records what happened, from the events of this process ---
    const activity = new ActivityLog({ orm, events, settings, logger, clock });
    if (serving) {
      const stopActivity = activity.start();
      closers.push({ name: 'activity log', close: stopActivity });
    }

    // --- feature services (library, providers, queue, notifications) are built here ---
    // Anti-bot checks: the embedded Chromium (started on the first check, closed when idle) or a
    // FlareSolverr service when its URL is set; read per solve, so a settings change applies at once.
    const chromiumPath = findChromium(config.runtime.chromium_path);
    const browser = chromiumPath
      ? new EmbeddedBrowser({ executablePath: chromiumPath, idleMs: () => settings.current().provider.browser_idle_minutes * 60_000, logger })
      : undefined;
    if (browser) closers.push({ name: 'embedded browser', close: () => browser.close() });
    // A check no machine passes waits for a person, who solves it in the panel's live view.
    const personChecks = new PersonChecks({ events, logger, now: () => clock.now().getTime() });
    const embeddedSolver = browser ? new EmbeddedSolver({ browser, logger, onPersonNeeded: (check) => personChecks.offer(check) }) : undefined;
    let flareSolverr: FlareSolverrSolver | undefined;
    const checkSolver = (): CheckSolver | undefined => {
      const { solver, flaresolverr_url: flareUrl } = settings.current().provider;
      if (solver === 'off') return undefined;
      if (!flareUrl) return embeddedSolver;
      if (flareSolverr?.url !== flareUrl) flareSolverr = new FlareSolverrSolver({ url: flareUrl });
      return flareSolverr;
    };
    const providerUrl = () => settings.current().provider.url;
    const providerHealth = new ProviderHealth({
      now: () => clock.now().getTime(),
      solver: () => checkSolver()?.name ?? 'none',
      onListenerError: (error) => logger.error({ err: error, component: 'provider' }, 'provider health listener failed'),
    });
    const checks = new SiteChecks({
      solver: checkSolver,
      file: new PassFile<StoredPasses>(join(config.paths.dataDir, 'provider-passes.json')),
      health: providerHealth,
      providerUrl,
      logger,
      now: () => clock.now().getTime(),
    });
    const names = new NameResolution({
      settings: () => settings.current().provider,
      providerHost: () => new URL(providerUrl()).hostname,
      onHint: (hint) => providerHealth.setHint(hint),
      logger,
    });
    closers.push({ name: 'dns over https', close: () => names.close() });
    const providerHttp = new HttpClient({
      limits: () => settings.current().provider,
      fetch: metrics.countingFetch('provider'),
      health: providerHealth,
      providerUrl,
      checks,
      dispatcher: (url) => names.dispatcher(url),
    });
    health.register('provider', () => ({ ...providerHealth.current() }));
    closers.push({
      name: 'provider health',
      close: providerHealth.subscribe((report, previous) => {
        const log = { component: 'provider', status: report.status, previous: previous.status, last_error: report.last_error };
        if (report.status === 'ok') return logger.info(log, 'the provider answers again');
        if (report.status === 'down' && report.last_error) void names.diagnose(report.last_error);
        logger.warn(log, report.status === 'check' ? 'the provider answers with an anti-bot check' : 'the provider does not answer');
        events.publish('health_issue', { component: 'provider', message: report.last_error ?? report.status, status: report.status });
      }),
    });
    const providers = createProviderRegistry(settings, providerHttp);
    // Loaded by the first download: the resolvers bring the HTML parser, which an idle server never needs.
    let hosterRegistry: Promise<HosterRegistry> | undefined;
    const hosters = () => (hosterRegistry ??= import('./providers/hosters/registry.ts').then(({ createHosterRegistry }) => createHosterRegistry(providerHttp)));
    // SQLite tells when another process (the CLI) wrote the file; on PostgreSQL the event bridge does.
    const externalVersion = databaseUrl ? undefined : () => orm.em.getConnection().execute('pragma data_version');
    const series = new SeriesService({
      orm,
      settings,
      cwd: options.cwd ?? process.cwd(),
      events,
      logger,
      clock,
      provider: () => providers.default,
      externalVersion,
    });
    const bucket = new TokenBucket({ bytesPerSecond: settings.current().downloads.speed_limit_bytes_per_second });
    const transfers = new TransferEngine({ bucket, ffmpeg: await findExecutable('ffmpeg'), curl: await findCurl() });
    const downloader = new EpisodeDownloader({ provider: () => providers.default, hosters, series, engine: transfers, settings });

    // --- jobs: the store (JOBS_STORE) and the runner. Built before the services that enqueue
    // (queue, webhook outbox); it gets the services the jobs call when processing starts ---
    // With a shared PostgreSQL the jobs go there too, unless JOBS_STORE names MongoDB.
    const jobsKind = databaseUrl && config.runtime.jobs_store === 'sqlite' ? 'postgres' : config.runtime.jobs_store;
    if (jobsKind === 'sqlite') await ensurePrivateFile(config.paths.jobsDatabaseFile);
    const jobStore = await createJobStore({
      kind: jobsKind,
      sqliteFile: config.paths.jobsDatabaseFile,
      mongodbUrl: config.runtime.mongodb_url,
      postgresUrl: databaseUrl,
      dataDir: config.paths.dataDir,
      env: options.env ?? process.env,
    });
    const lockLifetimeMs = config.runtime.job_lock_seconds === undefined ? undefined : config.runtime.job_lock_seconds * 1000;
    // A worker polls the shared store every second: a freed download slot is filled at once even
    // when the job was queued by another process (one cheap locking query per job name).
    const processEveryMs = role === 'worker' ? 1000 : undefined;
    const jobs = createJobRunner(jobStore, { orm, settings, logger, lockLifetimeMs, processEveryMs });
    closers.push({ name: 'jobs', close: () => jobs.stop() });
    await jobs.ready();
    health.register('jobs', () => jobs.health());

    // The queue asks the site once (through the client) to learn that an outage is over.
    const providerFrontPage = () => providerHttp.request(`${settings.current().provider.url.replace(/\/+$/, '')}/`);
    const queue = new QueueService({
      orm,
      events,
      settings,
      logger,
      clock,
      downloader,
      jobs,
      series,
      bucket,
      state: new QueueStateFile(join(config.paths.dataDir, 'queue-state.json')),
      role,
      providerHealth: withProbe(providerHealth, providerFrontPage),
      mediaRoot: () => mediaRoot.path(),
      disk: systemDisk,
    });
    health.register('queue', () => queue.health());
    metrics.gauge('aniworld_queue_items', 'Download items by status.', async () => {
      const stats = (await queue.status()).statistics;
      return [
        ['pending', stats.pending_count],
        ['paused', stats.paused_count],
        ['downloading', stats.active_count],
        ['completed', stats.completed_count],
        ['failed', stats.failed_count],
      ].map(([status, value]) => ({ labels: { status: String(status) }, value: Number(value) }));
    });
    metrics.gauge('aniworld_download_speed_bytes_per_second', 'Current total download speed.', async () =>
      Math.round((await queue.status()).statistics.current_speed_mbps * 1024 * 1024),
    );
    // A restore in the server pauses what writes the library; the CLI next to a server does not.
    const backups = new BackupService({
      settings,
      orm,
      databaseFile: config.paths.databaseFile,
      backupDir: config.paths.backupDir,
      pauseWork: serving ? pauseLibraryWork({ jobs, queue }) : undefined,
    });
    const tasks = new TaskService({ jobs, names: SCHEDULES.map((schedule) => schedule.name) });

    // --- webhooks: the notifier writes events to the outbox, deliver-webhook jobs send them ---
    const mediaServers = new MediaServerClient({
      mediaRoot: () => mediaRoot.path(),
      timeoutMs: options.webhooks?.timeoutMs ?? DEFAULT_DELIVERY_POLICY.timeoutMs,
    });
    const outbox = new WebhookOutbox({
      em: orm.em,
      jobs,
      clock,
      logger,
      transport: fetchTransport,
      instance: hostname(),
      policy: options.webhooks,
      enrich: scanMissingCounts(() => series.list()),
      mediaServers,
    });
    const webhooks = new WebhookService({
      em: orm.em,
      clock,
      outbox,
      transport: fetchTransport,
      timeoutMs: outbox.policy.timeoutMs,
      instance: hostname(),
      mediaServers,
    });
    const checklist = new ChecklistService({
      settings,
      provider: () => providerHealth.current(),
      mediaFolder: () => inspectMediaFolder(mediaRoot.path(), options.minFreeMediaBytes),
      connections: async () => (await webhooks.list()).length,
    });
    const notifier = new WebhookNotifier({ orm, events, outbox, logger });
    notifier.start();
    // Stopped before the runner (closers run in reverse): events already taken still reach the outbox.
    closers.push({ name: 'webhooks', close: () => notifier.stop() });

    // --- scale-out: domain events of every process reach every other one (Redis pub/sub when
    // REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY) ---
    const redisUrl = config.runtime.redis_url;
    if (serving && (databaseUrl || redisUrl)) {
      // NOTIFY takes less than 8000 bytes; Redis takes any event whole.
      const bridge = new EventBridge({ events, logger, maxBytes: redisUrl ? 1024 * 1024 : undefined });
      const onMessage = (payload: string) => bridge.receive(payload);
      const onReconnect = () => bridge.reconnected();
      const channel = redisUrl
        ? await (await import('./adapters/redis-pubsub.ts')).openRedisChannel({ url: redisUrl, channel: 'aniworld_events', logger, onMessage, onReconnect })
        : await (await import('./adapters/pg-notify.ts')).openNotifyChannel({ url: databaseUrl!, channel: 'aniworld_events', logger, onMessage, onReconnect });
      bridge.start(channel);
      const stopSharingSettings = shareSettings({ settings, bridge, logger });
      // Events of other processes missed during an outage: WebSocket clients reload the queue.
      if (role !== 'worker') bridge.onReconnect(() => queue.announceStatus());
      // Closed after the queue and the runner (closers run in reverse): their last events still leave.
      closers.push({
        name: 'event bridge',
        close: async () => {
          stopSharingSettings();
          await bridge.stop();
          await channel.close();
        },
      });
    }

    // --- HTTP: one router per feature; app.ts decides the middleware order ---
    // ANIWORLD_ROLE=worker answers only the health check.
    const featureRouters =
      role === 'worker'
        ? [createHealthRouter(health)]
        : [
            createHealthRouter(health),
            createAuthRouter(auth),
            createConfigRouter(settings),
            createSystemRouter({
              logs,
              diagnostics,
              metrics,
              settings,
              tasks,
              checklist,
              providerTest: new ProviderTest({ provider: () => providers.default, http: providerHttp, health: providerHealth, settings }),
            }),
            createBackupRouter(backups),
            createProviderCheckRouter(personChecks),
            createSeriesBulkRouter(new SeriesBulk({ series, queue, logger })),
            createSeriesRouter(series),
            createRenameRouter(series),
            createQueueRouter(queue),
            createWantedRouter(new WantedService({ orm, queue, settings, logger })),
            createWebhookRouter(webhooks),
            createActivityRouter(activity),
          ];
    // The document lists every route, its own included.
    const docsRouter =
      role === 'worker'
        ? undefined
        : createDocsRouter(async (own) =>
            buildOpenApi({
              routes: listRoutes([...featureRouters, own]),
              // The operation table (every route's summary and schemas) is read by the first GET /api/docs only.
              operations: (await import('./http/openapi.operations.ts')).OPERATIONS,
              version: config.version,
              basePath: config.runtime.base_path,
            }),
          );
    const routers = docsRouter ? [...featureRouters, docsRouter] : featureRouters;
    const panel = role === 'worker' ? undefined : panelStatic({ root: join(import.meta.dirname, '..', 'panel', 'dist'), basePath: config.runtime.base_path });
    const app = createApp({
      logger,
      orm,
      auth,
      routers,
      requestMetrics: {
        observe: (method, route, status, seconds) => metrics.observeRequest(method, route, status, seconds),
        enabled: () => settings.current().metrics.enabled,
      },
      trustProxy: config.runtime.trust_proxy,
      fallback: panel,
    });

    const server = createServer(app.callback());
    server.keepAliveTimeout = 65_000;
    installBasePath(server, config.runtime.base_path);
    if (serving) {
      await listen(server, config.runtime.port, config.runtime.host);
      closers.push({ name: 'http', close: () => closeServer(server) });
    }

    // --- after listening: WebSocket hub on the same server, job runner, folder watcher ---
    const live = new LiveEventHub({ orm, auth, events, logger, options: options.liveEvents });
    if (role !== 'worker') live.attach(server);
    // Closed before the HTTP server (closers run in reverse), so sockets get a proper close frame.
    closers.push({ name: 'websocket', close: () => live.close() });

    // ANIWORLD_ROLE=api only enqueues: a worker process on the same job store runs the jobs.
    if (serving && config.runtime.role !== 'api') {
      await jobs.start({ auth, series, queue, settings, webhooks: outbox, activity });
      // Deliveries whose job was lost (a crash between two steps) are queued again.
      await inContext(orm, () => outbox.resumePending());
    }
    // The folder watcher lives where jobs run; its first directory walk goes on after "ready".
    // On a shared PostgreSQL one process watches for all (elected), the others stand by.
    const createWatcher = () => new LibraryWatcher({ series, orm, settings, events, logger, clock });
    const watcher =
      !serving || role === 'api'
        ? undefined
        : databaseUrl
          ? await electedWatcher({ url: databaseUrl, createWatcher, logger, retryMs: options.watcherRetryMs })
          : createWatcher();
    if (watcher) {
      closers.push({ name: 'folder watcher', close: () => watcher.close() });
      watcher.start().catch((error) => logger.error({ err: error, component: 'watcher' }, 'folder watcher failed to start'));
    }
    health.register('watcher', () => watcher?.health() ?? { status: 'disabled', mode: 'off', state: 'off' });
    // After the runner: downloads interrupted by a crash are handed to a runner that already listens.
    // Closed before it (closers run in reverse), so transfers stop and keep their .part first.
    if (serving) {
      await queue.init();
      closers.push({ name: 'download queue', close: () => queue.close() });
    }

    const port = serving ? (server.address() as AddressInfo).port : 0;
    const url = `http://127.0.0.1:${port}`;
    if (serving)
      logger.info(
        { port, data_dir: config.paths.dataDir, media_dir: config.paths.mediaDir, version: config.version, startup_ms: Date.now() - startedAt },
        'AniWorld is ready',
      );

    return {
      config,
      logger,
      orm,
      server,
      url,
      port,
      routers,
      services: {
        settings,
        auth,
        health,
        events,
        live,
        logs,
        metrics,
        diagnostics,
        backups,
        providers,
        hosters,
        providerHealth,
        personChecks,
        series,
        queue,
        jobs,
        webhooks,
        activity,
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** 'aniw' + 1: the migration lock (backend/db/postgres.ts) is 'aniw'. */
const WATCHER_LOCK = 0x616e6978;

/** Loaded only with ANIWORLD_DATABASE_URL, like the rest of the scale-out code. */
async function electedWatcher(options: { url: string; createWatcher: () => Watcher; logger: Logger; retryMs?: number }): Promise<Watcher> {
  const [{ AdvisoryLockElection }, { ElectedWatcher }] = await Promise.all([
    import('./adapters/pg-advisory-lock.ts'),
    import('./modules/series/elected-watcher.ts'),
  ]);
  return new ElectedWatcher({
    createWatcher: options.createWatcher,
    logger: options.logger,
    elect: (onChange) => new AdvisoryLockElection({ url: options.url, key: WATCHER_LOCK, retryMs: options.retryMs, logger: options.logger, onChange }),
  });
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is already in use. Set PORT to a free port.`) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops accepting, lets in-flight requests finish for a moment, then cuts what is left. */
async function closeServer(server: Server, drainMs = 3000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), drainMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}

/** Outside the container (whose entrypoint checks first) a permission error names the fix. */
function permissionHint(error: unknown): string {
  const { code, path } = error as NodeJS.ErrnoException;
  if ((code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') || !path) return '';
  const user = `${process.getuid?.() ?? '?'}:${process.getgid?.() ?? '?'}`;
  return code === 'EROFS'
    ? `${path} is on a read-only filesystem: point ANIWORLD_DATA_DIR / ANIWORLD_MEDIA_DIR at a writable folder.\n`
    : `This process (uid:gid ${user}) may not write ${path}. Fix: sudo chown -R ${user} <that folder>, or run AniWorld as its owner.\n`;
}

/** Process entry: start, then shut down in order on SIGTERM/SIGINT within 8 seconds. */
async function main(): Promise<void> {
  let running: Running;
  try {
    running = await startAniWorld();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`AniWorld could not start: ${(error as Error).message}\n${permissionHint(error)}`);
    process.exit(1);
  }
  if (running.port) process.stderr.write(`${openLine(running.config.runtime.host, running.port, running.config.runtime.base_path)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      running.logger.error('shutdown took longer than 8 s, exiting anyway');
      process.exit(1);
    }, 8000);
    force.unref();
    running.close().then(
      () => {
        running.logger.flush?.();
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * The one plain line next to the JSON log: where to open the panel. On stderr, so that stdout
 * stays JSON for log collectors; a wildcard listen address is shown as localhost.
 */
export function openLine(host: string | undefined, port: number, basePath: string | undefined): string {
  const shown = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const path = basePath ? `${basePath.replace(/\/+$/, '')}/` : '/';
  return `AniWorld is running: open http://${shown}:${port}${path} in your browser.`;
}

if (import.meta.main) await main();
