import type { HttpClient } from '../../adapters/http-client.ts';
import type { Hoster, ResolvedMedia } from '../provider.ts';
import { UnsupportedHosterError } from '../errors.ts';
import { DoodstreamHoster } from './doodstream.ts';
import { FilemoonHoster } from './filemoon.ts';
import { VidmolyHoster } from './vidmoly.ts';
import { VidozaHoster } from './vidoza.ts';
import { VoeHoster } from './voe.ts';

/** Names the provider uses besides the canonical ones. */
const ALIASES: Readonly<Record<string, string>> = { dood: 'doodstream', 'dood stream': 'doodstream' };

/**
 * Finds the resolver for a hoster link: by the provider's name for the hoster first (it is what the
 * episode page says, and the only thing that works for embed pages served from other hosts), then
 * by the embed URL's domain.
 */
export class HosterRegistry {
  readonly all: readonly Hoster[];

  constructor(hosters: readonly Hoster[]) {
    this.all = hosters;
  }

  byName(name: string): Hoster | undefined {
    const wanted = name.trim().toLowerCase();
    const canonical = ALIASES[wanted] ?? wanted;
    return this.all.find((hoster) => hoster.name.toLowerCase() === canonical);
  }

  byUrl(embedUrl: string): Hoster | undefined {
    let url: URL;
    try {
      url = new URL(embedUrl);
    } catch {
      return undefined;
    }
    return this.all.find((hoster) => hoster.canHandle(url));
  }

  find(name: string | undefined, embedUrl: string): Hoster | undefined {
    return (name ? this.byName(name) : undefined) ?? this.byUrl(embedUrl);
  }

  resolve(name: string | undefined, embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia> {
    const hoster = this.find(name, embedUrl);
    if (!hoster) return Promise.reject(new UnsupportedHosterError(`no resolver for hoster ${name ? `"${name}" ` : ''}at ${embedUrl}`));
    return hoster.resolve(embedUrl, signal);
  }
}

/** The explicit hoster list: add a hoster by adding its file and one line here. */
export function createHosterRegistry(http: HttpClient): HosterRegistry {
  return new HosterRegistry([new VoeHoster(http), new VidozaHoster(http), new VidmolyHoster(http), new DoodstreamHoster(http), new FilemoonHoster(http)]);
}
