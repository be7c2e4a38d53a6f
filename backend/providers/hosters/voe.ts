import { load } from 'cheerio/slim';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { ResolvedMedia } from '../provider.ts';
import { ParseError, ProviderUnavailableError } from '../errors.ts';
import { EmbedHoster, fetchEmbedPage, inlineScripts, mediaHeaders } from './hoster-http.ts';
import { decodeVoePayload, decodeVoeVariable } from './voe-decoder.ts';

const DOMAINS = [/(^|\.)voe\.sx$/, /(^|\.)voe-network\.net$/, /(^|\.)voeunblock\d*\.com$/, /(^|\.)voe-un-?block\.(com|net)$/];
const SCRIPT_REDIRECT = /window\.location\.href\s*=\s*['"]([^'"]+)['"]/;
const MAX_SCRIPT_REDIRECTS = 3;
/** How often the embed page is asked again for another of VOE's rotating domains when the one it named is down. */
const MAX_DOMAIN_ROUNDS = 3;
/** `var a168c='...'` (and other hex-named variables) holding the encoded payload. */
const PAYLOAD_VARIABLE = /\b(?:var|let|const)\s+(?:a168c|[0-9a-f]{5,12})\s*=\s*'([A-Za-z0-9+/=@$^~%?*!#&]{40,})'/g;

type Media = Omit<ResolvedMedia, 'headers'>;

export class VoeHoster extends EmbedHoster {
  readonly name = 'VOE';

  constructor(http: HttpClient) {
    super(http, DOMAINS);
  }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const page = await this.#finalPage(embedUrl, signal);
    const found = mediaFromPage(page.body, page.url);
    if (found.media) return { ...found.media, headers: mediaHeaders(page.url, this.http.userAgent) };
    throw new ParseError(found.problem ?? `VOE's page ${page.url} has no video payload (no application/json script, a168c variable, 'hls' field or .m3u8 URL)`);
  }

  /**
   * VOE first sends a tiny page that moves the browser to one of its rotating mirror domains.
   * Those domains come and go: when the one named does not answer, the embed page is asked again
   * (it names another); a domain already seen down is replaced by the embed's own host.
   */
  async #finalPage(embedUrl: string, signal?: AbortSignal): Promise<{ url: string; body: string }> {
    const down = new Map<string, ProviderUnavailableError>();
    for (let round = 0; round < MAX_DOMAIN_ROUNDS; round++) {
      try {
        return await this.#followScriptRedirects(embedUrl, down, signal);
      } catch (error) {
        if (!(error instanceof MirrorDown)) throw error;
        down.set(error.origin, error.failure);
        if (error.last) break;
      }
    }
    const failures = [...down].map(([origin, failure]) => `${origin}: ${failure.message}`).join('; ');
    throw new ProviderUnavailableError(`VOE's mirror domains did not answer (${failures})`, {
      cause: [...down.values()].at(-1),
      details: { down: [...down.keys()] },
    });
  }

  async #followScriptRedirects(embedUrl: string, down: ReadonlyMap<string, unknown>, signal?: AbortSignal): Promise<{ url: string; body: string }> {
    let page = await fetchEmbedPage(this.http, this.name, embedUrl, signal);
    for (let hop = 0; hop < MAX_SCRIPT_REDIRECTS; hop++) {
      const named = SCRIPT_REDIRECT.exec(inlineScripts(page.body))?.[1];
      if (!named || hasPayload(page.body)) return page;
      let target = new URL(named, page.url);
      const fallback = down.has(target.origin);
      if (fallback) target = new URL(`${target.pathname}${target.search}`, embedUrl);
      try {
        page = await fetchEmbedPage(this.http, this.name, target.href, signal, page.url);
      } catch (error) {
        if (error instanceof ProviderUnavailableError) throw new MirrorDown(target.origin, error, fallback);
        throw error;
      }
    }
    return page;
  }
}

/** The mirror at `origin` did not answer; `last` when it was already the fallback (nothing left to try). */
class MirrorDown extends Error {
  readonly origin: string;
  readonly failure: ProviderUnavailableError;
  readonly last: boolean;
  constructor(origin: string, failure: ProviderUnavailableError, last: boolean) {
    super(failure.message);
    this.origin = origin;
    this.failure = failure;
    this.last = last;
  }
}

function hasPayload(html: string): boolean {
  return /<script[^>]+application\/json/i.test(html) || /\.m3u8/.test(html) || /['"]hls['"]\s*:/.test(html) || /\ba168c\s*=/.test(html);
}

/**
 * The best source of the page: the payload's `source` (the HLS master: every rendition, the
 * downloader takes the best) before its `direct_access_url` (on the real site the low rendition,
 * and only when `direct_access_allowed` is not false), then the older page variants.
 */
function mediaFromPage(html: string, pageUrl: string): { media?: Media; problem?: string } {
  const $ = load(html);
  const payloads: Record<string, unknown>[] = [];
  for (const script of $('script[type="application/json"]').toArray()) {
    try {
      const list: unknown = JSON.parse($(script).text());
      const encoded = Array.isArray(list) ? list[0] : list;
      if (typeof encoded === 'string') payloads.push(decodeVoePayload(encoded));
    } catch {
      // Another JSON script (player settings): not the payload.
    }
  }
  const scripts = $('script:not([src])')
    .toArray()
    .map((script) => $(script).text())
    .join('\n');
  for (const match of scripts.matchAll(PAYLOAD_VARIABLE)) {
    const payload = decodeVoeVariable(match[1]);
    if (payload) payloads.push(payload);
  }

  let refusedMp4 = false;
  for (const payload of payloads) {
    if (typeof payload.source === 'string' && payload.source !== '') {
      const url = new URL(payload.source, pageUrl).href;
      return { media: { url, kind: /\.mp4(?:[?#]|$)/i.test(new URL(url).pathname) ? 'mp4' : 'hls' } };
    }
  }
  for (const payload of payloads) {
    if (typeof payload.direct_access_url !== 'string' || payload.direct_access_url === '') continue;
    if (payload.direct_access_allowed === false) {
      refusedMp4 = true;
      continue;
    }
    return { media: { url: new URL(payload.direct_access_url, pageUrl).href, kind: 'mp4' } };
  }

  const legacyHls = /['"]hls['"]\s*:\s*['"]([A-Za-z0-9+/=]+)['"]/.exec(scripts)?.[1];
  if (legacyHls) {
    const decoded = Buffer.from(legacyHls, 'base64').toString('utf8');
    if (/^https?:\/\//.test(decoded)) return { media: { url: decoded, kind: 'hls' } };
  }
  const bare = /https?:\/\/[^\s'"<>]+\.m3u8[^\s'"<>]*/.exec(scripts)?.[0];
  if (bare) return { media: { url: bare, kind: 'hls' } };
  if (refusedMp4) return { problem: `VOE's payload on ${pageUrl} has no HLS source, and its MP4 is marked direct_access_allowed: false` };
  return {};
}
