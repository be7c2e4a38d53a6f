import { load } from 'cheerio/slim';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { Hoster, ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { fetchEmbedPage, hostMatches, inlineScripts, mediaHeaders } from './hoster-http.ts';
import { decodeVoePayload } from './voe-decoder.ts';

const DOMAINS = [/(^|\.)voe\.sx$/, /(^|\.)voe-network\.net$/, /(^|\.)voeunblock\d*\.com$/];
const SCRIPT_REDIRECT = /window\.location\.href\s*=\s*['"]([^'"]+)['"]/;
const MAX_SCRIPT_REDIRECTS = 3;

export class VoeHoster implements Hoster {
  readonly name = 'VOE';
  readonly #http: HttpClient;

  constructor(http: HttpClient) { this.#http = http; }

  canHandle(embedUrl: URL): boolean { return hostMatches(embedUrl, DOMAINS); }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    let page = await fetchEmbedPage(this.#http, this.name, embedUrl, signal);
    // VOE first sends a tiny page that moves the browser to one of its rotating mirror domains.
    for (let hop = 0; hop < MAX_SCRIPT_REDIRECTS; hop++) {
      const target = SCRIPT_REDIRECT.exec(inlineScripts(page.body))?.[1];
      if (!target || hasPayload(page.body)) break;
      page = await fetchEmbedPage(this.#http, this.name, new URL(target, page.url).href, signal, page.url);
    }
    const media = mediaFromPage(page.body, page.url);
    if (!media) throw new ParseError(`VOE: the embed page ${page.url} has no media payload (application/json script, 'hls' field or .m3u8 URL)`);
    return { ...media, headers: mediaHeaders(page.url) };
  }
}

function hasPayload(html: string): boolean {
  return /<script[^>]+application\/json/i.test(html) || /\.m3u8/.test(html) || /['"]hls['"]\s*:/.test(html);
}

function mediaFromPage(html: string, pageUrl: string): Omit<ResolvedMedia, 'headers'> | undefined {
  const $ = load(html);
  for (const script of $('script[type="application/json"]').toArray()) {
    let payload: Record<string, unknown>;
    try {
      const list: unknown = JSON.parse($(script).text());
      const encoded = Array.isArray(list) ? list[0] : list;
      if (typeof encoded !== 'string') continue;
      payload = decodeVoePayload(encoded);
    } catch {
      continue;
    }
    // Prefer the MP4: one file downloads with Range resume, no playlist to walk.
    if (typeof payload.direct_access_url === 'string') return { url: new URL(payload.direct_access_url, pageUrl).href, kind: 'mp4' };
    if (typeof payload.source === 'string') return { url: new URL(payload.source, pageUrl).href, kind: 'hls' };
  }
  const scripts = $('script:not([src])').toArray().map((script) => $(script).text()).join('\n');
  const legacyHls = /['"]hls['"]\s*:\s*['"]([A-Za-z0-9+/=]+)['"]/.exec(scripts)?.[1];
  if (legacyHls) {
    const decoded = Buffer.from(legacyHls, 'base64').toString('utf8');
    if (/^https?:\/\//.test(decoded)) return { url: decoded, kind: 'hls' };
  }
  const bare = /https?:\/\/[^\s'"<>]+\.m3u8[^\s'"<>]*/.exec(scripts)?.[0];
  if (bare) return { url: bare, kind: 'hls' };
  return undefined;
}
