import type { Middleware } from 'koa';
import { UnsupportedMediaTypeError } from '../errors.ts';

export const JSON_BODY_LIMIT = '1mb';

declare module 'koa' {
  interface Request {
    /** The parsed JSON body of a POST, PUT or PATCH (undefined without one); read it through parseInput. */
    body?: unknown;
  }
}

const PARSED_METHODS = ['POST', 'PUT', 'PATCH'];
/** Routes that stream their own binary body (a database upload) instead of JSON. */
export const STREAMED_BODY_PATHS: ReadonlySet<string> = new Set(['/api/system/backups/upload']);

/**
 * JSON bodies only. A body with another content type gets 415 before any parsing happens;
 * a body over the limit gets 413 and malformed JSON gets 400 (raised by the parser, mapped by the error handler).
 * co-body directly (the JSON parser koa-body wraps): koa-body loads its multipart parser at start-up.
 * co-body itself is loaded by the first JSON body (a server that only serves the panel never needs it).
 */
export function jsonBody(): Middleware[] {
  let parser: Promise<(typeof import('co-body'))['json']> | undefined;
  const requireJson: Middleware = async (ctx, next) => {
    if (STREAMED_BODY_PATHS.has(ctx.path)) {
      if (ctx.method === 'POST' && !ctx.is('application/octet-stream', 'application/vnd.sqlite3', 'application/x-sqlite3'))
        throw new UnsupportedMediaTypeError('Send the database file itself as the body (Content-Type: application/octet-stream)');
      return next();
    }
    if (PARSED_METHODS.includes(ctx.method) && hasBody(ctx.get('Content-Length'), ctx.get('Transfer-Encoding')) && !ctx.is('application/json', '+json')) {
      throw new UnsupportedMediaTypeError();
    }
    await next();
  };
  const parse: Middleware = async (ctx, next) => {
    if (PARSED_METHODS.includes(ctx.method) && ctx.is('application/json', '+json')) {
      const json = await (parser ??= import('co-body').then((module) => module.json));
      ctx.request.body = await json(ctx.req, { limit: JSON_BODY_LIMIT, strict: true });
    }
    await next();
  };
  return [requireJson, parse];
}

function hasBody(length: string, transferEncoding: string): boolean {
  return transferEncoding !== '' || (length !== '' && length !== '0');
}
