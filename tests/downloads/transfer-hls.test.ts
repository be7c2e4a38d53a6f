import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaServer, type ServedFile } from './media-server.ts';
import { makeHls, probeDuration, probeStreams, type HlsMedia } from './hls-media.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { TransferEngine } from '../../backend/downloads/transfer.ts';
import { TokenBucket } from '../../backend/downloads/token-bucket.ts';
import { findExecutable } from '../../backend/adapters/ffmpeg.ts';

let server: MediaServer;
let temp: { path: string; remove: () => Promise<void> };
let media: HlsMedia;
let ffmpeg: string;

beforeAll(async () => {
  temp = await makeTempDir();
  ffmpeg = (await findExecutable('ffmpeg'))!;
  media = await makeHls(temp.path, 6);
  server = await new MediaServer().start();
  server.files.set('/master.m3u8', {
    type: 'application/vnd.apple.mpegurl',
    body: Buffer.from(
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=80x60\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=160x120\nhigh/index.m3u8\n',
    ),
  });
  server.files.set('/high/index.m3u8', { type: 'application/vnd.apple.mpegurl', body: Buffer.from(media.playlist) });
  for (const segment of media.segments) server.files.set(`/high/${segment.name}`, { type: 'video/mp2t', body: segment.body, chunkDelayMs: 5 });
});
afterAll(async () => {
  await server?.stop();
  await temp?.remove();
});

const allSegments = () => Buffer.concat(media.segments.map((segment) => segment.body));
const engine = (withFfmpeg: boolean) =>
  new TransferEngine({ bucket: new TokenBucket({ bytesPerSecond: 0 }), ffmpeg: withFfmpeg ? ffmpeg : null, segmentConcurrency: 3, progressIntervalMs: 0 });

describe('HLS transfer', () => {
  it('picks the best variant, fetches every segment and remuxes to MP4 with ffmpeg', async () => {
    const folder = join(temp.path, 'out-remux');
    const result = await engine(true).transfer({
      media: { url: `${server.url}/master.m3u8`, kind: 'hls', headers: {} },
      targetFor: (ext) => join(folder, `Show - S01E01.${ext}`),
    });
    expect(result.path).toBe(join(folder, 'Show - S01E01.mp4'));
    expect(server.requests('/low/index.m3u8')).toHaveLength(0);
    expect(await probeDuration(result.path)).toBeCloseTo(6, 0);
    expect(await probeStreams(result.path)).toMatchObject({ format: expect.stringContaining('mp4'), codecs: expect.arrayContaining(['h264', 'aac']) });
    expect(await readdir(folder)).toEqual(['Show - S01E01.mp4']);
  });

  it('keeps the transport stream when there is no ffmpeg', async () => {
    const folder = join(temp.path, 'out-ts');
    const result = await engine(false).transfer({
      media: { url: `${server.url}/high/index.m3u8`, kind: 'hls', headers: {} },
      targetFor: (ext) => join(folder, `Show - S01E02.${ext}`),
    });
    expect(result.path).toBe(join(folder, 'Show - S01E02.ts'));
    expect((await readFile(result.path)).equals(allSegments())).toBe(true);
    expect(await readdir(folder)).toEqual(['Show - S01E02.ts']);
  });

  it('resumes at the next segment after an abort', async () => {
    const folder = join(temp.path, 'out-resume');
    const target = (ext: string) => join(folder, `Show - S01E03.${ext}`);
    const hls = { url: `${server.url}/high/index.m3u8`, kind: 'hls' as const, headers: {} };
    const controller = new AbortController();
    const first = await engine(false)
      .transfer({
        media: hls,
        targetFor: target,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.percent >= 40) controller.abort();
        },
      })
      .catch((error: unknown) => error);
    expect((first as Error).name).toBe('AbortError');
    expect(existsSync(`${target('ts')}.hls.part`)).toBe(true);
    const before = server.log.length;
    const result = await engine(false).transfer({ media: hls, targetFor: target });
    expect(result.resumedFrom).toBeGreaterThanOrEqual(2);
    const refetched = server.log.slice(before).map((entry) => entry.path);
    expect(refetched).not.toContain(`/high/${media.segments[0].name}`);
    expect((await readFile(result.path)).equals(allSegments())).toBe(true);
    expect(await readdir(folder)).toEqual(['Show - S01E03.ts']);
  });

  it('resumes with ffmpeg too: the kept segments are replayed into the remux, the result has the full duration', async () => {
    const folder = join(temp.path, 'out-resume-remux');
    const target = (ext: string) => join(folder, `Show - S01E04.${ext}`);
    const hls = { url: `${server.url}/master.m3u8`, kind: 'hls' as const, headers: {} };
    const controller = new AbortController();
    const first = await engine(true)
      .transfer({
        media: hls,
        targetFor: target,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.percent >= 50) controller.abort();
        },
      })
      .catch((error: unknown) => error);
    expect((first as Error).name).toBe('AbortError');
    expect(existsSync(target('mp4'))).toBe(false);
    const result = await engine(true).transfer({ media: hls, targetFor: target });
    expect(result.resumedFrom).toBeGreaterThanOrEqual(3);
    expect(await probeDuration(result.path)).toBeCloseTo(6, 0);
    expect(await readdir(folder)).toEqual(['Show - S01E04.mp4']);
  });

  it('fetches a segment again when its connection is cut mid-body; the result is byte-identical', async () => {
    const segment = media.segments[2];
    server.files.set('/cut/index.m3u8', { type: 'application/vnd.apple.mpegurl', body: Buffer.from(media.playlist) });
    for (const each of media.segments)
      server.files.set(`/cut/${each.name}`, {
        type: 'video/mp2t',
        body: each.body,
        cutOnceAfter: each === segment ? Math.floor(segment.body.length / 2) : undefined,
      });
    const folder = join(temp.path, 'out-cut');
    const result = await engine(false).transfer({
      media: { url: `${server.url}/cut/index.m3u8`, kind: 'hls', headers: {} },
      targetFor: (ext) => join(folder, `E.${ext}`),
    });
    expect(server.requests(`/cut/${segment.name}`)).toHaveLength(2);
    expect((await readFile(result.path)).equals(allSegments())).toBe(true);
  });

  it('holds to the speed limit across parallel segment fetches', async () => {
    const total = allSegments().length;
    expect(total).toBeGreaterThan(2 * 64 * 1024); // else the bound below says little
    // Well below what the server sends, so only the limiter can make it this slow.
    const rate = Math.round(total / 2);
    const limited = new TransferEngine({ bucket: new TokenBucket({ bytesPerSecond: rate }), ffmpeg: null, segmentConcurrency: 3, progressIntervalMs: 0 });
    const folder = join(temp.path, 'out-limited');
    const started = performance.now();
    const result = await limited.transfer({
      media: { url: `${server.url}/high/index.m3u8`, kind: 'hls', headers: {} },
      targetFor: (ext) => join(folder, `E.${ext}`),
    });
    const seconds = (performance.now() - started) / 1000;
    // A quarter second of burst is allowed, and one chunk (at most 64 KiB) may overdraw it;
    // everything else comes at the rate.
    expect(seconds).toBeGreaterThanOrEqual(((total - rate / 4 - 64 * 1024) / rate) * 0.95);
    expect((await readFile(result.path)).equals(allSegments())).toBe(true);
  });

  it('a segment that stops sending fails the attempt as transient, naming the host, and keeps the segments before it', async () => {
    const stalled = media.segments[3];
    server.files.set('/stall/index.m3u8', { type: 'application/vnd.apple.mpegurl', body: Buffer.from(media.playlist) });
    for (const each of media.segments)
      server.files.set(`/stall/${each.name}`, { type: 'video/mp2t', body: each.body, chunkDelayMs: each === stalled ? 60_000 : undefined });
    const folder = join(temp.path, 'out-stall');
    const stalling = new TransferEngine({
      bucket: new TokenBucket({ bytesPerSecond: 0 }),
      ffmpeg: null,
      segmentConcurrency: 1,
      progressIntervalMs: 0,
      idleTimeoutMs: 300,
    });
    const error = await stalling
      .transfer({ media: { url: `${server.url}/stall/index.m3u8`, kind: 'hls', headers: {} }, targetFor: (ext) => join(folder, `E.${ext}`) })
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ kind: 'transient', message: expect.stringContaining('sent nothing') });
    expect((error as Error).message).toContain('127.0.0.1');
    // Three tries of the stalled segment, and the ones before it are kept for the next attempt.
    expect(server.requests(`/stall/${stalled.name}`)).toHaveLength(3);
    const state = JSON.parse(await readFile(join(folder, 'E.ts.hls.part.json'), 'utf8'));
    expect(state).toMatchObject({ done: 3, bytes: media.segments.slice(0, 3).reduce((sum, each) => sum + each.body.length, 0) });
  });

  it('decrypts AES-128 segments', async () => {
    const key = randomBytes(16);
    serveEncrypted('/enc', key, { type: 'application/octet-stream', body: key }, 7);
    const result = await engine(false).transfer({
      media: { url: `${server.url}/enc/index.m3u8`, kind: 'hls', headers: {} },
      targetFor: (ext) => join(temp.path, 'out-enc', `E.${ext}`),
    });
    expect((await readFile(result.path)).equals(allSegments())).toBe(true);
    expect(server.requests('/enc/key.bin')).toHaveLength(1);
  });

  it('asks again for an AES-128 key whose first download broke off, within the same attempt', async () => {
    const key = randomBytes(16);
    // The first answer for the key is cut after 4 bytes; a key cached as failed would fail every segment.
    serveEncrypted('/enc2', key, { type: 'application/octet-stream', body: key, cutOnceAfter: 4 }, 0);
    const result = await engine(false).transfer({
      media: { url: `${server.url}/enc2/index.m3u8`, kind: 'hls', headers: {} },
      targetFor: (ext) => join(temp.path, 'out-enc2', `E.${ext}`),
    });
    expect((await readFile(result.path)).equals(allSegments())).toBe(true);
    expect(server.requests('/enc2/key.bin')).toHaveLength(2);
  });
});

/** Serves the sample segments AES-128 encrypted under `folder`, with the key file as given and IVs from the sequence numbers. */
function serveEncrypted(folder: string, key: Buffer, keyFile: ServedFile, firstSequence: number): void {
  server.files.set(`${folder}/key.bin`, keyFile);
  let playlist = `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${firstSequence}\n#EXT-X-KEY:METHOD=AES-128,URI="key.bin"\n`;
  media.segments.forEach((segment, index) => {
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(BigInt(firstSequence + index), 8);
    const cipher = createCipheriv('aes-128-cbc', key, iv);
    server.files.set(`${folder}/${segment.name}`, { type: 'video/mp2t', body: Buffer.concat([cipher.update(segment.body), cipher.final()]) });
    playlist += `#EXTINF:1.0,\n${segment.name}\n`;
  });
  server.files.set(`${folder}/index.m3u8`, { type: 'application/vnd.apple.mpegurl', body: Buffer.from(`${playlist}#EXT-X-ENDLIST\n`) });
}
