import Koa, { type Middleware } from 'koa';
import type Router from '@koa/router';
import type { Logger } from './adapters/logger.ts';
import type { Orm } from './db/orm.ts';
import type { AuthService } from './modules/auth/auth.service.ts';
import { errorHandler } from './http/error-handler.ts';
import { ormContext, requestLogging } from './http/request-context.ts';
import { securityHeaders } from './http/security-headers.ts';
import { jsonBody } from './http/body.ts';
import { bodyGuard, urlGuard } from './http/input-guard.ts';
import { authenticate, knownMethodsOnly, requireAuth } from './http/auth.ts';
import { createRouter, type AppState } from './http/state.ts';
import { requestMetrics, type RequestObserver } from './http/request-metrics.ts';

export interface AppDependencies {
  readonly logger: Logger;
  readonly orm: Orm;
  readonly auth: AuthService;
  readonly routers: readonly Router<AppState>[];
  readonly trustProxy: boolean;
  /** http_request_duration_seconds, while `enabled` says metrics are on; optional. */
  readonly requestMetrics?: { readonly observe: RequestObserver; readonly enabled: () => boolean };
  /** Served after the API routers (the panel's static files); optional. */
  readonly fallback?: Middleware;
}

/** Middleware order and router mounting, nothing else. */
export function createApp(deps: AppDependencies): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.trustProxy });
  app.silent = true;
  app.use(requestLogging(deps.logger));
  if (deps.requestMetrics) app.use(requestMetrics(deps.requestMetrics.observe, deps.requestMetrics.enabled));
  app.use(errorHandler());
  app.use(securityHeaders());
  app.use(ormContext(deps.orm));
  app.use(authenticate(deps.auth));
  app.use(requireAuth());
  app.use(knownMethodsOnly());
  app.use(urlGuard());
  for (const middleware of jsonBody()) app.use(middleware);
  app.use(bodyGuard());
  const root = mountRouters(deps.routers);
  app.use(root.routes());
  app.use(root.allowedMethods({ throw: true }));
  if (deps.fallback) app.use(deps.fallback);
  return app;
}

/** Every method + path the routers answer; used by the auth test to prove no route is left open. */
export function listRoutes(routers: readonly Router<AppState>[]): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method !== 'HEAD') routes.push({ method, path: String(layer.path) });
      }
    }
  }
  return routes;
}

/** One root router so that 405 and OPTIONS answers know every feature's methods. */
function mountRouters(routers: readonly Router<AppState>[]): Router<AppState> {
  const root = createRouter();
  for (const router of routers) root.use(router.routes());
  return root;
}
