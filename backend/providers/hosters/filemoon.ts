import { createDecipheriv } from 'node:crypto';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { Hoster, ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { fetchEmbedPage, hostMatches, inlineScripts, mediaHeaders } from './hoster-http.ts';
import { unpackJavaScript } from './packed-js.ts';

const DOMAINS = [/(^|\.)filemoon\.(sx|to|in|nl|wf|art|eu|link)$/, /(^|\.)moonembed\.[a-z]+$/];

interface Playback { algorithm?: string; iv?: string; payload?: string; key_parts?: string[] }

export class FilemoonHoster implements Hoster {
  readonly name = 'Filemoon';
  readonly #http: HttpClient;

  constructor(http: HttpClient) { this.#http = http; }

  canHandle(embedUrl: URL): boolean { return hostMatches(embedUrl, DOMAINS); }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const url = new URL(embedUrl);
    const code = url.pathname.split('/').filter(Boolean).pop();
    if (!code) throw new ParseError(`Filemoon: no video code in ${embedUrl}`);
    const api = await this.#http.request(`${url.origin}/api/videos/${encodeURIComponent(code)}`, { headers: { referer: embedUrl, accept: 'application/json' }, signal });
    if (api.status === 200) {
      const source = decryptPlayback(api.body);
      if (source) return { url: new URL(source.url, embedUrl).href, kind: source.kind, headers: mediaHeaders(embedUrl, this.#http.userAgent) };
    }
    // Pages from before the API hide the player setup in packed JavaScript.
    const page = await fetchEmbedPage(this.#http, this.name, embedUrl, signal);
    const scripts = inlineScripts(page.body);
    const script = unpackJavaScript(scripts) ?? scripts;
    const file = /sources\s*:\s*\[\s*\{\s*file\s*:\s*["']([^"']+)["']/.exec(script)?.[1];
    if (!file) throw new ParseError(`Filemoon: neither the playback API (HTTP ${api.status}) nor the embed page ${page.url} gave a source`);
    return { url: new URL(file, page.url).href, kind: /\.m3u8/.test(file) ? 'hls' : 'mp4', headers: mediaHeaders(page.url, this.#http.userAgent) };
  }
}

/** The API's `playback`: AES-256-GCM, key = the base64url key parts joined, tag = last 16 bytes. */
export function decryptPlayback(body: string): { url: string; kind: 'mp4' | 'hls' } | undefined {
  let playback: Playback;
  try {
    playback = (JSON.parse(body) as { playback?: Playback }).playback ?? {};
  } catch {
    return undefined;
  }
  if (!playback.iv || !playback.payload || !Array.isArray(playback.key_parts) || !/aes-256-gcm/i.test(playback.algorithm ?? 'AES-256-GCM')) return undefined;
  let decrypted: string;
  try {
    const key = Buffer.concat(playback.key_parts.map((part) => Buffer.from(part, 'base64url')));
    const data = Buffer.from(playback.payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(playback.iv, 'base64url'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decrypted = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new ParseError(`Filemoon: the playback payload does not decrypt (${(error as Error).message})`);
  }
  const sources = (JSON.parse(decrypted) as { sources?: { url?: string; file?: string; mime_type?: string }[] }).sources ?? [];
  const source = sources.find((candidate) => typeof (candidate.url ?? candidate.file) === 'string');
  if (!source) return undefined;
  const url = (source.url ?? source.file)!;
  return { url, kind: /mpegurl/i.test(source.mime_type ?? '') || /\.m3u8/.test(url) ? 'hls' : 'mp4' };
}
