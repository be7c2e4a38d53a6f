import { z } from 'zod';
import { unknownTokens } from '../backend/library/naming.ts';

/**
 * The settings a user can change (config file, environment, `PUT /api/config`).
 * Keys are snake_case because they travel on the wire unchanged.
 * Every key has a default so that a fresh install needs no configuration at all.
 */
export const LANGUAGES = ['German Dub', 'German Sub', 'English Sub', 'English Dub'] as const;
/** Hoster names the site uses today; the first five have a resolver (SUPPORTED_HOSTERS). */
export const HOSTERS = ['VOE', 'Vidoza', 'Vidmoly', 'Doodstream', 'Filemoon', 'SpeedFiles', 'LoadX', 'Luluvdo', 'Streamtape'] as const;
export const SUPPORTED_HOSTERS = ['VOE', 'Vidoza', 'Vidmoly', 'Doodstream', 'Filemoon'] as const;

/**
 * The user's hoster order. Names the site starts using are kept as written (the panel shows them
 * as not supported yet) so that an update never drops a user's choice; known names get their
 * canonical spelling and a name listed twice counts once, where it first appears.
 */
const hosterList = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'a hoster name is letters, digits, spaces, dots, dashes or underscores'),
  )
  .min(1)
  .overwrite((names) => {
    const canonical = names.map((name) => HOSTERS.find((known) => known.toLowerCase() === name.toLowerCase()) ?? name);
    return canonical.filter((name, index) => canonical.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index);
  });

/** Well-known DNS-over-HTTPS resolvers to pick from (provider.doh_url takes any other too). */
export const DOH_RESOLVERS = {
  cloudflare: 'https://cloudflare-dns.com/dns-query',
  google: 'https://dns.google/dns-query',
  quad9: 'https://dns.quad9.net/dns-query',
  mullvad: 'https://dns.mullvad.net/dns-query',
  adguard: 'https://dns.adguard-dns.com/dns-query',
} as const;

/** 0 picks a free port (tests). */
const port = z.coerce.number().int().min(0).max(65535);

export const settingsSchema = z.strictObject({
  anime_directory: z.string().min(1).default('./media'),
  provider: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }).default('https://aniworld.to'),
      requests_per_second: z.number().positive().max(50).default(2),
      timeout_ms: z.number().int().min(1000).max(120000).default(20000),
      cache_ttl_seconds: z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 3600)
        .default(3600),
      /** Anti-bot checks: `auto` = the FlareSolverr service when its URL is set, else the embedded Chromium when one is installed; `off` = a check fails at once. */
      solver: z.enum(['auto', 'off']).default('auto'),
      /** A FlareSolverr-compatible service (`http://flaresolverr:8191`); when set, the embedded browser is not used. */
      flaresolverr_url: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
      /** The embedded browser closes after this many idle minutes. */
      browser_idle_minutes: z
        .number()
        .min(0.01)
        .max(24 * 60)
        .default(5),
      /** How provider and hoster names are resolved: the system's resolver, or DNS over HTTPS (for ISPs that block the site's name). */
      dns: z.enum(['system', 'doh']).default('system'),
      /** The DNS-over-HTTPS resolver (RFC 8484); see DOH_RESOLVERS for well-known ones. */
      doh_url: z.url({ protocol: /^https?$/ }).default('https://cloudflare-dns.com/dns-query'),
    })
    .prefault({}),
  downloads: z
    .strictObject({
      concurrency: z.number().int().min(1).max(16).default(2),
      speed_limit_bytes_per_second: z.number().int().min(0).default(0),
      languages: z.array(z.enum(LANGUAGES)).min(1).default(['German Dub', 'German Sub', 'English Sub']),
      hosters: hosterList.default(['VOE', 'Vidoza', 'Vidmoly', 'Doodstream', 'Filemoon']),
      max_attempts: z.number().int().min(1).max(20).default(5),
      queue_missing_after_scan: z.boolean().default(false),
      /**
       * A file on disk in a lower language than the first of `languages` (or the series' own wanted
       * language) is downloaded again once a refresh finds that language offered, and replaced.
       */
      upgrade_language: z.boolean().default(true),
    })
    .prefault({}),
  naming: z
    .strictObject({
      // An unknown token would fail every download later ("Unknown token {Foo}"): refused when saved.
      episode_template: z
        .string()
        .min(1)
        .max(300)
        .refine((template) => unknownTokens(template).length === 0, { error: (issue) => `Unknown token: ${unknownTokens(String(issue.input)).join(', ')}` })
        .default('{Series Title} - S{season:00}E{episode:00} - {Episode Title}'),
      season_folder_template: z
        .string()
        .min(1)
        .max(100)
        .refine((template) => unknownTokens(template).length === 0, { error: (issue) => `Unknown token: ${unknownTokens(String(issue.input)).join(', ')}` })
        .default('Season {season:00}'),
      write_nfo: z.boolean().default(true),
      write_poster: z.boolean().default(true),
    })
    .prefault({}),
  library: z
    .strictObject({
      rescan_interval_hours: z
        .number()
        .min(0)
        .max(24 * 30)
        .default(6),
      refresh_interval_hours: z
        .number()
        .min(0)
        .max(24 * 30)
        .default(24),
      watch: z.boolean().default(true),
      watch_polling: z.boolean().default(false),
      /** Activity log entries older than this are deleted (daily prune-activity job). */
      activity_retention_days: z.number().int().min(1).max(3650).default(90),
    })
    .prefault({}),
  auth: z
    .strictObject({
      session_hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 7)
        .default(12),
      remember_days: z.number().int().min(1).max(365).default(30),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      enabled: z.boolean().default(false),
    })
    .prefault({}),
  backups: z
    .strictObject({
      /** Database backups kept (manual, uploaded, pre-migration, pre-restore share one rotation). */
      database_keep: z.number().int().min(1).max(100).default(5),
    })
    .prefault({}),
  onboarding: z
    .strictObject({
      /** The library page's first-run checklist was closed for this install. */
      checklist_dismissed: z.boolean().default(false),
      /** The default language order was confirmed from the checklist as the one wanted. */
      languages_confirmed: z.boolean().default(false),
    })
    .prefault({}),
});

/**
 * Settings that only come from the environment: they decide where the config file lives
 * or how the process is shaped, so they cannot be edited through the API.
 */
export const runtimeSchema = z.strictObject({
  port: port.default(8000),
  host: z.string().min(1).default('0.0.0.0'),
  data_dir: z.string().min(1).default('./data'),
  base_path: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'must be empty or look like /aniworld')
    .default(''),
  role: z.enum(['all', 'api', 'worker']).default('all'),
  /** With database_url set, 'sqlite' (the default) means: jobs on that PostgreSQL server too. */
  jobs_store: z.enum(['sqlite', 'mongodb', 'mongodb-memory', 'postgres']).default('sqlite'),
  mongodb_url: z.string().optional(),
  database_url: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  /** How long a job of a process that died stays locked before another worker takes it over. */
  job_lock_seconds: z.int().min(5).max(3600).optional(),
  redis_url: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  sqlite_journal: z.enum(['wal', 'delete', 'truncate', 'persist']).default('wal'),
  trust_proxy: z.boolean().default(false),
  /** The browser for anti-bot checks (default: the first of the usual Chromium paths that exists). */
  chromium_path: z.string().min(1).optional(),
});

export type Settings = z.infer<typeof settingsSchema>;
export type Runtime = z.infer<typeof runtimeSchema>;

/** The whole configuration a process runs with: frozen, passed by constructor. */
export interface AppConfig {
  readonly runtime: Readonly<Runtime>;
  readonly settings: Readonly<Settings>;
  /** Absolute paths resolved once at start. */
  readonly paths: {
    readonly dataDir: string;
    readonly mediaDir: string;
    readonly configFile: string;
    readonly databaseFile: string;
    readonly jobsDatabaseFile: string;
    readonly secretFile: string;
    readonly backupDir: string;
    readonly logDir: string;
  };
  readonly version: string;
}
