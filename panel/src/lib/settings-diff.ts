/** Dotted paths ("downloads.concurrency") over the nested settings document. */
type Tree = Record<string, unknown>;

export function getPath(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);
}

export function setPath<T extends Tree>(tree: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const copy = { ...tree } as Tree;
  copy[head] = rest.length === 0 ? value : setPath((tree[head] ?? {}) as Tree, rest.join('.'), value);
  return copy as T;
}

/**
 * The changed leaves of `draft` as a nested patch for PUT /api/config, leaving out keys the
 * environment pins (the server would keep the environment's value anyway). Arrays are leaves.
 */
export function settingsPatch(original: Tree, draft: Tree, locked: readonly string[] = [], prefix = ''): Tree {
  const patch: Tree = {};
  for (const [key, value] of Object.entries(draft)) {
    const path = `${prefix}${key}`;
    if (locked.includes(path)) continue;
    const before = original[key];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const nested = settingsPatch((before ?? {}) as Tree, value as Tree, locked, `${path}.`);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (JSON.stringify(value) !== JSON.stringify(before)) {
      patch[key] = value;
    }
  }
  return patch;
}

/** The environment variable a locked settings key comes from (config/env.ts naming). */
export function envNameFor(path: string): string {
  const known: Record<string, string> = {
    anime_directory: 'ANIWORLD_MEDIA_DIR',
    'provider.url': 'ANIWORLD_PROVIDER_URL',
    'logging.level': 'LOG_LEVEL',
    'library.watch': 'ANIWORLD_WATCH',
    'library.watch_polling': 'ANIWORLD_WATCH_POLLING',
    'library.rescan_interval_hours': 'ANIWORLD_RESCAN_INTERVAL_HOURS',
    'downloads.concurrency': 'ANIWORLD_DOWNLOAD_CONCURRENCY',
    'downloads.speed_limit_bytes_per_second': 'ANIWORLD_SPEED_LIMIT',
    'downloads.languages': 'ANIWORLD_LANGUAGES',
    'metrics.enabled': 'ANIWORLD_METRICS',
  };
  return known[path] ?? `ANIWORLD_${path.replace(/\./g, '_').toUpperCase()}`;
}
