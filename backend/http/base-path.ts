import type { IncomingMessage, Server } from 'node:http';

/**
 * ANIWORLD_BASE_PATH support for reverse proxies that forward `/aniworld/...` unchanged.
 * The prefix is cut from the request URL before Koa or the WebSocket hub see it, so every route,
 * the panel and `/ws/connect` work under it without knowing. Requests without the prefix pass
 * untouched: a proxy that strips the prefix itself and the container health check both work.
 */
export function stripBasePath(basePath: string, url: string): string {
  // Case-insensitive like the router: `/AniWorld/api/...` must reach the same rules as `/aniworld/api/...`.
  if (!basePath || url.slice(0, basePath.length).toLowerCase() !== basePath.toLowerCase()) return url;
  const rest = url.slice(basePath.length);
  if (rest === '' || rest.startsWith('?')) return `/${rest}`;
  return rest.startsWith('/') ? rest : url;
}

/** Runs before every other request and upgrade listener on the server. */
export function installBasePath(server: Server, basePath: string): void {
  if (!basePath) return;
  const rewrite = (request: IncomingMessage) => {
    if (request.url) request.url = stripBasePath(basePath, request.url);
  };
  server.prependListener('request', rewrite);
  server.prependListener('upgrade', rewrite);
}

/**
 * The panel builds every URL relative to `<base href>`: the static server puts the base path
 * there when it serves index.html, so one build works at `/` and under any prefix.
 */
export function injectBaseHref(html: string, basePath: string): string {
  const href = `${basePath}/`;
  const tag = `<base href="${href.replace(/"/g, '&quot;')}">`;
  if (/<base\s[^>]*href=/i.test(html)) return html.replace(/<base\s[^>]*href=("[^"]*"|'[^']*')[^>]*>/i, tag);
  return html.replace(/<head(\s[^>]*)?>/i, (head) => `${head}\n    ${tag}`);
}
