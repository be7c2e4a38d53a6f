import { randomInt } from 'node:crypto';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { Hoster, ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { fetchEmbedPage, hostMatches, inlineScripts, mediaHeaders } from './hoster-http.ts';

const DOMAINS = [/(^|\.)(dood|doodstream|dooood|ds2play|ds2video|d0000d|d000d|do0od|dood-hd)\.[a-z]+$/];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class DoodstreamHoster implements Hoster {
  readonly name = 'Doodstream';
  readonly #http: HttpClient;
  readonly #now: () => number;

  constructor(http: HttpClient, now: () => number = Date.now) {
    this.#http = http;
    this.#now = now;
  }

  canHandle(embedUrl: URL): boolean { return hostMatches(embedUrl, DOMAINS); }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const page = await fetchEmbedPage(this.#http, this.name, embedUrl, signal);
    const scripts = inlineScripts(page.body);
    const passPath = /['"]([^'"]*\/pass_md5\/[^'"]+)['"]/.exec(scripts)?.[1];
    const token = /[?&]token=([A-Za-z0-9]+)/.exec(scripts)?.[1];
    if (!passPath || !token) throw new ParseError(`Doodstream: the embed page ${page.url} has no ${passPath ? 'token' : 'pass_md5 path'}`);
    const pass = await this.#http.request(new URL(passPath, page.url).href, { headers: { referer: page.url }, signal });
    const base = pass.body.trim();
    if (pass.status !== 200 || !/^https?:\/\//.test(base)) throw new ParseError(`Doodstream: pass_md5 answered HTTP ${pass.status} without a media base URL`);
    let suffix = '';
    for (let index = 0; index < 10; index++) suffix += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
    return { url: `${base}${suffix}?token=${token}&expiry=${this.#now()}`, kind: 'mp4', headers: mediaHeaders(page.url, this.#http.userAgent) };
  }
}
