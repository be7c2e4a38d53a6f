/**
 * The route table. Each page is its own chunk, loaded the first time its route is visited.
 * History routing: the server answers every non-API GET with index.html.
 */
import type { MessageKey } from './i18n/locale.ts';

export interface RouteDefinition {
  readonly pattern: string;
  readonly tag: string;
  /** A message key: the title in the panel's language. */
  readonly title: MessageKey;
  /** Reachable without a session (setup and login). */
  readonly public?: boolean;
  readonly load: () => Promise<unknown>;
}

export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

export const routes: readonly RouteDefinition[] = [
  { pattern: '/setup', tag: 'aw-setup-page', title: 'route.setup', public: true, load: () => import('./pages/auth/aw-setup-page.ts') },
  { pattern: '/login', tag: 'aw-login-page', title: 'route.login', public: true, load: () => import('./pages/auth/aw-login-page.ts') },
  { pattern: '/library', tag: 'aw-library-page', title: 'nav.library', load: () => import('./pages/library/aw-library-page.ts') },
  { pattern: '/library/add', tag: 'aw-add-series-page', title: 'route.addSeries', load: () => import('./pages/add/aw-add-series-page.ts') },
  { pattern: '/library/import', tag: 'aw-import-page', title: 'route.import', load: () => import('./pages/import/aw-import-page.ts') },
  { pattern: '/library/organize', tag: 'aw-organize-page', title: 'route.organize', load: () => import('./pages/organize/aw-organize-page.ts') },
  { pattern: '/series/:key', tag: 'aw-series-page', title: 'route.series', load: () => import('./pages/series/aw-series-page.ts') },
  { pattern: '/wanted', tag: 'aw-wanted-page', title: 'nav.wanted', load: () => import('./pages/wanted/aw-wanted-page.ts') },
  { pattern: '/queue', tag: 'aw-queue-page', title: 'nav.queue', load: () => import('./pages/queue/aw-queue-page.ts') },
  { pattern: '/activity', tag: 'aw-activity-page', title: 'nav.activity', load: () => import('./pages/activity/aw-activity-page.ts') },
  { pattern: '/settings', tag: 'aw-settings-page', title: 'nav.settings', load: () => import('./pages/settings/aw-settings-page.ts') },
  { pattern: '/notifications', tag: 'aw-notifications-page', title: 'nav.notifications', load: () => import('./pages/notifications/aw-notifications-page.ts') },
  {
    pattern: '/provider-check/:site',
    tag: 'aw-provider-check-page',
    title: 'route.providerCheck',
    load: () => import('./pages/system/aw-provider-check-page.ts'),
  },
  { pattern: '/system', tag: 'aw-system-page', title: 'nav.system', load: () => import('./pages/system/aw-system-page.ts') },
];

export const DEFAULT_PATH = '/library';

export function matchRoute(location: string, table: readonly RouteDefinition[] = routes): RouteMatch | undefined {
  const url = new URL(location, 'http://panel.invalid');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const parts = path.split('/').filter(Boolean);
  for (const route of table) {
    const patternParts = route.pattern.split('/').filter(Boolean);
    if (patternParts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = patternParts.every((part, index) => {
      if (part.startsWith(':')) {
        try {
          params[part.slice(1)] = decodeURIComponent(parts[index]);
        } catch {
          return false;
        }
        return true;
      }
      return part === parts[index];
    });
    if (matches) return { route, params, query: url.searchParams };
  }
  return undefined;
}

/**
 * Where to go given the session: setup until a password exists, login until there is a session,
 * and away from setup/login once logged in. Returns undefined when the path may stay.
 */
export function redirectFor(
  path: string,
  session: { configured: boolean; authenticated: boolean },
  table: readonly RouteDefinition[] = routes,
): string | undefined {
  const match = matchRoute(path, table);
  if (!session.configured) return match?.route.pattern === '/setup' ? undefined : '/setup';
  if (!session.authenticated) {
    if (match?.route.pattern === '/login') return undefined;
    const pathname = new URL(path, 'http://panel.invalid').pathname;
    const next = pathname !== '/' && !match?.route.public ? `?next=${encodeURIComponent(path)}` : '';
    return `/login${next}`;
  }
  if (!match || match.route.public) return DEFAULT_PATH;
  return undefined;
}

/** Only same-app paths are allowed as ?next= targets (no open redirects). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/api') || next.startsWith('/ws')) return DEFAULT_PATH;
  return next;
}

export function seriesPath(key: string): string {
  return `/series/${encodeURIComponent(key)}`;
}
