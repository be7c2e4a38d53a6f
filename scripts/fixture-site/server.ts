import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCatalogue, type Catalogue, type FixtureLink, type LangKey } from './catalogue.ts';
import { renderCaptchaPage, renderEpisodePage, renderNotFoundPage, renderSeasonPage, renderSeriesPage } from './pages.ts';
import { currentSearchAnswer, legacySearchAnswer } from './search.ts';
import { embedUrlFor, handleHosterRequest } from './hosters.ts';
import { handleMediaRequest, type MediaOptions } from './media.ts';
import { send } from './respond.ts';
import { coverPng } from './cover.ts';
import { createGuard, type FixtureGuard, type GuardControls } from './guard.ts';

/**
 * A local stand-in for the provider and its hosters, over real HTTP on 127.0.0.1. Tests, the demo
 * and browser tests point settings.provider.url at it. See README.md for the catalogue.
 */

export interface FixtureSiteOptions {
  readonly port?: number;
  readonly host?: string;
  /** Generated series besides the hand-written edge cases (default 20). */
  readonly seriesCount?: number;
  /** Cap for media responses in bytes/s (interruption tests); 0 = unlimited. */
  readonly slowBytesPerSecond?: number;
  /** When set, every MP4 URL serves this many deterministic bytes instead of the sample video (benchmarks). */
  readonly largeFileBytes?: number;
  /** Where generated media is cached (default: a folder under the system temp dir). */
  readonly mediaCacheDir?: string;
  /** Guard mode (an anti-bot check in front of every provider page); off unless `mode` is set. See guard.ts. */
  readonly guard?: Partial<GuardControls>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  status: number;
  /** When the request arrived and when its answer ended or broke off (ms since the epoch). */
  readonly startedAt: number;
  endedAt: number | undefined;
}

export interface FixtureStats {
  readonly requests: RecordedRequest[];
  /** Requests whose path starts with `prefix` (and whose method matches, when given). */
  count(prefix: string, method?: string): number;
  reset(): void;
}

/** Knobs tests may turn while the site runs. */
export interface FixtureControls {
  /** `missing`: POST /ajax/search answers 404 so clients must fall back to the legacy endpoint. */
  currentSearch: 'ok' | 'missing';
  slowBytesPerSecond: number;
  largeFileBytes: number | undefined;
  /** While true, media answers under way send no bytes (and keep their connection open). */
  holdMedia: boolean;
}

export interface FixtureSite {
  readonly url: string;
  readonly port: number;
  readonly catalogue: Catalogue;
  readonly stats: FixtureStats;
  readonly controls: FixtureControls;
  /** The anti-bot check: `guard.controls.mode` turns it on and off while the site runs; `guard.stats` counts checks served. */
  readonly guard: FixtureGuard;
  /** The next `times` (default 1) requests whose path starts with `prefix` get this answer instead (retry, challenge and markup tests). */
  failNext(prefix: string, answer: { status: number; body?: string; type?: string; times?: number }): void;
  /** Drops whatever failNext set up and has not been used yet. */
  clearFaults(): void;
  /** Offers an episode in exactly these languages from now on (its pages and links change at once); see Catalogue.setLanguages. */
  setLanguages(key: string, season: number, episode: number, languages: readonly LangKey[]): void;
  /** Offers an episode in one more language from now on (a dub arriving after the sub). */
  addLanguage(key: string, season: number, episode: number, language: LangKey): void;
  /** The embed URL the provider's /redirect/<id> points to. */
  embedUrl(link: FixtureLink): string;
  close(): Promise<void>;
}

interface Fault {
  prefix: string;
  status: number;
  remaining: number;
  body: string;
  type: string;
}

export async function startFixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const catalogue = buildCatalogue(options.seriesCount ?? 20);
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const controls: FixtureControls = {
    currentSearch: 'ok',
    slowBytesPerSecond: options.slowBytesPerSecond ?? 0,
    largeFileBytes: options.largeFileBytes,
    holdMedia: false,
  };
  const guard = createGuard(options.guard);
  let siteUrl = '';
  /** A VOE mirror domain that is down (see hosters.ts, `rotating-`). */
  let deadOrigin = '';
  const media: MediaOptions = { cacheDir: options.mediaCacheDir, controls, siteUrl: () => siteUrl };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture.invalid');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      headers: req.headers,
      status: 0,
      startedAt: Date.now(),
      endedAt: undefined,
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    res.on('close', () => {
      record.endedAt = Date.now();
    });
    route(req, res, url).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `fixture error: ${(error as Error).message}`);
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const fault = faults.find((candidate) => url.pathname.startsWith(candidate.prefix) && candidate.remaining > 0);
    if (fault) {
      fault.remaining--;
      return send(res, fault.status, fault.type, fault.body);
    }
    if (await guard.handle(req, res, url)) return;
    const path = url.pathname;
    if (path === '/ajax/search' && req.method === 'POST') {
      const body = new URLSearchParams(await readBody(req));
      if (controls.currentSearch === 'missing') return send(res, 404, 'text/html', '<h1>404</h1>');
      if (req.headers['x-requested-with'] !== 'XMLHttpRequest') return send(res, 400, 'text/plain', 'X-Requested-With missing');
      return send(res, 200, 'application/json', currentSearchAnswer(catalogue, body.get('keyword') ?? ''));
    }
    if (path === '/ajax/seriesSearch' && req.method === 'GET') {
      return send(res, 200, 'application/json', legacySearchAnswer(catalogue, url.searchParams.get('keyword') ?? ''));
    }
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (redirect) {
      const link = catalogue.links.get(Number(redirect[1]));
      if (!link) return send(res, 404, 'text/html', '<h1>Link nicht gefunden</h1>');
      if (link.behaviour === 'challenge') return send(res, 200, 'text/html; charset=utf-8', renderCaptchaPage());
      res.writeHead(302, { location: embedUrlFor(siteUrl, link) });
      return void res.end();
    }
    const page = /^\/anime\/stream\/([^/]+)(?:\/(?:staffel-(\d+)|(filme))(?:\/(episode|film)-(\d+))?)?\/?$/.exec(path);
    if (page && req.method === 'GET') {
      const series = catalogue.get(page[1]);
      const season = page[3] ? 0 : page[2] !== undefined ? Number(page[2]) : undefined;
      const episode = page[5] !== undefined ? Number(page[5]) : undefined;
      // Films live under /filme/film-N, episodes under /staffel-N/episode-M (a key may itself contain "film-").
      if (series && (episode === undefined || (season === 0) === (page[4] === 'film'))) {
        const html =
          season === undefined
            ? renderSeriesPage(series)
            : episode === undefined
              ? renderSeasonPage(series, season)
              : renderEpisodePage(catalogue, series, season, episode);
        if (html !== undefined) return send(res, 200, 'text/html; charset=utf-8', html);
      }
      // Like the real site: HTTP 200 with a red message box, not a 404.
      return send(res, 200, 'text/html; charset=utf-8', renderNotFoundPage());
    }
    if (path.startsWith('/public/img/cover/')) return send(res, 200, 'image/png', coverPng(path));
    if (path.startsWith('/public/img/')) return send(res, 200, 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="16"/>');
    if (path === '/') return send(res, 200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><body><h1>AniWorld fixture</h1></body></html>');
    if (await handleHosterRequest(req, res, url, { catalogue, siteUrl, deadOrigin })) return;
    if (await handleMediaRequest(req, res, url, media, catalogue)) return;
    send(res, 404, 'text/plain', 'not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  siteUrl = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  deadOrigin = await closedOrigin(options.host ?? '127.0.0.1');

  return {
    url: siteUrl,
    port: address.port,
    catalogue,
    controls,
    guard: { controls: guard.controls, stats: guard.stats, expirePasses: guard.expirePasses },
    stats: {
      requests,
      count: (prefix, method) => requests.filter((request) => request.path.startsWith(prefix) && (!method || request.method === method)).length,
      reset: () => {
        requests.length = 0;
      },
    },
    failNext(prefix, { status, body = `<html><body>HTTP ${status}</body></html>`, type = 'text/html; charset=utf-8', times = 1 }) {
      faults.push({ prefix, status, remaining: times, body, type });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    setLanguages: (key, season, episode, languages) => catalogue.setLanguages(key, season, episode, languages),
    addLanguage(key, season, episode, language) {
      const current = catalogue
        .get(key)
        ?.seasons.get(season)
        ?.find((entry) => entry.number === episode);
      if (!current) throw new Error(`the fixture has no episode ${key} S${season}E${episode}`);
      if (!current.languages.includes(language)) catalogue.setLanguages(key, season, episode, [...current.languages, language]);
    },
    embedUrl: (link) => embedUrlFor(siteUrl, link),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An origin nothing listens on: a port that was free a moment ago (connections are refused). */
async function closedOrigin(host: string): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { address, port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
