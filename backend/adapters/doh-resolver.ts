import { lookup as systemLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import type { Logger } from './logger.ts';

/**
 * DNS over HTTPS (RFC 8484, `application/dns-message`) for provider and hoster names: many ISPs
 * block the site's name in their resolvers. Answers are cached for their TTL; when the DoH
 * resolver fails, the system resolver answers instead (and the log says so once).
 */

export interface DohOptions {
  /** The resolver, e.g. https://cloudflare-dns.com/dns-query. */
  readonly url: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export type ResolvedAddress = { readonly address: string; readonly family: 4 | 6 };

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export class DohResolver {
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  readonly #cache = new Map<string, { addresses: ResolvedAddress[]; until: number }>();
  #warnedFallback = false;

  constructor(options: DohOptions) {
    this.url = options.url;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** A and AAAA records of `hostname` from the DoH resolver; throws when it has none or does not answer. */
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    const cached = this.#cache.get(name);
    if (cached && cached.until > this.#now()) return cached.addresses;
    const [v4, v6] = await Promise.allSettled([this.#query(name, 'A'), this.#query(name, 'AAAA')]);
    const answers = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (answers.length === 0) {
      const failure = [v4, v6].find((result) => result.status === 'rejected') as PromiseRejectedResult | undefined;
      throw failure?.reason ?? Object.assign(new Error(`DNS over HTTPS (${this.url}) knows no address for ${name}`), { code: 'ENOTFOUND' });
    }
    const ttl = Math.max(30, Math.min(...answers.map((answer) => answer.ttl)));
    const addresses = answers.map(({ address, family }) => ({ address, family }));
    this.#cache.set(name, { addresses, until: this.#now() + ttl * 1000 });
    return addresses;
  }

  /** A `lookup` for sockets (net.connect's signature): DoH first, the system resolver when DoH fails. */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    if (isIP(hostname) || hostname === 'localhost') return void systemLookup(hostname, options, callback as never);
    this.resolve(hostname).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? found.filter((entry) => entry.family === options.family) : found;
        const addresses = wanted.length ? wanted : found;
        if (options.all)
          callback(
            null,
            addresses.map(({ address, family }) => ({ address, family })),
          );
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => {
        if (!this.#warnedFallback) {
          this.#warnedFallback = true;
          this.#logger?.warn({ component: 'dns', host: hostname, err: error }, 'DNS over HTTPS did not answer; using the system resolver');
        }
        systemLookup(hostname, options, callback as never);
      },
    );
  };

  /** An undici dispatcher whose connections resolve names through this resolver. */
  dispatcher(): Dispatcher {
    // undici (a megabyte of code) is loaded once DNS over HTTPS is on, not at every start;
    // require, because callers need the dispatcher synchronously.
    const { Agent } = createRequire(import.meta.url)('undici') as typeof import('undici');
    return new Agent({ connect: { lookup: this.lookup as never } });
  }

  async #query(name: string, type: 'A' | 'AAAA'): Promise<{ address: string; family: 4 | 6; ttl: number }[]> {
    const query = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
    const response = await this.#fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/dns-message', accept: 'application/dns-message' },
      body: new Uint8Array(query),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (!response.ok) throw new Error(`DNS over HTTPS (${this.url}) answered HTTP ${response.status} for ${name}`);
    const answer = dnsPacket.decode(Buffer.from(await response.arrayBuffer()));
    // dns-packet decodes the response code; its types do not list it.
    const rcode = (answer as { rcode?: string }).rcode;
    if (rcode && rcode !== 'NOERROR')
      throw Object.assign(new Error(`DNS over HTTPS (${this.url}) answered ${rcode} for ${name}`), { code: rcode === 'NXDOMAIN' ? 'ENOTFOUND' : 'ESERVFAIL' });
    return (answer.answers ?? []).flatMap((record) =>
      record.type === type && typeof record.data === 'string'
        ? [{ address: record.data, family: type === 'A' ? (4 as const) : (6 as const), ttl: record.ttl ?? 300 }]
        : [],
    );
  }
}

/** What the system resolver says about a name: addresses, or the error code (ENOTFOUND when blocked by removal). */
export function lookupWithSystem(hostname: string): Promise<{ addresses: string[] } | { error: string }> {
  return new Promise((resolve) => {
    systemLookup(hostname, { all: true }, (error, addresses) => {
      if (error) resolve({ error: error.code ?? error.message });
      else resolve({ addresses: (addresses as LookupAddress[]).map((entry) => entry.address) });
    });
  });
}

export interface NameResolutionOptions {
  /** Read per request, so switching provider.dns applies at once. */
  readonly settings: () => { readonly dns: 'system' | 'doh'; readonly doh_url: string };
  /** The provider's host name: the one whose blocking is worth telling the user about. */
  readonly providerHost: () => string;
  /** Advice for the user (health hint); undefined clears it. */
  readonly onHint?: (hint: string | undefined) => void;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
}

/**
 * provider.dns for the provider HTTP client: `system` leaves names to the system resolver, `doh`
 * hands the client a dispatcher that resolves over DNS over HTTPS. Either way it finds out
 * whether the system resolver blocks the provider's name and says so (health hint).
 */
export class NameResolution {
  readonly #options: NameResolutionOptions;
  #resolver: DohResolver | undefined;
  #dispatcher: Dispatcher | undefined;
  readonly #checked = new Set<string>();

  constructor(options: NameResolutionOptions) {
    this.#options = options;
  }

  /** undefined: the default (system) connections. */
  dispatcher(url: string): Dispatcher | undefined {
    const { dns, doh_url: dohUrl } = this.#options.settings();
    if (dns !== 'doh') return undefined;
    const resolver = this.#doh(dohUrl);
    this.#dispatcher ??= resolver.dispatcher();
    const host = new URL(url).hostname;
    if (host === this.#options.providerHost() && !this.#checked.has(`doh|${host}`)) {
      this.#checked.add(`doh|${host}`);
      void this.#compare(host, resolver);
    }
    return this.#dispatcher;
  }

  /** After a failed provider request under `system`: would DNS over HTTPS know the name? */
  async diagnose(error: string): Promise<void> {
    const { dns, doh_url: dohUrl } = this.#options.settings();
    const host = this.#options.providerHost();
    if (dns !== 'system' || !/ENOTFOUND|EAI_AGAIN|ESERVFAIL/.test(error) || this.#checked.has(`system|${host}`) || isIP(host)) return;
    this.#checked.add(`system|${host}`);
    const viaDoh = await this.#doh(dohUrl)
      .resolve(host)
      .catch(() => undefined);
    if (viaDoh) this.#hint(`your DNS does not resolve ${host}, DNS over HTTPS does: set provider.dns to doh (ANIWORLD_DNS=doh)`);
  }

  async close(): Promise<void> {
    await this.#dispatcher?.close();
    this.#dispatcher = undefined;
  }

  #doh(url: string): DohResolver {
    if (this.#resolver?.url !== url) {
      void this.#dispatcher?.close();
      this.#dispatcher = undefined;
      this.#resolver = new DohResolver({ url, logger: this.#options.logger, fetch: this.#options.fetch });
    }
    return this.#resolver;
  }

  async #compare(host: string, resolver: DohResolver): Promise<void> {
    if (isIP(host)) return;
    const [system, doh] = await Promise.all([lookupWithSystem(host), resolver.resolve(host).catch(() => undefined)]);
    // Blocking resolvers answer "no such name", or an address of nowhere / their block page.
    const blocked = 'error' in system || system.addresses.every((address) => /^(0\.0\.0\.0|127\.|::1?$)/.test(address));
    if (blocked && doh) this.#hint(`your DNS blocks ${host}; DNS over HTTPS is on`);
  }

  #hint(hint: string): void {
    this.#options.logger?.warn({ component: 'dns' }, hint);
    this.#options.onHint?.(hint);
  }
}

/** How `hostname` resolves right now under provider.dns (for the "Test provider" steps). */
export async function describeResolution(
  hostname: string,
  settings: { readonly dns: 'system' | 'doh'; readonly doh_url: string },
): Promise<{ ok: boolean; message: string }> {
  if (isIP(hostname)) return { ok: true, message: `${hostname} is an address; nothing to look up` };
  if (settings.dns === 'doh') {
    try {
      const found = await new DohResolver({ url: settings.doh_url }).resolve(hostname);
      return { ok: true, message: `${hostname} is ${found.map((entry) => entry.address).join(', ')} (DNS over HTTPS, ${new URL(settings.doh_url).host})` };
    } catch (error) {
      const system = await lookupWithSystem(hostname);
      return 'error' in system
        ? { ok: false, message: `neither DNS over HTTPS (${(error as Error).message}) nor the system resolver (${system.error}) know ${hostname}` }
        : { ok: true, message: `DNS over HTTPS failed (${(error as Error).message}); the system resolver says ${system.addresses.join(', ')}` };
    }
  }
  const system = await lookupWithSystem(hostname);
  return 'error' in system
    ? { ok: false, message: `the system resolver does not know ${hostname} (${system.error}); if your ISP blocks it, set provider.dns to doh` }
    : { ok: true, message: `${hostname} is ${system.addresses.join(', ')} (system resolver)` };
}
