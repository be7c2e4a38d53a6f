import type { Middleware } from 'koa';
import type { AuthService } from '../modules/auth/auth.service.ts';
import { AppError, UnauthorizedError } from '../errors.ts';
import type { AppState } from './state.ts';

/**
 * The only routes that answer without credentials, besides the panel's static files (GET/HEAD
 * outside /api, /ws and /metrics). Every other request is protected by default: a new route
 * cannot be forgotten.
 */
export const PUBLIC_ROUTES: readonly { readonly method: string; readonly path: string }[] = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/api/health' },
  { method: 'POST', path: '/api/auth/setup' },
  { method: 'POST', path: '/api/auth/login' },
  { method: 'GET', path: '/api/auth/status' },
  // The API description holds no data and nothing the source code does not show.
  { method: 'GET', path: '/api/docs' },
];

/** The methods the app knows; anything else (TRACE, PROPFIND, ...) is answered 501. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Where nothing is served without a principal, whatever the method. */
const PROTECTED_AREA = /^\/(api|ws|metrics)(\/|$)/;

/**
 * The path as the most lenient reader could understand it: percent escapes decoded (more than
 * once, so `%252F` hides nothing), backslashes and repeated slashes folded, lower case, no
 * trailing slash. The router matches case-insensitively and ignores a trailing slash, so every
 * path it can route canonicalises to the route's own path; spellings it cannot route fall
 * under the same rule too.
 */
export function canonicalPath(path: string): string {
  let decoded = path;
  for (let round = 0; round < 4; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  const folded = `/${decoded}`.replace(/[\\/]+/g, '/').toLowerCase();
  return folded.length > 1 ? folded.replace(/\/+$/, '') : folded;
}

/** The router's own reading of a path: case and one trailing slash ignored, nothing decoded. */
function routerPath(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

/**
 * The one authentication rule: may this request go on without a principal? Public routes must
 * be spelled plainly (an encoded or doubled spelling of a public path gets no exemption: the
 * router would not match it, and a protected route it might match instead stays protected).
 */
export function isPublicRoute(method: string, path: string): boolean {
  const canonical = canonicalPath(path);
  const known = KNOWN_METHODS.has(method);
  if (!PROTECTED_AREA.test(canonical) && canonical !== '/health') {
    // The panel's static files; an unknown method passes on to be answered 501.
    return method === 'GET' || method === 'HEAD' || !known;
  }
  if (routerPath(path) !== canonical) return false;
  const verb = method === 'HEAD' ? 'GET' : method;
  return PUBLIC_ROUTES.some((route) => route.path === canonical && (route.method === verb || method === 'OPTIONS' || !known));
}

/** Reads `Authorization: Bearer <jwt>` or `X-Api-Key`; never rejects by itself. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export function authenticate(auth: AuthService): Middleware<AppState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx.get('Authorization'));
    const apiKey = ctx.get('X-Api-Key');
    // Prometheus and similar scrapers can only send `Authorization: Bearer`: accept the API key there too.
    if (token?.startsWith('aw_')) ctx.state.principal = await auth.authenticateApiKey(token);
    else if (token) ctx.state.principal = await auth.authenticateToken(token);
    else if (apiKey) ctx.state.principal = await auth.authenticateApiKey(apiKey);
    await next();
  };
}

/** Every request needs a principal unless `isPublicRoute` says otherwise. */
export function requireAuth(): Middleware<AppState> {
  return async (ctx, next) => {
    if (!ctx.state.principal && !isPublicRoute(ctx.method, ctx.path)) {
      throw new UnauthorizedError(ctx.get('Authorization') || ctx.get('X-Api-Key') ? 'Invalid or expired credentials' : 'Authentication required');
    }
    await next();
  };
}

/** TRACE, PROPFIND and other methods nothing here answers: 501 in the error shape, before any router sees them. */
export function knownMethodsOnly(): Middleware<AppState> {
  return async (ctx, next) => {
    if (!KNOWN_METHODS.has(ctx.method)) {
      throw new AppError(501, 'not_implemented', `The method ${ctx.method} is not supported`, {
        expose: true,
        headers: { Allow: [...KNOWN_METHODS].join(', ') },
      });
    }
    await next();
  };
}

/** True for paths whose answers are API answers (never cached, error shape). */
export function isApiPath(path: string): boolean {
  return PROTECTED_AREA.test(canonicalPath(path));
}
