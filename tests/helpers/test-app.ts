import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startAniWorld, type Running, type StartOptions } from '../../backend/main.ts';
import { makeTempDir } from './temp-dir.ts';

export const TEST_PASSWORD = 'Correct-Horse-9';

export interface TestApp {
  readonly running: Running;
  readonly url: string;
  readonly root: string;
  readonly dataDir: string;
  readonly mediaDir: string;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /**
   * The first log line from index `from` on (default 0) that matches, already written or still to
   * come: a test waits for what the app reports instead of for a while.
   */
  waitForLog(match: (line: Record<string, unknown>) => boolean, from?: number): Promise<Record<string, unknown>>;
  request(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; token?: string; apiKey?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Runs first-time setup (if needed) and logs in; returns a bearer token. */
  login(): Promise<string>;
  /** Stops the app; the temp folder stays until `dispose()`. */
  stop(): Promise<void>;
  /** Starts a new app process-in-process on the same data dir. */
  restart(extraEnv?: NodeJS.ProcessEnv): Promise<TestApp>;
  dispose(): Promise<void>;
}

/**
 * The real app on port 0 with a temp data dir and media dir; logs captured in memory. `config` is
 * written as the data dir's config.json before the start (not again on a restart).
 */
export async function startTestApp(
  options: { env?: NodeJS.ProcessEnv; root?: string; config?: Record<string, unknown>; start?: Partial<StartOptions> } = {},
): Promise<TestApp> {
  const temp = options.root ? { path: options.root, remove: async () => {} } : await makeTempDir();
  const root = temp.path;
  const env: NodeJS.ProcessEnv = {
    PORT: '0',
    HOST: '127.0.0.1',
    ANIWORLD_DATA_DIR: join(root, 'data'),
    ANIWORLD_MEDIA_DIR: join(root, 'media'),
    ANIWORLD_PROVIDER_URL: 'http://127.0.0.1:9',
    ANIWORLD_WATCH: 'false',
    // No browser for anti-bot checks unless a suite is about them (tests/providers/check-*.test.ts).
    ANIWORLD_SOLVER: 'off',
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  if (options.config) {
    await mkdir(env.ANIWORLD_DATA_DIR!, { recursive: true });
    await writeFile(join(env.ANIWORLD_DATA_DIR!, 'config.json'), JSON.stringify(options.config));
  }
  const logs: Record<string, unknown>[] = [];
  const logWaiters = new Set<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }>();
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const text of String(chunk).split('\n')) {
        if (!text.trim()) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        logs.push(line);
        for (const waiter of logWaiters) {
          if (!waiter.match(line)) continue;
          logWaiters.delete(waiter);
          waiter.resolve(line);
        }
      }
      callback();
    },
  });
  const running = await startAniWorld({ env, cwd: root, logDestination: destination, bcryptRounds: 4, ...options.start });
  let token: string | undefined;

  const app: TestApp = {
    running,
    url: running.url,
    root,
    dataDir: env.ANIWORLD_DATA_DIR!,
    mediaDir: env.ANIWORLD_MEDIA_DIR!,
    logs,
    waitForLog(match, from = 0) {
      const written = logs.slice(from).find(match);
      if (written) return Promise.resolve(written);
      return new Promise((resolve) => logWaiters.add({ match, resolve }));
    },
    async request(method, path, requestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
      if (requestOptions.apiKey) headers['x-api-key'] = requestOptions.apiKey;
      let body: string | undefined = requestOptions.rawBody;
      if (requestOptions.body !== undefined) {
        body = JSON.stringify(requestOptions.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${running.url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async login() {
      if (token) return token;
      const status = await app.request('GET', '/api/auth/status');
      if (!status.body.configured) {
        const setup = await app.request('POST', '/api/auth/setup', { body: { master_password: TEST_PASSWORD } });
        if (setup.status !== 201) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);
      }
      const login = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } });
      if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
      token = login.body.access_token as string;
      return token;
    },
    stop: () => running.close(),
    async restart(extraEnv) {
      await running.close();
      return startTestApp({ ...options, config: undefined, env: { ...options.env, ...extraEnv }, root });
    },
    async dispose() {
      await running.close();
      await temp.remove();
    },
  };
  return app;
}
