import { load } from 'cheerio/slim';
import { BROWSER_USER_AGENT, type HttpClient } from '../../adapters/http-client.ts';
import { ChallengeError, ParseError, ProviderNotFoundError } from '../errors.ts';
import type { Hoster, ResolvedMedia } from '../provider.ts';

/** What a media host expects besides the URL: the same browser identity (the client's User-Agent, bound to any pass) and the hoster as referrer. */
export function mediaHeaders(pageUrl: string, userAgent: string = BROWSER_USER_AGENT): Record<string, string> {
  const origin = new URL(pageUrl).origin;
  return { 'User-Agent': userAgent, Referer: `${origin}/`, Origin: origin };
}

/**
 * Fetches an embed page; 404 means the video is gone, other non-200 answers are unexpected.
 * A check page is reported as the hoster's ("VOE asked for a captcha"), the details after it.
 */
export async function fetchEmbedPage(
  http: HttpClient,
  hoster: string,
  url: string,
  signal?: AbortSignal,
  referer?: string,
): Promise<{ url: string; body: string }> {
  const response = await askHoster(hoster, () => http.request(url, { headers: referer ? { referer } : {}, signal }));
  if (response.status === 404 || response.status === 410)
    throw new ProviderNotFoundError(`${hoster} says the video is gone (HTTP ${response.status} for ${url})`);
  if (response.status !== 200) throw new ParseError(`${hoster} answered HTTP ${response.status} for its embed page ${url}`);
  return { url: response.url, body: response.body };
}

/** Runs a request to a hoster; an anti-bot answer becomes "<hoster> asked for a captcha: <what the client saw>". */
export async function askHoster<T>(hoster: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof ChallengeError && !error.message.startsWith(hoster)) {
      throw new ChallengeError(`${hoster} asked for a captcha (${error.message})`, { cause: error, details: error.details });
    }
    throw error;
  }
}

export function hostMatches(url: URL, patterns: readonly RegExp[]): boolean {
  return patterns.some((pattern) => pattern.test(url.hostname.toLowerCase()));
}

/** The inline scripts of an embed page: the media URLs hide in JavaScript, so only there do we look with patterns. */
export function inlineScripts(html: string): string {
  const $ = load(html);
  return $('script:not([src])')
    .toArray()
    .map((script) => $(script).text())
    .join('\n');
}

/** What every hoster that reads an embed page shares: its name, the client and the domains it answers for. */
export abstract class EmbedHoster implements Hoster {
  abstract readonly name: string;
  protected readonly http: HttpClient;
  readonly #domains: readonly RegExp[];

  constructor(http: HttpClient, domains: readonly RegExp[]) {
    this.http = http;
    this.#domains = domains;
  }

  canHandle(embedUrl: URL): boolean {
    return hostMatches(embedUrl, this.#domains);
  }

  abstract resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia>;
}
