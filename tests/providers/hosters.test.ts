import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHosterRegistry, type HosterRegistry } from '../../backend/providers/hosters/registry.ts';
import { decodeVoePayload, decodeVoeVariable } from '../../backend/providers/hosters/voe-decoder.ts';
import { decryptPlayback } from '../../backend/providers/hosters/filemoon.ts';
import { unpackJavaScript } from '../../backend/providers/hosters/packed-js.ts';
import { ChallengeError, ParseError, ProviderUnavailableError, UnsupportedHosterError } from '../../backend/providers/errors.ts';
import type { HosterLink, ResolvedMedia } from '../../backend/providers/provider.ts';
import type { AniWorldProvider } from '../../backend/providers/aniworld/aniworld.provider.ts';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import { encodeVoePayload, encryptFilemoonPlayback, packJavaScript } from '../../scripts/fixture-site/hoster-payloads.ts';
import { ensureMedia, largeFileBytes, type GeneratedMedia } from '../../scripts/fixture-site/media.ts';
import { startProviderFixture } from './provider-fixture.ts';

let site: FixtureSite;
let provider: AniWorldProvider;
let hosters: HosterRegistry;
let media: GeneratedMedia;

beforeAll(async () => {
  const fixture = await startProviderFixture();
  ({ site, provider } = fixture);
  hosters = createHosterRegistry(fixture.http);
  media = await ensureMedia();
});
afterAll(() => site.close());

async function linkFor(key: string, hoster: string): Promise<HosterLink> {
  const episode = await provider.getEpisodeLinks(key, 1, 1);
  const link = episode.links.find((candidate) => candidate.hoster === hoster && candidate.language === 'German Dub');
  if (!link) throw new Error(`no ${hoster} link`);
  return link;
}

async function resolveThroughProvider(key: string, hoster: string): Promise<ResolvedMedia> {
  const link = await linkFor(key, hoster);
  return hosters.resolve(link.hoster, await provider.resolveRedirect(link));
}

async function fetchBytes(
  media: ResolvedMedia,
  url = media.url,
  headers: Record<string, string> = {},
): Promise<{ status: number; bytes: Buffer; text: string }> {
  const response = await fetch(url, { headers: { ...media.headers, ...headers } });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, bytes, text: bytes.toString('utf8') };
}

async function expectHlsServesSegments(resolved: ResolvedMedia): Promise<void> {
  expect(resolved.kind).toBe('hls');
  const master = await fetchBytes(resolved);
  expect(master.text).toMatch(/^#EXTM3U/);
  const variantPath = master.text.split('\n').find((line) => line.endsWith('.m3u8'))!;
  const variantUrl = new URL(variantPath, resolved.url).href;
  const variant = await fetchBytes(resolved, variantUrl);
  expect(variant.text).toContain('#EXTINF');
  const segment = variant.text.split('\n').find((line) => line.endsWith('.ts'))!;
  const bytes = await fetchBytes(resolved, new URL(segment, variantUrl).href);
  expect(bytes.bytes.equals(await readFile(join(media.dir, variantPath.replace('index.m3u8', ''), segment)))).toBe(true);
  expect(bytes.bytes[0]).toBe(0x47); // MPEG-TS sync byte
}

describe('hosters against the fixture site', () => {
  it('VOE: follows the script redirect, decodes the JSON payload and takes the HLS master, not the MP4 it does not allow', async () => {
    const resolved = await resolveThroughProvider('demo-academy', 'VOE');
    expect(site.stats.count('/voe/e/')).toBe(1);
    expect(site.stats.count('/voe-mirror/e/')).toBe(1);
    expect(resolved.url).toMatch(/\/media\/hls\/\d+\/master\.m3u8$/);
    expect(resolved.headers).toMatchObject({ 'User-Agent': expect.stringContaining('Mozilla/5.0'), Referer: `${site.url}/`, Origin: site.url });
    await expectHlsServesSegments(resolved);
  });

  it('VOE: the var a168c payload; the MP4 only where it is allowed and nothing better is there', async () => {
    const link = await linkFor('demo-academy', 'VOE');
    const voe = hosters.byName('VOE')!;
    const a168c = await voe.resolve(`${site.url}/voe/e/a168c-${link.linkId}`);
    expect(a168c.url).toMatch(/\/media\/hls\/\d+\/master\.m3u8$/);
    await expectHlsServesSegments(a168c);
    const mp4 = await voe.resolve(`${site.url}/voe/e/mp4-${link.linkId}`);
    expect(mp4).toMatchObject({ kind: 'mp4', url: expect.stringMatching(/\/media\/mp4\/\d+\/video\.mp4$/) });
    expect((await fetchBytes(mp4)).bytes.equals(media.mp4)).toBe(true);
    const refused = await voe.resolve(`${site.url}/voe/e/refused-${link.linkId}`).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(ParseError);
    expect((refused as Error).message).toMatch(/^VOE's payload .* has no HLS source, and its MP4 is marked direct_access_allowed: false/);
  });

  it('VOE: when the rotating domain it names is down, asks again and then reads the same path on its own host', async () => {
    const link = await linkFor('demo-academy', 'VOE');
    site.stats.reset();
    const resolved = await hosters.byName('VOE')!.resolve(`${site.url}/voe/e/rotating-${link.linkId}`);
    expect(resolved.url).toMatch(/\/media\/hls\/\d+\/master\.m3u8$/);
    expect(site.stats.count('/voe/e/rotating-')).toBe(2);
    expect(site.stats.count('/voe-mirror/e/rotating-')).toBe(1);

    // When our own host fails as well, there is nothing left: the error names every domain tried.
    site.failNext('/voe-mirror/e/rotating-', { status: 502, times: 10 });
    const error = await hosters
      .byName('VOE')!
      .resolve(`${site.url}/voe/e/rotating-${link.linkId}`)
      .catch((caught: unknown) => caught);
    site.clearFaults();
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(`^VOE's mirror domains did not answer \\(http://127\\.0\\.0\\.1:\\d+: .*ECONNREFUSED.*; ${site.url.replace(/[.]/g, '\\.')}: .*HTTP 502\\)$`),
    );
  });

  it('VOE: reads the older base64 hls field and a bare .m3u8 URL', async () => {
    const link = await linkFor('demo-academy', 'VOE');
    const voe = hosters.byName('VOE')!;
    await expectHlsServesSegments(await voe.resolve(`${site.url}/voe/e/hls-${link.linkId}`));
    await expectHlsServesSegments(await voe.resolve(`${site.url}/voe/e/bare-${link.linkId}`));
  });

  it('Vidoza: sourcesCode src gives an MP4 that supports Range', async () => {
    const resolved = await resolveThroughProvider('demo-academy', 'Vidoza');
    expect(resolved.kind).toBe('mp4');
    const before = site.stats.count('/media/mp4/');
    const partial = await fetchBytes(resolved, resolved.url, { Range: 'bytes=100-199' });
    expect(partial.status).toBe(206);
    expect(partial.bytes.equals(media.mp4.subarray(100, 200))).toBe(true);
    const request = site.stats.requests.filter((entry) => entry.path.startsWith('/media/mp4/')).at(-1)!;
    expect(site.stats.count('/media/mp4/')).toBe(before + 1);
    expect(request.headers.range).toBe('bytes=100-199');
    expect(request.headers.referer).toBe(`${site.url}/`);
  });

  it('Vidmoly: file: m3u8 gives a working HLS ladder with the Referer of its main origin vidmoly.biz', async () => {
    const resolved = await resolveThroughProvider('demo-academy', 'Vidmoly');
    expect(resolved.headers).toMatchObject({ Referer: 'https://vidmoly.biz/', Origin: 'https://vidmoly.biz' });
    expect(site.stats.requests.filter((entry) => entry.path.startsWith('/vidmoly/')).at(-1)!.headers.referer).toBe('https://vidmoly.biz/');
    await expectHlsServesSegments(resolved);
  });

  it('Doodstream: pass_md5 base + 10 random characters + token and expiry', async () => {
    const resolved = await resolveThroughProvider('demo-academy', 'Doodstream');
    expect(resolved.kind).toBe('mp4');
    expect(resolved.url).toMatch(/\/media\/dood\/\d+\/cdn-[A-Za-z0-9]{10}\?token=[a-f0-9]+&expiry=\d+$/);
    const passRequest = site.stats.requests.find((entry) => entry.path.includes('/pass_md5/'))!;
    expect(passRequest.headers.referer).toContain('/dood/e/');
    const body = await fetchBytes(resolved);
    expect(body.bytes.equals(media.mp4)).toBe(true);
    const forged = await fetchBytes(resolved, resolved.url.replace(/token=[a-f0-9]+/, 'token=forged'));
    expect(forged.status).toBe(403);
  });

  it('Doodstream: a page with only its Turnstile check is a check (ChallengeError), not a page we misread', async () => {
    const link = await linkFor('demo-academy', 'Doodstream');
    const error = await hosters
      .byName('Doodstream')!
      .resolve(`${site.url}/dood/e/turnstile-${link.linkId}`)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChallengeError);
    expect((error as Error).message).toMatch(/^Doodstream asked for a Turnstile check \(the page has no pass_md5 path without it/);
  });

  it('Filemoon: decrypts the AES-256-GCM payload2/iv2 playback answer and takes the highest source', async () => {
    const resolved = await resolveThroughProvider('demo-academy', 'Filemoon');
    expect(site.stats.count('/api/videos/')).toBeGreaterThan(0);
    expect(resolved.url).toMatch(/\/media\/hls\/\d+\/master\.m3u8$/);
    await expectHlsServesSegments(resolved);
    const link = await linkFor('demo-academy', 'Filemoon');
    const first = await hosters.byName('Filemoon')!.resolve(`${site.url}/filemoon/e/v1-${link.linkId}`);
    expect(first.url).toMatch(/\/media\/hls\/\d+\/master\.m3u8$/);
  });

  it('Filemoon: falls back to packed JavaScript when the API has no answer', async () => {
    const link = await linkFor('demo-academy', 'Filemoon');
    const resolved = await hosters.byName('Filemoon')!.resolve(`${site.url}/filemoon/e/packed-${link.linkId}`);
    await expectHlsServesSegments(resolved);
  });

  it('a broken embed page is a ParseError naming the hoster, and the other hoster of that episode works', async () => {
    const error = await resolveThroughProvider('broken-hoster', 'VOE').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(/^VOE's page .* has no video payload/);
    expect((await resolveThroughProvider('broken-hoster', 'Vidmoly')).kind).toBe('hls');
  });

  it('the challenge series needs Vidoza: its VOE redirect is a captcha', async () => {
    await expect(resolveThroughProvider('challenge-on-voe', 'VOE')).rejects.toBeInstanceOf(ChallengeError);
    site.failNext('/voe/e/', { status: 200, body: '<html><body><div class="captcha">Bitte bestätigen</div></body></html>' });
    const link = await linkFor('demo-academy', 'VOE');
    const asked = await hosters.resolve('VOE', site.embedUrl(site.catalogue.links.get(Number(link.linkId))!)).catch((caught: unknown) => caught);
    expect(asked).toBeInstanceOf(ChallengeError);
    expect((asked as Error).message).toMatch(/^VOE asked for a captcha \(/);
    expect((await resolveThroughProvider('challenge-on-voe', 'Vidoza')).kind).toBe('mp4');
  });

  it('large-file mode serves N deterministic bytes with Range support', async () => {
    const large = await startProviderFixture({ largeFileBytes: 3 * 1024 * 1024 + 7 });
    try {
      const registry = createHosterRegistry(large.http);
      const episode = await large.provider.getEpisodeLinks('demo-academy', 1, 1);
      const link = episode.links.find((candidate) => candidate.hoster === 'Vidoza')!;
      const resolved = await registry.resolve(link.hoster, await large.provider.resolveRedirect(link));
      const whole = await fetchBytes(resolved);
      expect(whole.bytes.length).toBe(3 * 1024 * 1024 + 7);
      expect(whole.bytes.equals(largeFileBytes(0, 3 * 1024 * 1024 + 7))).toBe(true);
      const tail = await fetchBytes(resolved, resolved.url, { Range: 'bytes=3145000-' });
      expect(tail.status).toBe(206);
      expect(tail.bytes.equals(largeFileBytes(3145000, 3 * 1024 * 1024 + 7))).toBe(true);
    } finally {
      await large.site.close();
    }
  });

  it('slow mode still delivers the exact bytes, and a cut connection leaves a resumable prefix', async () => {
    site.controls.slowBytesPerSecond = 200_000;
    try {
      const resolved = await resolveThroughProvider('demo-academy', 'Vidoza');
      const controller = new AbortController();
      const response = await fetch(resolved.url, { headers: resolved.headers, signal: controller.signal });
      const reader = response.body!.getReader();
      const first = await reader.read();
      controller.abort();
      const received = Buffer.from(first.value!);
      expect(received.length).toBeLessThan(media.mp4.length);
      const rest = await fetchBytes(resolved, resolved.url, { Range: `bytes=${received.length}-` });
      expect(Buffer.concat([received, rest.bytes]).equals(media.mp4)).toBe(true);
    } finally {
      site.controls.slowBytesPerSecond = 0;
    }
  });
});

describe('fixture media', () => {
  it('is real video: ffprobe reads 3 s from the MP4 and through the HLS master playlist over HTTP', async () => {
    const probe = async (input: string) =>
      Number((await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', input])).stdout.trim());
    expect(await probe(join(media.dir, 'sample.mp4'))).toBeCloseTo(3, 0);
    const [link] = site.catalogue.linksFor('demo-academy', 1, 1);
    expect(await probe(`${site.url}/media/hls/${link.id}/master.m3u8`)).toBeCloseTo(3, 0);
  });
});

describe('hoster registry', () => {
  it('finds by the provider name first and by domain as fallback', () => {
    expect(hosters.find('VOE', 'http://127.0.0.1:1/anything')?.name).toBe('VOE');
    expect(hosters.find('doodstream', 'http://127.0.0.1:1/anything')?.name).toBe('Doodstream');
    expect(hosters.find(undefined, 'https://voe.sx/e/abc')?.name).toBe('VOE');
    expect(hosters.find('SpeedFiles', 'https://vidoza.net/embed-abc.html')?.name).toBe('Vidoza');
    expect(hosters.find(undefined, 'https://vidmoly.to/embed-abc.html')?.name).toBe('Vidmoly');
    expect(hosters.find(undefined, 'https://dood.li/e/abc')?.name).toBe('Doodstream');
    expect(hosters.find(undefined, 'https://filemoon.sx/e/abc')?.name).toBe('Filemoon');
    expect(hosters.find(undefined, 'https://videzz.net/embed-abc.html')?.name).toBe('Vidoza');
    expect(hosters.find('Streamtape', 'https://streamtape.com/e/abc')).toBeUndefined();
  });

  it('rejects a hoster nobody resolves with a typed error', async () => {
    await expect(hosters.resolve('Streamtape', 'https://streamtape.com/e/abc')).rejects.toBeInstanceOf(UnsupportedHosterError);
  });
});

describe('payload codecs round trip against the fixture encoders', () => {
  it('VOE', () => {
    const payload = { source: 'https://cdn.example/master.m3u8?t=1&x=ä', direct_access_url: 'https://cdn.example/v.mp4', title: 'Ünïcødé / "quotes"' };
    for (let run = 0; run < 5; run++) expect(decodeVoePayload(encodeVoePayload({ ...payload, run }))).toEqual({ ...payload, run });
  });

  it('VOE variable payloads: the full chain, or base64 of reversed JSON', () => {
    const payload = { source: 'https://cdn.example/master.m3u8' };
    expect(decodeVoeVariable(encodeVoePayload(payload))).toEqual(payload);
    expect(decodeVoeVariable(Buffer.from([...JSON.stringify(payload)].reverse().join('')).toString('base64'))).toEqual(payload);
    expect(decodeVoeVariable('bm90IGEgcGF5bG9hZA==')).toBeUndefined();
  });

  it('Filemoon: payload2/iv2 beside payload/iv; the highest height wins whatever the order', () => {
    const sources = [
      { url: 'https://cdn.example/x/480.m3u8', height: 480 },
      { url: 'https://cdn.example/x/1080.m3u8', height: 1080 },
      { url: 'https://cdn.example/x/720.m3u8', height: '720' },
    ];
    expect(decryptPlayback(JSON.stringify({ playback: encryptFilemoonPlayback({ sources }, 'payload2') }))).toEqual({
      url: 'https://cdn.example/x/1080.m3u8',
      kind: 'hls',
    });
    const both = { ...encryptFilemoonPlayback({ sources: [{ url: 'https://cdn.example/old.mp4' }] }) };
    const second = encryptFilemoonPlayback({ sources }, 'payload2');
    expect(decryptPlayback(JSON.stringify({ playback: { ...both, key_parts: second.key_parts, iv2: second.iv2, payload2: second.payload2 } }))).toEqual({
      url: 'https://cdn.example/x/1080.m3u8',
      kind: 'hls',
    });
  });

  it('Filemoon AES-256-GCM', () => {
    const body = JSON.stringify({
      playback: encryptFilemoonPlayback({ sources: [{ url: 'https://cdn.example/x/master.m3u8', mime_type: 'application/vnd.apple.mpegurl' }] }),
    });
    expect(decryptPlayback(body)).toEqual({ url: 'https://cdn.example/x/master.m3u8', kind: 'hls' });
    const tampered = JSON.parse(body);
    // Change the first character for sure: the random ciphertext may already start with the one we write.
    const first = tampered.playback.payload[0] === 'A' ? 'B' : 'A';
    tampered.playback.payload = `${first}${tampered.playback.payload.slice(1)}`;
    expect(() => decryptPlayback(JSON.stringify(tampered))).toThrow(ParseError);
  });

  it('packed JavaScript', () => {
    const source = 'jwplayer("vplayer").setup({sources:[{file:"https://cdn.example/hls/it\'s/master.m3u8"}],image:"/p.jpg"});';
    expect(unpackJavaScript(packJavaScript(source))).toBe(source);
  });
});
