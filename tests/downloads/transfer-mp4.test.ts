import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MediaServer } from './media-server.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { TransferEngine } from '../../backend/downloads/transfer.ts';
import { TokenBucket } from '../../backend/downloads/token-bucket.ts';
import { classify, TransferError } from '../../backend/downloads/errors.ts';
import { fileSize } from '../../backend/downloads/mp4.ts';
import { findCurl, type CurlCommand } from '../../backend/adapters/curl.ts';
import { ProgressMeter, type TransferProgress } from '../../backend/downloads/progress.ts';
import { downloadMp4WithCurl } from '../../backend/downloads/curl-mp4.ts';

const content = randomBytes(3 * 1024 * 1024 + 123);
let server: MediaServer;
let temp: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  server = await new MediaServer().start();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await temp?.remove();
  server.reset();
});

const curl = await findCurl();

async function setup(file: Parameters<MediaServer['files']['set']>[1]) {
  temp = await makeTempDir();
  server.files.set('/video.mp4', file);
  const target = join(temp.path, 'Show', 'Season 01', 'Show - S01E01 - Pilot.mp4');
  return { target, media: { url: `${server.url}/video.mp4`, kind: 'mp4' as const, headers: { referer: 'http://hoster.test/' } } };
}

it('finds curl and setpriv (the image and scripts/install-system-deps.sh provide them)', () => {
  expect(curl).not.toBeNull();
  expect(curl!.writer).not.toBeNull();
});

// Every case runs twice: with Node's HTTP client and with curl (used while no speed limit is set).
// curl hands the body to dd where coreutils has it ('curl'), else writes the .part itself ('curl -o').
describe.each([
  ['Node', null],
  ['curl', curl],
  ['curl -o', curl && { ...curl, writer: null }],
] as const)('MP4 transfer (%s)', (label, command: CurlCommand | null) => {
  const via = label === 'Node' ? 'Node' : 'curl';
  function engine(options: { bucket?: TokenBucket; idleTimeoutMs?: number } = {}): TransferEngine {
    return new TransferEngine({
      bucket: options.bucket ?? new TokenBucket({ bytesPerSecond: 0 }),
      ffmpeg: null,
      curl: command,
      progressIntervalMs: 0,
      idleTimeoutMs: options.idleTimeoutMs,
    });
  }

  it('streams the file to the target through a .part and reports progress', async () => {
    const { target, media } = await setup({ body: content });
    const reports: TransferProgress[] = [];
    const result = await engine().transfer({ media, targetFor: () => target, onProgress: (progress) => reports.push(progress) });
    expect(result).toMatchObject({ path: target, size: content.length, kind: 'mp4', resumedFrom: 0 });
    expect((await readFile(target)).equals(content)).toBe(true);
    expect(existsSync(`${target}.part`)).toBe(false);
    expect(server.requests('/video.mp4')[0].headers.referer).toBe('http://hoster.test/');
    expect(reports.at(-1)).toMatchObject({ bytes: content.length, total: content.length, percent: 100, etaSeconds: 0 });
  });

  it('holds to the speed limit, also when it is set while the transfer runs', async () => {
    // Slow enough that the limit is set while the transfer runs (curl's progress comes from
    // polling the .part); the limit (4 MiB/s) is still well below what the server sends
    // (16 KiB per ms), so only the limiter can make it this slow.
    const large = randomBytes(6 * 1024 * 1024);
    const { target, media } = await setup({ body: large, chunkDelayMs: 1 });
    const bucket = new TokenBucket({ bytesPerSecond: 0 });
    const rate = 4 * 1024 * 1024;
    let limitedAt: { bytes: number; time: number } | undefined;
    await engine({ bucket }).transfer({
      media,
      targetFor: () => target,
      onProgress: (progress) => {
        if (limitedAt || progress.bytes === 0) return;
        bucket.setRate(rate);
        limitedAt = { bytes: progress.bytes, time: performance.now() };
      },
    });
    const seconds = (performance.now() - limitedAt!.time) / 1000;
    // curl's progress lags the file by up to one poll: where the limiter took over is where the
    // Node transfer asked to resume.
    const ranges = server.requests('/video.mp4').map((entry) => entry.range);
    if (via === 'curl') expect(ranges).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    const limitedFrom = via === 'curl' ? Number(/\d+/.exec(ranges[1]!)![0]) : limitedAt!.bytes;
    const rest = large.length - limitedFrom;
    // A limit can only make it slower, so a lower bound holds on any machine: the bucket lets a
    // quarter second through at once, the rest at the rate (plus one chunk in flight).
    expect(rest).toBeGreaterThan(2 * 1024 * 1024);
    expect(seconds).toBeGreaterThanOrEqual((rest - rate / 4 - 64 * 1024) / rate - 0.05);
    expect((await readFile(target)).equals(large)).toBe(true);
  });

  it('resumes an existing .part with a Range request', async () => {
    const { target, media } = await setup({ body: content });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.part`, content.subarray(0, 1_000_000));
    server.log.length = 0;
    const result = await engine().transfer({ media, targetFor: () => target });
    expect(result.resumedFrom).toBe(1_000_000);
    expect(server.requests('/video.mp4').map((entry) => entry.range)).toEqual(['bytes=1000000-']);
    expect((await readFile(target)).equals(content)).toBe(true);
  });

  it('starts over when the server ignores Range', async () => {
    const { target, media } = await setup({ body: content, ignoreRange: true });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.part`, Buffer.alloc(500_000, 7));
    const result = await engine().transfer({ media, targetFor: () => target });
    expect(result.resumedFrom).toBe(0);
    expect((await readFile(target)).equals(content)).toBe(true);
  });

  it('fails transiently when the connection drops, keeps the .part and resumes from it', async () => {
    const cutAt = 1_200_000;
    const written = Promise.withResolvers<void>();
    const { target, media } = await setup({ body: content, cutOnceAfter: cutAt, cutWhen: written.promise });
    const running = engine()
      .transfer({ media, targetFor: () => target })
      .catch((error: unknown) => error);
    // The server holds the drop until most of what it sent is in the .part: a drop after a fixed
    // pause could come, on a loaded machine, before the client had written anything. (curl keeps
    // the last partial read of 16 KiB until more arrives, so not all of it.)
    const known = 1_000_000;
    await expect.poll(() => fileSize(`${target}.part`)).toBeGreaterThanOrEqual(known);
    written.resolve();
    const failure = await running;
    expect(failure).toBeInstanceOf(Error);
    expect(classify(failure)).toBe('transient');
    expect(existsSync(target)).toBe(false);
    const kept = (await readFile(`${target}.part`)).length;
    expect(kept).toBeGreaterThanOrEqual(known);
    expect(kept).toBeLessThanOrEqual(cutAt);
    const result = await engine().transfer({ media, targetFor: () => target });
    expect(result.resumedFrom).toBe(kept);
    expect(server.requests('/video.mp4').at(-1)?.range).toBe(`bytes=${kept}-`);
    expect((await readFile(target)).equals(content)).toBe(true);
  });

  it('finishes at once when the .part is already complete (the server answers 416)', async () => {
    const { target, media } = await setup({ body: content });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.part`, content);
    const result = await engine().transfer({ media, targetFor: () => target });
    expect(result).toMatchObject({ size: content.length, resumedFrom: content.length });
    expect(server.requests('/video.mp4').map((entry) => entry.range)).toEqual([`bytes=${content.length}-`]);
    expect((await readFile(target)).equals(content)).toBe(true);
  });

  it('refuses a web page in place of the video as permanent and leaves no page in the .part', async () => {
    const { target, media } = await setup({ body: Buffer.from('<html><body>Please verify you are human</body></html>'), type: 'text/html; charset=utf-8' });
    const failure = await engine()
      .transfer({ media, targetFor: () => target })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransferError);
    expect((failure as TransferError).kind).toBe('permanent');
    expect((failure as Error).message).toMatch(/web page instead of the video/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.part`) ? (await readFile(`${target}.part`)).length : 0).toBe(0);
  });

  it('classifies a missing file as permanent and a 503 as transient', async () => {
    const { target, media } = await setup({ body: content });
    const gone = await engine()
      .transfer({ media: { ...media, url: `${server.url}/missing.mp4` }, targetFor: () => target })
      .catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(TransferError);
    expect((gone as TransferError).kind).toBe('permanent');
    server.files.set('/busy.mp4', { body: content, status: 503 });
    const busy = await engine()
      .transfer({ media: { ...media, url: `${server.url}/busy.mp4` }, targetFor: () => target })
      .catch((error: unknown) => error);
    expect((busy as TransferError).kind).toBe('transient');
    expect(existsSync(target)).toBe(false);
  });

  it('gives up on a server that stops sending (idle timeout) as transient, keeping the .part', async () => {
    const { target, media } = await setup({ body: content, chunkDelayMs: 10_000 });
    const stalled = engine({ idleTimeoutMs: 300 });
    const failure = await stalled.transfer({ media, targetFor: () => target }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransferError);
    expect((failure as TransferError).kind).toBe('transient');
    expect((failure as Error).message).toMatch(/sent nothing for/);
    expect((await readFile(`${target}.part`)).length).toBe(16 * 1024);
  });

  it('stops promptly on abort and keeps the .part', async () => {
    const { target, media } = await setup({ body: content, chunkDelayMs: 20 });
    const controller = new AbortController();
    const running = engine().transfer({
      media,
      targetFor: () => target,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.bytes > 100_000) controller.abort();
      },
    });
    const failure = await running.catch((error: unknown) => error);
    expect((failure as Error).name).toBe('AbortError');
    expect(existsSync(target)).toBe(false);
    expect((await readFile(`${target}.part`)).length).toBeGreaterThan(0);
  });
});

it("names the writer's failure (disk full) as permanent when dd cannot write the .part", async () => {
  temp = await makeTempDir();
  server.files.set('/video.mp4', { body: content });
  // /dev/full: every write fails with ENOSPC, like a full media disk.
  const failure = await downloadMp4WithCurl(curl!, {
    url: `${server.url}/video.mp4`,
    headers: {},
    partPath: '/dev/full',
    bucket: new TokenBucket({ bytesPerSecond: 0 }),
    meter: new ProgressMeter({ emit: () => {} }),
  }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(TransferError);
  expect((failure as TransferError).kind).toBe('permanent');
  expect((failure as Error).message).toMatch(/^Writing the video file failed \(disk full or not writable\): .*No space left on device/);
});
