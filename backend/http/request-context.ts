import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { RequestContext } from '@mikro-orm/core';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../adapters/logger.ts';

/** Request id, a child logger and one access-log line per request (path without the query: it may hold a token). */
export function requestLogging(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.logger = logger.child({ request_id: requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const level = ctx.status >= 500 ? 'error' : ctx.path.endsWith('/health') ? 'debug' : 'info';
      ctx.state.logger[level]({ method: ctx.method, path: ctx.path, status: ctx.status, duration_ms: Math.round(performance.now() - started) }, 'request');
    }
  };
}

/** Every request works on its own EntityManager fork (MikroORM request context). */
export function ormContext(orm: Orm): Middleware {
  return (ctx, next) => RequestContext.create(orm.em, next);
}
