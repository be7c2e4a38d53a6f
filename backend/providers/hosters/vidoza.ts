import { load } from 'cheerio/slim';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { EmbedHoster, fetchEmbedPage, inlineScripts, mediaHeaders } from './hoster-http.ts';

/** videzz.net is Vidoza's newer domain; the pages are the same. */
const DOMAINS = [/(^|\.)vidoza\.(net|co|org|to)$/, /(^|\.)videzz\.net$/];

export class VidozaHoster extends EmbedHoster {
  readonly name = 'Vidoza';

  constructor(http: HttpClient) {
    super(http, DOMAINS);
  }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const page = await fetchEmbedPage(this.http, this.name, embedUrl, signal);
    const src = bestSource(inlineScripts(page.body)) ?? load(page.body)('video source[src]').attr('src');
    if (!src) throw new ParseError(`Vidoza's page ${page.url} has no sourcesCode src`);
    return { url: new URL(src, page.url).href, kind: 'mp4', headers: mediaHeaders(page.url, this.http.userAgent) };
  }
}

/** `sourcesCode: [{ src: "...", res: "720" }, ...]`: the highest `res` first. */
function bestSource(scripts: string): string | undefined {
  const list = /sourcesCode\s*:\s*\[([\s\S]*?)\]/.exec(scripts)?.[1];
  if (!list) return undefined;
  const sources = [...list.matchAll(/\{([^}]*)\}/g)]
    .map((entry) => ({
      src: /src\s*:\s*["']([^"']+)["']/.exec(entry[1])?.[1],
      res: Number(/res\s*:\s*["']?(\d+)/.exec(entry[1])?.[1] ?? 0),
    }))
    .filter((source): source is { src: string; res: number } => source.src !== undefined);
  return sources.sort((a, b) => b.res - a.res)[0]?.src;
}
