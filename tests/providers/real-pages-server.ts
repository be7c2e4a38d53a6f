import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Serves the saved pages of the live provider and its hosters (kept outside the repository, see
 * PROVIDER_PAGES) over HTTP on 127.0.0.1, as they are. Provider pages answer on the server's own
 * origin; hoster pages answer under `/_host/<hostname>/...`, and `repointedFetch` sends every
 * request for another host there, so the resolvers see the real host names (voe.sx, the rotating
 * VOE domain, vidmoly.to, ...) while nothing leaves the machine.
 */

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `../shared/provider-pages` beside the project, or ANIWORLD_PROVIDER_PAGES. */
export const PROVIDER_PAGES = process.env.ANIWORLD_PROVIDER_PAGES ?? resolve(PROJECT_ROOT, '../shared/provider-pages');
export const HAVE_PROVIDER_PAGES = existsSync(resolve(PROVIDER_PAGES, 'series_naruto.html'));

/** Where the episode page's redirect links lead (the saved redirects themselves are not in the folder). */
export const EMBEDS: Readonly<Record<string, string>> = {
  2626179: 'https://voe.sx/e/yda8qozrvf1c', // VOE, German Dub: voe_embed.html
  3520740: 'https://voe.sx/e/l2pwwfwxravg', // VOE, German Sub: embed_voe.html
  4059006: 'https://dood.li/e/3nwa509enjmh', // Doodstream
  4043803: 'https://dood.li/e/turnstile-only', // Doodstream, the page with its pass_md5 call removed
  2922355: 'https://filemoon.to/e/mzq1p0g7ds1b', // Filemoon
  3049671: 'https://vidmoly.to/embed-8irnzzsknabi.html', // Vidmoly
};

/** What our stand-in for Doodstream's pass_md5 endpoint answers (that answer is not saved). */
export const DOOD_MEDIA_BASE = 'https://cdn-dood.example/u5kj7tbr3v~';

export interface ServedRequest {
  readonly host: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

export interface RealPagesServer {
  readonly url: string;
  readonly requests: ServedRequest[];
  close(): Promise<void>;
}

export async function startRealPagesServer(): Promise<RealPagesServer> {
  const page = (name: string) => readFile(resolve(PROVIDER_PAGES, name), 'utf8');
  const requests: ServedRequest[] = [];

  async function answer(host: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const html = (body: string) => send(res, 200, 'text/html; charset=utf-8', body);
    if (host === '') {
      if (path === '/ajax/search' && req.method === 'POST') return send(res, 200, 'application/json', await page('search_naruto.json'));
      if (path === '/anime/stream/naruto') return html(await page('series_naruto.html'));
      // The series page is season 1's page: it renders season 1's table and navigation.
      if (path === '/anime/stream/naruto/staffel-1') return html(await page('series_naruto.html'));
      if (path === '/anime/stream/naruto/filme') return html(await page('films_naruto.html'));
      if (path === '/anime/stream/naruto/staffel-1/episode-1') return html(await page('episode_naruto_s1e1.html'));
      const redirect = /^\/redirect\/(\d+)$/.exec(path)?.[1];
      if (redirect && EMBEDS[redirect]) {
        res.writeHead(302, { location: EMBEDS[redirect] });
        return void res.end();
      }
      return send(res, 404, 'text/html', '<h1>not saved</h1>');
    }
    if (host === 'voe.sx' && path === '/e/yda8qozrvf1c') return html(await page('voe_embed.html'));
    if (host === 'voe.sx' && path === '/e/l2pwwfwxravg') return html(await page('embed_voe.html'));
    if (host === 'juliewomanwish.com' && /^\/e\/[a-z0-9]+$/.test(path)) return html(await page('voe_mirror.html'));
    if (host === 'vidmoly.to' && path === '/embed-8irnzzsknabi.html') return html(await page('embed_vidmoly.html'));
    if (host === 'dood.li' && path === '/e/3nwa509enjmh') return html(await page('embed_doodstream.html'));
    if (host === 'dood.li' && path === '/e/turnstile-only')
      return html((await page('embed_doodstream.html')).replace(/\$\.get\('\/pass_md5\/[^']+'/g, "$.get('/gone'"));
    if (host === 'dood.li' && path.startsWith('/pass_md5/'))
      return send(res, req.headers.referer ? 200 : 403, 'text/plain', req.headers.referer ? DOOD_MEDIA_BASE : 'forbidden');
    if (host === 'filemoon.to' && path === '/e/mzq1p0g7ds1b') return html(await page('embed_filemoon.html'));
    return send(res, 404, 'text/html', '<h1>not saved</h1>');
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://real-pages.invalid');
    const hosted = /^\/_host\/([^/]+)(\/.*)$/.exec(url.pathname);
    const host = hosted?.[1] ?? '';
    const path = hosted?.[2] ?? url.pathname;
    requests.push({ host, path, headers: req.headers });
    answer(host, path, req, res).catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** A fetch that sends requests for any other host to the server's `/_host/<host>` pages and reports the original URL back. */
export function repointedFetch(server: RealPagesServer): typeof fetch {
  const local = new URL(server.url);
  return async (input, init) => {
    const original = new URL(input instanceof Request ? input.url : String(input));
    if (original.host === local.host) return fetch(input, init);
    const response = await fetch(`${server.url}/_host/${original.hostname}${original.pathname}${original.search}`, init);
    Object.defineProperty(response, 'url', { value: original.href });
    return response;
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
