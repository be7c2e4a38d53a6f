import type { Middleware } from 'koa';

export type RequestObserver = (method: string, route: string, status: number, seconds: number) => void;

/**
 * Times every request for http_request_duration_seconds. The route label is the router's pattern
 * (`/api/anime/:key`), so one series stands for all keys; requests no route matched (the panel's
 * files, 404s) share "unmatched". Placed outside the error handler so the status is the final one.
 */
export function requestMetrics(observe: RequestObserver, enabled: () => boolean): Middleware {
  return async (ctx, next) => {
    if (!enabled()) return next();
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      observe(ctx.method, matched === undefined ? 'unmatched' : String(matched), ctx.status, (performance.now() - started) / 1000);
    }
  };
}
