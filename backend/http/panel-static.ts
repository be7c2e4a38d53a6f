import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Middleware } from 'koa';
import { readFile } from 'node:fs/promises';
import { injectBaseHref } from './base-path.ts';

/** Vite puts content-hashed files here: their name changes with their content, so they never go stale. */
const HASHED_PREFIX = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=3600';
const NOT_STATIC = /^\/(api|ws|metrics)(\/|$)|^\/health$/;

/**
 * Serves the built panel (panel/dist): hashed assets cached for a year, index.html revalidated
 * on every load, and index.html for every other GET outside the API so history routing works
 * on reload and deep links. Paths with a file extension that do not exist stay 404 (a missing
 * script must not come back as HTML).
 */
export function panelStatic(options: { root: string; basePath?: string }): Middleware {
  const root = resolve(options.root);
  const index = join(root, 'index.html');

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || NOT_STATIC.test(ctx.path)) return next();
    let pathname: string;
    try {
      pathname = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    const file = resolve(root, `.${pathname}`);
    const inside = file === root || (!relative(root, file).startsWith('..') && !pathname.includes('\0') && file.startsWith(root + sep));
    const info = inside && pathname !== '/' ? await statFile(file) : undefined;

    if (info && pathname !== '/index.html') {
      ctx.set('Cache-Control', pathname.startsWith(HASHED_PREFIX) ? IMMUTABLE : SHORT);
      return send(ctx, file, info);
    }
    if (extname(pathname) !== '' && pathname !== '/index.html') return next();

    const indexInfo = await statFile(index);
    if (!indexInfo) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.set('Cache-Control', 'no-store');
      ctx.body =
        'The AniWorld panel has not been built yet. Run "npm run build:panel" (or "npm start", which builds it) and reload.\nThe API is available under /api.\n';
      return;
    }
    ctx.set('Cache-Control', 'no-cache');
    if (options.basePath) {
      // Behind ANIWORLD_BASE_PATH the panel resolves every URL against <base href>.
      ctx.type = '.html';
      ctx.body = injectBaseHref(await readFile(index, 'utf8'), options.basePath);
      return;
    }
    return send(ctx, index, indexInfo);
  };
}

async function statFile(file: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? info : undefined;
  } catch {
    return undefined;
  }
}

function send(ctx: Parameters<Middleware>[0], file: string, info: { size: number; mtimeMs: number }): void {
  ctx.type = extname(file) || 'application/octet-stream';
  ctx.lastModified = new Date(info.mtimeMs);
  ctx.etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = info.size;
  // HEAD: Koa sends the headers and no body; opening a stream nobody reads would leak a descriptor.
  if (ctx.method !== 'HEAD') ctx.body = createReadStream(file);
}
