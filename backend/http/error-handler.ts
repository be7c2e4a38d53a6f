import type { Middleware } from 'koa';
import { AppError } from '../errors.ts';
import { isApiPath } from './auth.ts';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_error',
  429: 'too_many_requests',
  500: 'internal_error',
  501: 'not_implemented',
  502: 'upstream_error',
  503: 'service_unavailable',
};

const FRIENDLY_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'Request body is not valid JSON',
  'entity.too.large': 'Request body is too large',
  'encoding.unsupported': 'Request body encoding is not supported',
};

/**
 * The one place errors become HTTP answers: `{error: {code, message, details?}}`.
 * Unknown errors are logged once with their stack and answered 500 without one.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && isApiPath(ctx.path)) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `No route for ${ctx.method} ${ctx.path}` } };
      }
    } catch (raw) {
      const error = raw as Error & { status?: number; statusCode?: number; expose?: boolean; type?: string; headers?: Record<string, string> };
      if (error instanceof AppError) {
        ctx.status = error.status;
        ctx.body = {
          error: {
            code: error.code,
            message: error.expose ? error.message : 'Internal server error',
            ...(error.details !== undefined && error.expose ? { details: error.details } : {}),
          },
        };
        if (error.headers) ctx.set(error.headers);
        if (error.status >= 500 && error.status !== 501) ctx.state.logger?.error({ err: error }, 'request failed');
        return;
      }
      const status = error.status ?? error.statusCode;
      if (typeof status === 'number' && ((status >= 400 && status < 500) || status === 501)) {
        // Errors raised by Koa, co-body and the router carry a status and mark their message safe.
        ctx.status = status;
        const friendly = error instanceof SyntaxError ? FRIENDLY_MESSAGES['entity.parse.failed'] : error.type ? FRIENDLY_MESSAGES[error.type] : undefined;
        const message = friendly ?? (error.expose || status === 501 ? error.message : 'Request failed');
        ctx.body = { error: { code: CODE_BY_STATUS[status] ?? 'bad_request', message } };
        if (error.headers) for (const [name, value] of Object.entries(error.headers)) if (/^(allow|retry-after)$/i.test(name)) ctx.set(name, value);
        return;
      }
      ctx.state.logger?.error({ err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal_error', message: 'Internal server error' } };
    }
  };
}
