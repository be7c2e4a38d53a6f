import type { HttpClient } from '../../adapters/http-client.ts';
import type { Hoster, ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { fetchEmbedPage, hostMatches, inlineScripts, mediaHeaders } from './hoster-http.ts';

const DOMAINS = [/(^|\.)vidmoly\.(to|me|net|biz)$/];

export class VidmolyHoster implements Hoster {
  readonly name = 'Vidmoly';
  readonly #http: HttpClient;

  constructor(http: HttpClient) { this.#http = http; }

  canHandle(embedUrl: URL): boolean { return hostMatches(embedUrl, DOMAINS); }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const page = await fetchEmbedPage(this.#http, this.name, embedUrl, signal, `${new URL(embedUrl).origin}/`);
    const file = /file\s*:\s*["']([^"']+\.m3u8[^"']*)["']/.exec(inlineScripts(page.body))?.[1];
    if (!file) throw new ParseError(`Vidmoly: the embed page ${page.url} has no file: "...m3u8"`);
    // The CDN checks that the Referer is the Vidmoly origin.
    return { url: new URL(file, page.url).href, kind: 'hls', headers: mediaHeaders(page.url, this.#http.userAgent) };
  }
}
