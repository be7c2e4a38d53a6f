import type { Middleware } from 'koa';
import type { AuthService } from '../modules/auth/auth.service.ts';
import { UnauthorizedError } from '../errors.ts';
import type { AppState } from './state.ts';

/**
 * The only routes that answer without credentials (the panel's static files are served
 * outside /api and need none). Every other /api route is protected by default: a new route
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

export function isPublicRoute(method: string, path: string): boolean {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const verb = method === 'HEAD' ? 'GET' : method;
  return PUBLIC_ROUTES.some((route) => route.method === verb && route.path === normalized);
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

/** Everything under /api (and /metrics) needs a principal unless it is listed in PUBLIC_ROUTES. */
export function requireAuth(): Middleware<AppState> {
  return async (ctx, next) => {
    const protectedPath = ctx.path === '/api' || ctx.path.startsWith('/api/') || ctx.path === '/metrics';
    if (protectedPath && !ctx.state.principal && !isPublicRoute(ctx.method, ctx.path)) {
      throw new UnauthorizedError(ctx.get('Authorization') || ctx.get('X-Api-Key') ? 'Invalid or expired credentials' : 'Authentication required');
    }
    await next();
  };
}
