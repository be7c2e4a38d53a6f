import { load } from 'cheerio/slim';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { Hoster, ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { fetchEmbedPage, hostMatches, inlineScripts, mediaHeaders } from './hoster-http.ts';

const DOMAINS = [/(^|\.)vidoza\.(net|co|org|to)$/];

export class VidozaHoster implements Hoster {
  readonly name = 'Vidoza';
  readonly #http: HttpClient;

  constructor(http: HttpClient) { this.#http = http; }

  canHandle(embedUrl: URL): boolean { return hostMatches(embedUrl, DOMAINS); }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const page = await fetchEmbedPage(this.#http, this.name, embedUrl, signal);
    const src = /sourcesCode\s*:\s*\[\s*\{[^}]*?src\s*:\s*["']([^"']+)["']/.exec(inlineScripts(page.body))?.[1]
      ?? load(page.body)('video source[src]').attr('src');
    if (!src) throw new ParseError(`Vidoza: the embed page ${page.url} has no sourcesCode src`);
    return { url: new URL(src, page.url).href, kind: 'mp4', headers: mediaHeaders(page.url) };
  }
}
