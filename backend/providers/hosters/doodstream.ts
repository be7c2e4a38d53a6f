import { randomInt } from 'node:crypto';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { ResolvedMedia } from '../provider.ts';
import { ChallengeError, ParseError } from '../errors.ts';
import { askHoster, EmbedHoster, fetchEmbedPage, inlineScripts, mediaHeaders } from './hoster-http.ts';

const DOMAINS = [/(^|\.)(dood|doodstream|dooood|ds2play|ds2video|d0000d|d000d|do0od|dood-hd)\.[a-z]+$/];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Doodstream's pages load Cloudflare Turnstile; where they still call pass_md5 without it, we can go on. */
const TURNSTILE = /challenges\.cloudflare\.com\/turnstile|turnstile\.render\s*\(/;

export class DoodstreamHoster extends EmbedHoster {
  readonly name = 'Doodstream';
  readonly #now: () => number;

  constructor(http: HttpClient, now: () => number = Date.now) {
    super(http, DOMAINS);
    this.#now = now;
  }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const page = await fetchEmbedPage(this.http, this.name, embedUrl, signal);
    const checked = TURNSTILE.test(page.body);
    const scripts = inlineScripts(page.body);
    const passPath = /['"]([^'"]*\/pass_md5\/[^'"]+)['"]/.exec(scripts)?.[1];
    const token = /[?&]token=([A-Za-z0-9]+)/.exec(scripts)?.[1];
    if (!passPath || !token) {
      const missing = passPath ? 'token' : 'pass_md5 path';
      if (checked) throw this.#turnstile(page.url, `the page has no ${missing} without it`);
      throw new ParseError(`Doodstream's page ${page.url} has no ${missing}`);
    }
    let pass;
    try {
      pass = await askHoster(this.name, () => this.http.request(new URL(passPath, page.url).href, { headers: { referer: page.url }, signal }));
    } catch (error) {
      if (checked && error instanceof ChallengeError) throw this.#turnstile(page.url, `pass_md5 was refused: ${error.message}`, error);
      throw error;
    }
    const base = pass.body.trim();
    if (pass.status !== 200 || !/^https?:\/\//.test(base)) {
      if (checked) throw this.#turnstile(page.url, `pass_md5 answered HTTP ${pass.status} without a media base URL`);
      throw new ParseError(`Doodstream's pass_md5 answered HTTP ${pass.status} without a media base URL`);
    }
    let suffix = '';
    for (let index = 0; index < 10; index++) suffix += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
    return { url: `${base}${suffix}?token=${token}&expiry=${this.#now()}`, kind: 'mp4', headers: mediaHeaders(page.url, this.http.userAgent) };
  }

  /** A check to pass (the browser solver's job), not a page we misread. */
  #turnstile(pageUrl: string, detail: string, cause?: unknown): ChallengeError {
    return new ChallengeError(`Doodstream asked for a Turnstile check (${detail}; ${pageUrl})`, {
      cause,
      details: { hoster: this.name, url: pageUrl, check: 'turnstile' },
    });
  }
}
