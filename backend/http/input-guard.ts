import type { Middleware } from 'koa';
import { BadRequestError, ValidationError } from '../errors.ts';

/** C0 controls but tab, line feed and carriage return, DEL and the C1 controls: never text a person typed. */
const BODY_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** In a path or a query nothing may break a line either. */
const URL_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** Keys that could reach an object's prototype if any code ever merged a body into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** No request of ours nests deeper than a few levels; a deeper one is an attack on a recursive reader. */
export const MAX_BODY_DEPTH = 32;

interface Finding {
  readonly path: string;
  readonly message: string;
}

function describe(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function controlIn(text: string, pattern: RegExp): string | undefined {
  const found = pattern.exec(text);
  return found ? describe(found[0]) : undefined;
}

/** Walks a parsed JSON body without recursion (a deep body cannot exhaust the stack here). */
export function inspectBody(body: unknown): Finding | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      const control = controlIn(value, BODY_CONTROL);
      if (control) return { path: path || '(root)', message: `contains the control character ${control}` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { path: path || '(root)', message: `is nested deeper than ${MAX_BODY_DEPTH} levels` };
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return { path: childPath, message: `uses the reserved key "${key}"` };
      const control = controlIn(key, URL_CONTROL);
      if (control) return { path: JSON.stringify(childPath), message: `is a key with the control character ${control}` };
      pending.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The door for every string that may reach SQL, the filesystem or a header: NUL and other
 * control characters in the path or the query are answered 422 with the place and the
 * character, before any handler runs (and before the body's content type is looked at, so a
 * route that streams its own body refuses them the same way). A path with a broken percent
 * escape is a 400.
 */
export function urlGuard(): Middleware {
  return async (ctx, next) => {
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      throw new BadRequestError('The request path has a malformed percent escape (a "%" not followed by two hex digits of valid UTF-8)');
    }
    const inPath = controlIn(path, URL_CONTROL);
    if (inPath)
      throw new ValidationError(`The request path contains the control character ${inPath}; remove it`, [
        { path: '(path)', message: `contains the control character ${inPath}` },
      ]);
    for (const [key, raw] of Object.entries(ctx.query)) {
      for (const value of [key, ...(Array.isArray(raw) ? raw : [raw ?? ''])]) {
        const control = controlIn(value, URL_CONTROL);
        if (control)
          throw new ValidationError(`Query parameter "${key.replace(URL_CONTROL, '?')}" contains the control character ${control}; remove it`, [
            { path: key.replace(URL_CONTROL, '?'), message: `contains the control character ${control}` },
          ]);
      }
    }
    await next();
  };
}

/** The same door for the parsed JSON body: control characters, prototype keys, depth. */
export function bodyGuard(): Middleware {
  return async (ctx, next) => {
    const finding = inspectBody(ctx.request.body);
    if (finding) throw new ValidationError(`Request body is not valid: ${finding.path} ${finding.message}`, [finding]);
    await next();
  };
}
