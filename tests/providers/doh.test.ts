import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DohResolver, lookupWithSystem, NameResolution } from '../../backend/adapters/doh-resolver.ts';
import { HttpClient } from '../../backend/adapters/http-client.ts';
import { ProviderUnavailableError } from '../../backend/providers/errors.ts';
import { ProviderHealth } from '../../backend/providers/provider-health.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';

/** A DNS-over-HTTPS server (RFC 8484 POST) on 127.0.0.1 that knows one fake name. */
const FAKE_NAME = 'aniworld.test';
let dohServer: Server;
let dohUrl: string;
const queries: string[] = [];
let site: FixtureSite;

beforeAll(async () => {
  site = await startFixtureSite({ seriesCount: 1 });
  dohServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/dns-message') {
        res.writeHead(415).end();
        return;
      }
      const query = dnsPacket.decode(Buffer.concat(chunks));
      const question = query.questions![0]!;
      queries.push(`${question.type} ${question.name}`);
      const known = question.name === FAKE_NAME;
      const answers = known && question.type === 'A' ? [{ type: 'A' as const, name: FAKE_NAME, class: 'IN' as const, ttl: 120, data: '127.0.0.1' }] : [];
      const reply = dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
        questions: query.questions,
        answers,
      });
      res.writeHead(200, { 'content-type': 'application/dns-message' }).end(reply);
    });
  });
  await new Promise<void>((resolve) => dohServer.listen(0, '127.0.0.1', resolve));
  dohUrl = `http://127.0.0.1:${(dohServer.address() as AddressInfo).port}/dns-query`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => dohServer.close(() => resolve()));
  await site.close();
});

describe('DNS over HTTPS', () => {
  it('resolves a name through the DoH server, caches it for its TTL, and says when it does not exist', async () => {
    const resolver = new DohResolver({ url: dohUrl });
    queries.length = 0;
    expect(await resolver.resolve(FAKE_NAME)).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(queries.sort()).toEqual([`A ${FAKE_NAME}`, `AAAA ${FAKE_NAME}`]);
    await resolver.resolve(FAKE_NAME);
    expect(queries).toHaveLength(2);
    await expect(resolver.resolve('nothing.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('provider.dns = doh: the client reaches a name the system resolver does not know, and health says the DNS blocks it', async () => {
    expect(await lookupWithSystem(FAKE_NAME)).toHaveProperty('error');
    const url = `http://${FAKE_NAME}:${site.port}`;
    const health = new ProviderHealth();
    let hinted!: (hint: string | undefined) => void;
    const hint = new Promise<string | undefined>((resolve) => {
      hinted = resolve;
    });
    const names = new NameResolution({
      settings: () => ({ dns: 'doh', doh_url: dohUrl }),
      providerHost: () => FAKE_NAME,
      onHint: (text) => {
        health.setHint(text);
        hinted(text);
      },
    });
    const http = new HttpClient({
      limits: () => ({ requests_per_second: 100, timeout_ms: 5000 }),
      retries: 0,
      health,
      providerUrl: () => url,
      dispatcher: (target) => names.dispatcher(target),
    });
    const page = await http.request(`${url}/anime/stream/demo-academy`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Demo Academy');
    expect(await hint).toBe(`your DNS blocks ${FAKE_NAME}; DNS over HTTPS is on`);
    expect(health.current()).toMatchObject({ status: 'ok', hint: `your DNS blocks ${FAKE_NAME}; DNS over HTTPS is on` });
    await names.close();
  });

  it("provider.dns = system: the name fails with the resolver's error, and the hint says DoH would work", async () => {
    const url = `http://${FAKE_NAME}:${site.port}`;
    const hints: (string | undefined)[] = [];
    const names = new NameResolution({
      settings: () => ({ dns: 'system', doh_url: dohUrl }),
      providerHost: () => FAKE_NAME,
      onHint: (text) => hints.push(text),
    });
    const http = new HttpClient({
      limits: () => ({ requests_per_second: 100, timeout_ms: 5000 }),
      retries: 0,
      dispatcher: (target) => names.dispatcher(target),
    });
    const error = await http.request(`${url}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toMatch(/ENOTFOUND|EAI_AGAIN/);
    await names.diagnose((error as Error).message);
    expect(hints).toEqual([`your DNS does not resolve ${FAKE_NAME}, DNS over HTTPS does: set provider.dns to doh (ANIWORLD_DNS=doh)`]);
  });

  it('falls back to the system resolver when the DoH server does not answer', async () => {
    const name = hostname();
    const system = await lookupWithSystem(name);
    if ('error' in system) return void console.warn(`skipped: the system resolver does not know this machine's name ${name}`);
    const resolver = new DohResolver({ url: 'http://127.0.0.1:9/dns-query', timeoutMs: 2000 });
    const found = await new Promise<string[]>((resolve, reject) =>
      resolver.lookup(name, { all: true }, (error, addresses) =>
        error ? reject(error) : resolve((addresses as { address: string }[]).map((entry) => entry.address)),
      ),
    );
    expect(found.sort()).toEqual([...system.addresses].sort());
  });
});
