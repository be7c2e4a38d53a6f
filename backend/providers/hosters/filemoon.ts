import { createDecipheriv } from 'node:crypto';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { ResolvedMedia } from '../provider.ts';
import { ParseError } from '../errors.ts';
import { askHoster, EmbedHoster, fetchEmbedPage, inlineScripts, mediaHeaders } from './hoster-http.ts';
import { unpackJavaScript } from './packed-js.ts';

const DOMAINS = [/(^|\.)filemoon\.(sx|to|in|nl|wf|art|eu|link)$/, /(^|\.)moonembed\.[a-z]+$/];

interface Playback {
  algorithm?: string;
  iv?: string;
  payload?: string;
  iv2?: string;
  payload2?: string;
  key_parts?: string[];
}
interface PlaybackSource {
  url?: string;
  file?: string;
  mime_type?: string;
  height?: number | string;
  label?: string;
}

export class FilemoonHoster extends EmbedHoster {
  readonly name = 'Filemoon';

  constructor(http: HttpClient) {
    super(http, DOMAINS);
  }

  async resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const url = new URL(embedUrl);
    const code = url.pathname.split('/').filter(Boolean).pop();
    if (!code) throw new ParseError(`Filemoon: no video code in ${embedUrl}`);
    const api = await askHoster(this.name, () =>
      this.http.request(`${url.origin}/api/videos/${encodeURIComponent(code)}`, { headers: { referer: embedUrl, accept: 'application/json' }, signal }),
    );
    if (api.status === 200) {
      const source = decryptPlayback(api.body);
      if (source) return { url: new URL(source.url, embedUrl).href, kind: source.kind, headers: mediaHeaders(embedUrl, this.http.userAgent) };
    }
    // Pages from before the API hide the player setup in packed JavaScript.
    const page = await fetchEmbedPage(this.http, this.name, embedUrl, signal);
    const scripts = inlineScripts(page.body);
    const script = unpackJavaScript(scripts) ?? scripts;
    const file = /sources\s*:\s*\[\s*\{\s*file\s*:\s*["']([^"']+)["']/.exec(script)?.[1];
    if (!file)
      throw new ParseError(
        `Filemoon gave no source: its playback API answered HTTP ${api.status}${api.status === 200 ? ' without a readable payload' : ''} and the embed page ${page.url} has no packed player setup`,
      );
    return { url: new URL(file, page.url).href, kind: /\.m3u8/.test(file) ? 'hls' : 'mp4', headers: mediaHeaders(page.url, this.http.userAgent) };
  }
}

/**
 * The API's `playback`: AES-256-GCM, key = the base64url key parts joined, tag = the last 16
 * bytes. Newer answers carry the data as `payload2`/`iv2` (alone or beside `payload`/`iv`):
 * whichever pair decrypts is read. Of its sources, the highest `height` wins.
 */
export function decryptPlayback(body: string): { url: string; kind: 'mp4' | 'hls' } | undefined {
  let playback: Playback;
  try {
    playback = (JSON.parse(body) as { playback?: Playback }).playback ?? {};
  } catch {
    return undefined;
  }
  const pairs = [
    [playback.iv2, playback.payload2],
    [playback.iv, playback.payload],
  ].filter((pair): pair is [string, string] => typeof pair[0] === 'string' && typeof pair[1] === 'string');
  if (pairs.length === 0 || !Array.isArray(playback.key_parts) || !/aes-256-gcm/i.test(playback.algorithm ?? 'AES-256-GCM')) return undefined;
  const key = Buffer.concat(playback.key_parts.map((part) => Buffer.from(part, 'base64url')));
  let decrypted: string | undefined;
  let failure: Error | undefined;
  for (const [iv, payload] of pairs) {
    try {
      const data = Buffer.from(payload, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      decrypted = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
      break;
    } catch (error) {
      failure ??= error as Error;
    }
  }
  if (decrypted === undefined) throw new ParseError(`Filemoon's playback payload does not decrypt (${failure?.message ?? 'no payload'})`);
  let sources: PlaybackSource[];
  try {
    sources = (JSON.parse(decrypted) as { sources?: PlaybackSource[] }).sources ?? [];
  } catch {
    throw new ParseError("Filemoon's decrypted playback payload is not JSON");
  }
  const usable = sources.filter((candidate) => typeof (candidate.url ?? candidate.file) === 'string');
  const height = (source: PlaybackSource) => Number(source.height ?? /(\d{3,4})p/.exec(source.label ?? '')?.[1] ?? 0) || 0;
  const source = usable.sort((a, b) => height(b) - height(a))[0];
  if (!source) return undefined;
  const url = (source.url ?? source.file)!;
  return { url, kind: /mpegurl/i.test(source.mime_type ?? '') || /\.m3u8/.test(url) ? 'hls' : 'mp4' };
}
