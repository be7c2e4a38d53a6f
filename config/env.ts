/**
 * Environment variable names and where each lands in the configuration.
 * Environment wins over the config file, which wins over defaults.
 */
export type EnvKind = 'string' | 'integer' | 'number' | 'boolean' | 'list';

export interface EnvBinding {
  readonly name: string;
  readonly target: 'runtime' | 'settings';
  readonly path: readonly string[];
  readonly kind: EnvKind;
  readonly description: string;
}

export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: 'PORT', target: 'runtime', path: ['port'], kind: 'integer', description: 'HTTP port (default 8000)' },
  { name: 'HOST', target: 'runtime', path: ['host'], kind: 'string', description: 'Address to listen on (default 0.0.0.0)' },
  {
    name: 'ANIWORLD_DATA_DIR',
    target: 'runtime',
    path: ['data_dir'],
    kind: 'string',
    description: 'State: database, config, secrets, logs (default ./data, Docker /config)',
  },
  { name: 'ANIWORLD_BASE_PATH', target: 'runtime', path: ['base_path'], kind: 'string', description: 'URL prefix behind a reverse proxy, e.g. /aniworld' },
  { name: 'ANIWORLD_ROLE', target: 'runtime', path: ['role'], kind: 'string', description: 'all | api | worker (default all)' },
  {
    name: 'JOBS_STORE',
    target: 'runtime',
    path: ['jobs_store'],
    kind: 'string',
    description: 'sqlite | mongodb | mongodb-memory | postgres (default sqlite; postgres when ANIWORLD_DATABASE_URL is set)',
  },
  { name: 'MONGODB_URL', target: 'runtime', path: ['mongodb_url'], kind: 'string', description: 'MongoDB connection string for JOBS_STORE=mongodb' },
  {
    name: 'ANIWORLD_DATABASE_URL',
    target: 'runtime',
    path: ['database_url'],
    kind: 'string',
    description: 'postgresql:// URL for scale-out (default: embedded SQLite)',
  },
  {
    name: 'ANIWORLD_JOB_LOCK_SECONDS',
    target: 'runtime',
    path: ['job_lock_seconds'],
    kind: 'integer',
    description: "Seconds before a dead worker's jobs are taken over by another (default 300 for downloads)",
  },
  { name: 'REDIS_URL', target: 'runtime', path: ['redis_url'], kind: 'string', description: 'Redis for cross-process events (optional)' },
  {
    name: 'ANIWORLD_SQLITE_JOURNAL',
    target: 'runtime',
    path: ['sqlite_journal'],
    kind: 'string',
    description: 'wal | delete | truncate | persist (use delete on network shares)',
  },
  {
    name: 'ANIWORLD_TRUST_PROXY',
    target: 'runtime',
    path: ['trust_proxy'],
    kind: 'boolean',
    description: 'Trust X-Forwarded-For from a reverse proxy (default false)',
  },
  {
    name: 'ANIWORLD_MEDIA_DIR',
    target: 'settings',
    path: ['anime_directory'],
    kind: 'string',
    description: 'Anime library root (default ./media, Docker /media)',
  },
  {
    name: 'ANIWORLD_PROVIDER_URL',
    target: 'settings',
    path: ['provider', 'url'],
    kind: 'string',
    description: 'Provider base URL (default https://aniworld.to)',
  },
  {
    name: 'ANIWORLD_SOLVER',
    target: 'settings',
    path: ['provider', 'solver'],
    kind: 'string',
    description: 'Anti-bot checks: auto (FlareSolverr when set, else the embedded Chromium) | off',
  },
  {
    name: 'ANIWORLD_FLARESOLVERR_URL',
    target: 'settings',
    path: ['provider', 'flaresolverr_url'],
    kind: 'string',
    description: 'A FlareSolverr-compatible service for anti-bot checks, e.g. http://flaresolverr:8191 (default: the embedded browser)',
  },
  {
    name: 'ANIWORLD_BROWSER_IDLE_MINUTES',
    target: 'settings',
    path: ['provider', 'browser_idle_minutes'],
    kind: 'number',
    description: 'Close the embedded browser after this many idle minutes (default 5)',
  },
  {
    name: 'ANIWORLD_DNS',
    target: 'settings',
    path: ['provider', 'dns'],
    kind: 'string',
    description: 'system | doh: resolve provider and hoster names over DNS over HTTPS (default system)',
  },
  {
    name: 'ANIWORLD_DOH_URL',
    target: 'settings',
    path: ['provider', 'doh_url'],
    kind: 'string',
    description: 'DNS-over-HTTPS resolver (default https://cloudflare-dns.com/dns-query)',
  },
  {
    name: 'ANIWORLD_CHROMIUM',
    target: 'runtime',
    path: ['chromium_path'],
    kind: 'string',
    description: 'Chromium for anti-bot checks (default /usr/bin/chromium or another usual path)',
  },
  { name: 'LOG_LEVEL', target: 'settings', path: ['logging', 'level'], kind: 'string', description: 'fatal | error | warn | info | debug | trace | silent' },
  { name: 'ANIWORLD_WATCH', target: 'settings', path: ['library', 'watch'], kind: 'boolean', description: 'Watch the media folder for changes (default true)' },
  {
    name: 'ANIWORLD_WATCH_POLLING',
    target: 'settings',
    path: ['library', 'watch_polling'],
    kind: 'boolean',
    description: 'Poll instead of inotify (network shares)',
  },
  {
    name: 'ANIWORLD_RESCAN_INTERVAL_HOURS',
    target: 'settings',
    path: ['library', 'rescan_interval_hours'],
    kind: 'number',
    description: 'Scheduled full rescan, hours (0 = off, default 6)',
  },
  {
    name: 'ANIWORLD_DOWNLOAD_CONCURRENCY',
    target: 'settings',
    path: ['downloads', 'concurrency'],
    kind: 'integer',
    description: 'Parallel downloads (default 2)',
  },
  {
    name: 'ANIWORLD_SPEED_LIMIT',
    target: 'settings',
    path: ['downloads', 'speed_limit_bytes_per_second'],
    kind: 'integer',
    description: 'Global download limit in bytes/s (0 = none)',
  },
  { name: 'ANIWORLD_LANGUAGES', target: 'settings', path: ['downloads', 'languages'], kind: 'list', description: 'Language preference, comma separated' },
  {
    name: 'ANIWORLD_UPGRADE_LANGUAGE',
    target: 'settings',
    path: ['downloads', 'upgrade_language'],
    kind: 'boolean',
    description: 'Replace files in a lower language once the first language is offered',
  },
  { name: 'ANIWORLD_METRICS', target: 'settings', path: ['metrics', 'enabled'], kind: 'boolean', description: 'Expose Prometheus /metrics (API key required)' },
  {
    name: 'ANIWORLD_BACKUPS_KEEP',
    target: 'settings',
    path: ['backups', 'database_keep'],
    kind: 'integer',
    description: 'Database backups kept, newest first (default 5)',
  },
];

export interface EnvProblem {
  readonly name: string;
  readonly message: string;
}

/** Converts the raw strings; a value that cannot be converted is reported, not guessed. */
export function readEnv(env: NodeJS.ProcessEnv): {
  runtime: Record<string, unknown>;
  settings: Record<string, unknown>;
  problems: EnvProblem[];
  used: EnvBinding[];
} {
  const runtime: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  const problems: EnvProblem[] = [];
  const used: EnvBinding[] = [];
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.name];
    if (raw === undefined || raw === '') continue;
    const value = convert(raw, binding.kind);
    if (value === undefined) {
      problems.push({ name: binding.name, message: `expected ${expectation(binding.kind)}, got ${JSON.stringify(raw)}` });
      continue;
    }
    setPath(binding.target === 'runtime' ? runtime : settings, binding.path, value);
    used.push(binding);
  }
  return { runtime, settings, problems, used };
}

function convert(raw: string, kind: EnvKind): unknown {
  const text = raw.trim();
  switch (kind) {
    case 'string':
      return text;
    case 'integer':
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      return undefined;
    case 'list':
      return text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
  }
}

function expectation(kind: EnvKind): string {
  switch (kind) {
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'list':
      return 'a comma-separated list';
    default:
      return 'text';
  }
}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}
