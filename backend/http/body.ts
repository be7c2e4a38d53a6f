import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { UnsupportedMediaTypeError } from '../errors.ts';

export const JSON_BODY_LIMIT = '1mb';

/**
 * JSON bodies only. A body with another content type gets 415 before any parsing happens;
 * a body over the limit gets 413 and malformed JSON gets 400 (raised by the parser, mapped by the error handler).
 */
export function jsonBody(): Middleware[] {
  const requireJson: Middleware = async (ctx, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(ctx.method) && hasBody(ctx.get('Content-Length'), ctx.get('Transfer-Encoding')) && !ctx.is('application/json', '+json')) {
      throw new UnsupportedMediaTypeError();
    }
    await next();
  };
  const parse = koaBody({ json: true, urlencoded: false, text: false, multipart: false, jsonLimit: JSON_BODY_LIMIT, jsonStrict: true }) as unknown as Middleware;
  return [requireJson, parse];
}

function hasBody(length: string, transferEncoding: string): boolean {
  return transferEncoding !== '' || (length !== '' && length !== '0');
}
