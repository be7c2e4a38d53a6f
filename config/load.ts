import { readFileSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import type { z } from 'zod';
import { runtimeSchema, settingsSchema, type AppConfig, type Settings } from './schema.ts';
import { readEnv, type EnvBinding } from './env.ts';

/** Start-up stops with this: one line per bad key, saying what is expected. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Environment values that override whatever the config file or the API says. */
  readonly envSettings: Record<string, unknown>;
  readonly envBindings: readonly EnvBinding[];
}

export const CONFIG_FILE_NAME = 'config.json';

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

export function loadConfig(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const fromEnv = readEnv(env);
  const problems = fromEnv.problems.map((problem) => `${problem.name}: ${problem.message}`);

  const runtimeResult = runtimeSchema.safeParse(fromEnv.runtime);
  if (!runtimeResult.success) problems.push(...describeIssues(runtimeResult.error, (path) => envNameFor(fromEnv.used, 'runtime', path)));
  // Keep going on a bad runtime value so that one start reports every problem at once.
  const runtime = runtimeResult.success
    ? runtimeResult.data
    : runtimeSchema.parse({ data_dir: typeof fromEnv.runtime.data_dir === 'string' ? fromEnv.runtime.data_dir : undefined });

  const dataDir = resolve(cwd, runtime.data_dir);
  const configFile = join(dataDir, CONFIG_FILE_NAME);
  let fileSettings: Record<string, unknown> = {};
  try {
    fileSettings = readSettingsFile(configFile);
  } catch (error) {
    problems.push(`${configFile}: ${(error as Error).message}`);
  }

  const settingsResult = settingsSchema.safeParse(mergeSettings(fileSettings, fromEnv.settings));
  if (!settingsResult.success) {
    problems.push(...describeIssues(settingsResult.error, (path) => envNameFor(fromEnv.used, 'settings', path) ?? `${CONFIG_FILE_NAME} ${path.join('.')}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const settings = settingsResult.data!;

  const config: AppConfig = deepFreeze({
    runtime,
    settings,
    paths: {
      dataDir,
      mediaDir: resolve(cwd, settings.anime_directory),
      configFile,
      databaseFile: join(dataDir, 'aniworld.db'),
      jobsDatabaseFile: join(dataDir, 'jobs.db'),
      secretFile: join(dataDir, 'secret.key'),
      backupDir: join(dataDir, 'backups'),
      logDir: join(dataDir, 'logs'),
    },
    version: packageVersion(),
  });
  return { config, envSettings: fromEnv.settings, envBindings: fromEnv.used };
}

/** Reads the JSON settings file; a missing file is an empty one. */
export function readSettingsFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    // A file where the data folder should be: start-up names that problem next (prepareDataFolder).
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    if (code === 'EACCES' || code === 'EPERM') {
      const user = `${process.getuid?.() ?? '?'}:${process.getgid?.() ?? '?'}`;
      throw new Error(
        `cannot be read by uid:gid ${user}, the user AniWorld runs as. Fix: sudo chown -R ${user} ${dirname(path)} (in Docker: set PUID/PGID to the folder's owner)`,
      );
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
  return parsed as Record<string, unknown>;
}

/** Environment overrides win key by key, nested objects are merged. */
export function mergeSettings(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(current) ? mergeSettings(current, value) : value;
  }
  return merged;
}

export function validateSettings(candidate: unknown): { ok: true; settings: Settings } | { ok: false; problems: { path: string; message: string }[] } {
  const result = settingsSchema.safeParse(candidate);
  if (result.success) return { ok: true, settings: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })) };
}

export function describeIssues(error: z.ZodError, label: (path: PropertyKey[]) => string | undefined): string[] {
  return error.issues.map((issue) => {
    const name = label(issue.path) ?? (issue.path.join('.') || '(root)');
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return `${name}: ${issue.message}${keys}`;
  });
}

function envNameFor(used: readonly EnvBinding[], target: 'runtime' | 'settings', path: PropertyKey[]): string | undefined {
  const dotted = path.map(String).join('.');
  return (
    used.find((binding) => binding.target === target && binding.path.join('.') === dotted)?.name ?? (target === 'runtime' ? dotted.toUpperCase() : undefined)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
