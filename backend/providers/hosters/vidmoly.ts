import type { HttpClient } from '../../adapters/http-client.ts';
import type { ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { EmbedHoster, fetchEmbedPage, inlineScripts } from './hoster-http.ts';

const DOMAINS = [/(^|\.)vidmoly\.(to|me|net|biz)$/];
/** Vidmoly's main origin: its pages and CDN check for this Referer, whichever mirror served the embed. */
const MAIN_ORIGIN = 'https://vidmoly.biz';

export class VidmolyHoster extends EmbedHoster {
  readonly name = 'Vidmoly';

  constructor(http: HttpClient) {
    super(http, DOMAINS);
  }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const page = await fetchEmbedPage(this.http, this.name, embedUrl, signal, `${MAIN_ORIGIN}/`);
    const scripts = inlineScripts(page.body);
    // jwplayer `sources: [{file: '...'}, ...]`: the master playlist carries every rendition.
    const files = [...scripts.matchAll(/file\s*:\s*["']([^"']+\.m3u8[^"']*)["']/g)].map((match) => match[1]);
    const file = files.find((candidate) => /master\.m3u8/.test(candidate)) ?? files[0];
    if (!file) throw new ParseError(`Vidmoly's page ${page.url} has no file: "...m3u8"`);
    return { url: new URL(file, page.url).href, kind: 'hls', headers: { 'User-Agent': this.http.userAgent, Referer: `${MAIN_ORIGIN}/`, Origin: MAIN_ORIGIN } };
  }
}
