import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Catalogue } from './catalogue.ts';
import { doodToken } from './hosters.ts';
import { send } from './respond.ts';

/**
 * Real media for the hosters' URLs: a short MP4 and an HLS ladder (master, two variants, .ts
 * segments) made once with ffmpeg and cached; deterministic large files for benchmarks; a bytes/s
 * cap for interruption tests. MP4 answers honour Range.
 */

const run = promisify(execFile);
const MEDIA_VERSION = 'v1';
const VARIANTS = [
  { name: 'v0', size: '320x180', bandwidth: 400000 },
  { name: 'v1', size: '640x360', bandwidth: 900000 },
] as const;

export interface MediaOptions {
  readonly cacheDir?: string;
  readonly controls: { slowBytesPerSecond: number; largeFileBytes: number | undefined; holdMedia: boolean };
  readonly siteUrl: () => string;
}

export interface GeneratedMedia {
  readonly dir: string;
  readonly mp4: Buffer;
}

const generated = new Map<string, Promise<GeneratedMedia>>();

/** Makes (or finds) the sample media; concurrent processes race safely through a rename. */
export function ensureMedia(cacheDir = join(tmpdir(), `aniworld-fixture-media-${MEDIA_VERSION}`)): Promise<GeneratedMedia> {
  let pending = generated.get(cacheDir);
  if (!pending) {
    pending = generate(cacheDir);
    generated.set(cacheDir, pending);
    pending.catch(() => generated.delete(cacheDir));
  }
  return pending;
}

async function generate(dir: string): Promise<GeneratedMedia> {
  const complete = async () =>
    stat(join(dir, 'done')).then(
      () => true,
      () => false,
    );
  if (!(await complete())) {
    try {
      await run('ffmpeg', ['-version']);
    } catch {
      throw new Error(
        'The fixture site needs ffmpeg to make its sample media. Install it with scripts/install-system-deps.sh (Debian: apt-get install ffmpeg).',
      );
    }
    await mkdir(join(dir, '..'), { recursive: true });
    const work = await mkdtemp(`${dir}.tmp-`);
    try {
      const common = ['-hide_banner', '-loglevel', 'error', '-y'];
      // Three seconds of H.264 + AAC, one key frame a second: the same for the MP4 and every HLS variant.
      const encode = ['-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-shortest'];
      await run('ffmpeg', [
        ...common,
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x180:rate=25',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:sample_rate=44100',
        ...encode,
        '-movflags',
        '+faststart',
        join(work, 'sample.mp4'),
      ]);
      for (const variant of VARIANTS) {
        await mkdir(join(work, variant.name));
        await run('ffmpeg', [
          ...common,
          '-f',
          'lavfi',
          '-i',
          `testsrc2=size=${variant.size}:rate=25`,
          '-f',
          'lavfi',
          '-i',
          'sine=frequency=660:sample_rate=44100',
          ...encode,
          '-f',
          'hls',
          '-hls_time',
          '1',
          '-hls_list_size',
          '0',
          '-hls_segment_filename',
          join(work, variant.name, 'seg%03d.ts'),
          join(work, variant.name, 'index.m3u8'),
        ]);
      }
      const master = [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        ...VARIANTS.flatMap((variant) => [`#EXT-X-STREAM-INF:BANDWIDTH=${variant.bandwidth},RESOLUTION=${variant.size}`, `${variant.name}/index.m3u8`]),
      ].join('\n');
      await writeFile(join(work, 'master.m3u8'), `${master}\n`);
      await writeFile(join(work, 'done'), '');
      await rename(work, dir).catch(async (error: NodeJS.ErrnoException) => {
        // Another process finished first: use its copy.
        if (!(await complete())) throw error;
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return { dir, mp4: await readFile(join(dir, 'sample.mp4')) };
}

/** The names of one variant's segments, for tests that compare bytes. */
export async function segmentNames(media: GeneratedMedia, variant = 'v0'): Promise<string[]> {
  return (await readdir(join(media.dir, variant))).filter((name) => name.endsWith('.ts')).sort();
}

/** Byte `i` of every large file: a fixed 64 KiB pseudo-random block repeated, so any range is cheap. Treat returned buffers as read-only. */
const LARGE_BLOCK = (() => {
  const block = Buffer.alloc(64 * 1024);
  let state = 0x2545f491;
  for (let index = 0; index < block.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    block[index] = state & 0xff;
  }
  return block;
})();

export function largeFileBytes(start: number, endExclusive: number): Buffer {
  const position = start % LARGE_BLOCK.length;
  // Within one block: a view, no copy (the block is never written after start-up).
  if (endExclusive - start <= LARGE_BLOCK.length - position) return LARGE_BLOCK.subarray(position, position + endExclusive - start);
  const out = Buffer.alloc(Math.max(0, endExclusive - start));
  for (let offset = 0; offset < out.length;) {
    const position = (start + offset) % LARGE_BLOCK.length;
    offset += LARGE_BLOCK.copy(out, offset, position, Math.min(LARGE_BLOCK.length, position + out.length - offset));
  }
  return out;
}

export async function handleMediaRequest(req: IncomingMessage, res: ServerResponse, url: URL, options: MediaOptions, catalogue: Catalogue): Promise<boolean> {
  const path = url.pathname;
  let match: RegExpExecArray | null;
  if ((match = /^\/media\/large\/(\d+)(?:\.\w+)?$/.exec(path))) {
    await serveRanged(req, res, Number(match[1]), (start, end) => largeFileBytes(start, end), 'video/mp4', options);
    return true;
  }
  if ((match = /^\/media\/mp4\/(\d+)\/video\.mp4$/.exec(path)) || (match = /^\/media\/dood\/(\d+)\/cdn-[A-Za-z0-9]{10}$/.exec(path))) {
    const id = Number(match[1]);
    if (!catalogue.links.has(id)) return notFound(res);
    if (path.startsWith('/media/dood/') && url.searchParams.get('token') !== doodToken(id)) {
      send(res, 403, 'text/plain', 'wrong token');
      return true;
    }
    const large = options.controls.largeFileBytes;
    if (large !== undefined) {
      await serveRanged(req, res, large, (start, end) => largeFileBytes(start, end), 'video/mp4', options);
    } else {
      const { mp4 } = await ensureMedia(options.cacheDir);
      await serveRanged(req, res, mp4.length, (start, end) => mp4.subarray(start, end), 'video/mp4', options);
    }
    return true;
  }
  if ((match = /^\/media\/hls\/(\d+)\/(master\.m3u8|v[01]\/(?:index\.m3u8|seg\d{3}\.ts))$/.exec(path))) {
    if (!catalogue.links.has(Number(match[1]))) return notFound(res);
    const media = await ensureMedia(options.cacheDir);
    let body: Buffer;
    try {
      body = await readFile(join(media.dir, match[2]));
    } catch {
      return notFound(res);
    }
    const type = match[2].endsWith('.ts') ? 'video/mp2t' : 'application/vnd.apple.mpegurl';
    await serveRanged(req, res, body.length, (start, end) => body.subarray(start, end), type, options);
    return true;
  }
  return false;
}

const CHUNK = 64 * 1024;

async function serveRanged(
  req: IncomingMessage,
  res: ServerResponse,
  size: number,
  read: (start: number, end: number) => Buffer,
  type: string,
  options: MediaOptions,
): Promise<void> {
  let start = 0;
  let end = size;
  let status = 200;
  const headers: Record<string, string | number> = { 'content-type': type, 'accept-ranges': 'bytes' };
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? '').trim());
  if (req.headers.range !== undefined) {
    if (!range || (range[1] === '' && range[2] === '')) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      return void res.end();
    }
    if (range[1] === '') {
      start = Math.max(0, size - Number(range[2]));
    } else {
      start = Number(range[1]);
      if (range[2] !== '') end = Math.min(size, Number(range[2]) + 1);
    }
    if (start >= size || start >= end) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      return void res.end();
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
  }
  headers['content-length'] = end - start;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') return void res.end();

  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  for (let offset = start; offset < end && !closed;) {
    // Held: the connection stays open and sends nothing (a provider that stopped sending).
    while (options.controls.holdMedia && !closed) await new Promise((resolve) => setTimeout(resolve, 20));
    const cap = options.controls.slowBytesPerSecond;
    // Under a cap, send a tenth of a second's worth and pause, so the rate holds at small scales too.
    // Chunks end on CHUNK boundaries so that large-file chunks are views of one block.
    const length = Math.min(end - offset, cap > 0 ? Math.max(1, Math.floor(cap / 10)) : CHUNK - (offset % CHUNK));
    const chunk = read(offset, offset + length);
    offset += length;
    if (!res.write(chunk)) await drained(res);
    if (cap > 0) await new Promise((resolve) => setTimeout(resolve, (length / cap) * 1000));
  }
  res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function notFound(res: ServerResponse): true {
  send(res, 404, 'text/plain', 'not found');
  return true;
}
