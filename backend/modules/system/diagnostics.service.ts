import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { listFolder } from '../../adapters/data-folder.ts';
import type { EntityManager } from '@mikro-orm/core';
import type { AppConfig } from '../../../config/schema.ts';
import type { SettingsStore } from '../../../config/store.ts';
import { Credential } from '../auth/credential.entity.ts';
import { secretValues } from '../notifications/webhook-secrets.ts';
import { Webhook } from '../notifications/webhook.entity.ts';
import type { HealthService } from './health.service.ts';
import type { LogService } from './logs.service.ts';
import type { StorageReport } from './storage.ts';
import { redact } from './redact.ts';

const LOG_LINES = 500;

/**
 * One JSON document a user can attach to a bug report: what runs, how it is configured, how it
 * feels and what it logged lately. Secrets are removed by key, by shape and by value.
 */
export class DiagnosticsService {
  readonly #config: AppConfig;
  readonly #settings: SettingsStore;
  readonly #health: HealthService;
  readonly #logs: LogService;
  readonly #storage: () => StorageReport;
  readonly #em: EntityManager;

  constructor(options: {
    config: AppConfig;
    settings: SettingsStore;
    health: HealthService;
    logs: LogService;
    storage: () => StorageReport;
    em: EntityManager;
  }) {
    this.#config = options.config;
    this.#settings = options.settings;
    this.#health = options.health;
    this.#logs = options.logs;
    this.#storage = options.storage;
    this.#em = options.em;
  }

  async bundle(): Promise<Record<string, unknown>> {
    const { runtime, paths, version } = this.#config;
    const document = {
      generated_at: new Date().toISOString(),
      version,
      environment: {
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        container: existsSync('/.dockerenv') || existsSync('/run/.containerenv'),
        uid: process.getuid?.() ?? null,
        gid: process.getgid?.() ?? null,
        umask: (process.umask() & 0o777).toString(8).padStart(3, '0'),
        tz: process.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
        uptime_seconds: Math.round(process.uptime()),
        memory_rss_bytes: process.memoryUsage().rss,
      },
      runtime,
      settings: this.#settings.current(),
      overridden_by_env: this.#settings.overriddenKeys(),
      paths,
      storage: this.#storage(),
      data_dir: await listFolder(paths.dataDir),
      health: await this.#health.check(),
      logs: await this.#logs.tail({ lines: LOG_LINES }),
    };
    return redact(document, await this.#knownSecrets());
  }

  /** Every secret value the process knows of, so it is cut even where no key name gives it away. */
  async #knownSecrets(): Promise<string[]> {
    const secrets: string[] = [];
    const key = await readFile(this.#config.paths.secretFile, 'utf8').catch(() => '');
    if (key.trim()) secrets.push(key.trim());
    const credential = await this.#em.findOne(Credential, { id: 1 }).catch(() => null);
    if (credential) secrets.push(credential.passwordHash, ...(credential.apiKeyHash ? [credential.apiKeyHash] : []));
    const hooks = await this.#em.find(Webhook, {}).catch(() => []);
    for (const hook of hooks) {
      // Discord/ntfy/gotify URLs carry their token in the path or query; headers carry keys.
      secrets.push(...secretValues(hook));
    }
    if (this.#config.runtime.mongodb_url) secrets.push(this.#config.runtime.mongodb_url);
    if (this.#config.runtime.database_url) secrets.push(this.#config.runtime.database_url);
    if (this.#config.runtime.redis_url) secrets.push(this.#config.runtime.redis_url);
    return secrets.filter(Boolean);
  }
}
