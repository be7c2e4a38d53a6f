import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitUntil as pollUntil } from '../integration/queue-helpers.ts';

export const PASSWORD = 'Scale-out-Password-1';

export interface ClusterOptions {
  /** Shared by every process, as in the compose `scale` profile: config, secrets. */
  readonly dataDir: string;
  readonly mediaDir: string;
  readonly databaseUrl: string;
  readonly providerUrl: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** config.json every process reads: the fixture site needs no pacing; Vidoza only (one media GET per download). */
export async function writeClusterConfig(dataDir: string, downloads: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({ provider: { requests_per_second: 50 }, downloads: { hosters: ['Vidoza'], max_attempts: 3, concurrency: 2, ...downloads } }),
  );
}

/** One `node backend/main.ts` with ANIWORLD_ROLE=role against the shared database and volumes. */
export function startRole(role: 'api' | 'worker' | 'all', options: ClusterOptions): Promise<ServerProcess> {
  return startServerProcess({
    cwd: options.dataDir,
    env: {
      ANIWORLD_ROLE: role,
      ANIWORLD_DATABASE_URL: options.databaseUrl,
      ANIWORLD_DATA_DIR: options.dataDir,
      ANIWORLD_MEDIA_DIR: options.mediaDir,
      ANIWORLD_PROVIDER_URL: options.providerUrl,
      ...options.env,
    },
    // Several processes start at once on a small machine.
    readyTimeoutMs: 120_000,
  });
}

/** A small HTTP client for the API process: JSON in, JSON out, bearer token. */
export class ApiClient {
  readonly url: string;
  token = '';

  constructor(url: string) {
    this.url = url;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async login(): Promise<string> {
    const setup = await this.call('POST', '/api/auth/setup', { master_password: PASSWORD });
    if (setup.status !== 201 && setup.status !== 409) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);
    const login = await this.call('POST', '/api/auth/login', { password: PASSWORD });
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    this.token = login.body.access_token;
    return this.token;
  }
}

/** Polls until `check` returns a value; a scale-out step on a loaded machine gets a minute. */
export function waitUntil<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  return pollUntil(check, what, timeoutMs);
}
