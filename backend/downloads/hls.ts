import { createDecipheriv } from 'node:crypto';
import { open, readFile, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { httpGetBuffer, httpGetChunks, httpGetText } from './http-get.ts';
import { classify, isAbort, permanent, TransferError } from './errors.ts';
import { isMasterPlaylist, parseMaster, parseMedia, pickBestVariant, type HlsByteRange, type HlsMediaPlaylist, type HlsSegment } from './hls-playlist.ts';
import type { TokenBucket } from './token-bucket.ts';
import type { ProgressMeter } from './progress.ts';
import { abortableSleep } from './token-bucket.ts';

export interface HlsPlan extends HlsMediaPlaylist {
  readonly mediaUrl: string;
  /** What concatenating the segments gives: MPEG-TS, or fragmented MP4 when there is an init section. */
  readonly format: 'ts' | 'fmp4';
}

interface RequestOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly idleTimeoutMs?: number;
}

/** Reads the master playlist (if it is one), picks the best variant and reads its segment list. */
export async function loadHlsPlan(url: string, options: RequestOptions): Promise<HlsPlan> {
  let playlist = await httpGetText(url, 'The HLS playlist', options);
  if (isMasterPlaylist(playlist.text)) {
    const best = pickBestVariant(parseMaster(playlist.text, playlist.url));
    if (!best) throw permanent('The HLS master playlist lists no variants');
    playlist = await httpGetText(best.url, 'The HLS variant playlist', options);
  }
  const media = parseMedia(playlist.text, playlist.url);
  return { ...media, mediaUrl: playlist.url, format: media.init ? 'fmp4' : 'ts' };
}

export interface HlsDownloadOptions extends RequestOptions {
  readonly plan: HlsPlan;
  /** The concatenated segments go here. */
  readonly partPath: string;
  /** Records how many segments are safely in the .part, so a later attempt resumes there. */
  readonly statePath: string;
  readonly bucket: TokenBucket;
  readonly meter: ProgressMeter;
  /** Segments fetched at the same time (written in order). */
  readonly concurrency?: number;
  /** Gets every byte of the stream in order (a resumed .part's bytes first), e.g. a running ffmpeg. */
  readonly sink?: (chunks: readonly Uint8Array[]) => Promise<void>;
}

interface ResumeState {
  version: 1;
  segment_count: number;
  done: number;
  bytes: number;
}

const RECORD_EVERY_MS = 1000;
/** Segments (each a few MB) written but not yet recorded, before the loop waits for the disk. */
const MAX_PENDING_WRITES = 8;

/**
 * Fetches the segments with bounded concurrency and appends them to the .part in playlist order.
 * About once a second, and whenever the loop stops, the state file records how many segments are
 * on disk, so a later attempt resumes there.
 */
export async function downloadHlsSegments(options: HlsDownloadOptions): Promise<{ bytes: number; resumedAt: number }> {
  const { plan, meter } = options;
  const total = plan.segments.length;
  const resume = await readResumeState(options.statePath, options.partPath, total);
  const handle = await open(options.partPath, resume ? 'r+' : 'w');
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const keys = new Map<string, Promise<Buffer>>();
  const inFlight = new Map<number, Promise<Segment>>();
  let position = resume?.bytes ?? 0;
  let done = resume?.done ?? 0;
  try {
    await handle.truncate(position);
    if (!resume && plan.init) {
      const init = await fetchBytes(plan.init.url, plan.init.byteRange, 'The HLS init section', options, signal);
      await handle.write(init, 0, init.length, 0);
      await options.sink?.([init]);
      position = init.length;
      await writeResumeState(options.statePath, { version: 1, segment_count: total, done: 0, bytes: position });
    }
    if (options.sink && resume) await replay(handle, position, options.sink);
    meter.reset(position);
    const concurrency = Math.max(1, options.concurrency ?? 4);
    let launched = done;
    // Segment writes go out without waiting for each other (each has its own offset); the state
    // file only ever names segments whose writes have finished.
    let writes: Promise<void>[] = [];
    let recordedAt = performance.now();
    const record = async () => {
      await Promise.all(writes);
      writes = [];
      await writeResumeState(options.statePath, { version: 1, segment_count: total, done, bytes: position });
      recordedAt = performance.now();
    };
    try {
      while (done < total) {
        while (launched < total && launched - done < concurrency) {
          const fetching = fetchSegment(plan.segments[launched], options, signal, keys);
          fetching.catch(() => {}); // awaited in order below; a later failure must not go unhandled meanwhile
          inFlight.set(launched, fetching);
          launched++;
        }
        const data = await inFlight.get(done)!;
        inFlight.delete(done);
        const writing = writeAll(handle, data, position);
        writing.catch(() => {}); // awaited by record()
        writes.push(writing);
        position += data.length;
        done++;
        await options.sink?.(data.chunks);
        // A crash loses at most a second of segments; a stop or failure records everything written.
        if (writes.length >= MAX_PENDING_WRITES || performance.now() - recordedAt >= RECORD_EVERY_MS) await record();
        meter.setFraction(done / total);
        meter.setTotal(Math.round((position / done) * total));
      }
    } finally {
      await record().catch(() => {});
    }
    // No fsync here: whichever file becomes the episode (this one or ffmpeg's MP4) is fsynced before its rename.
    return { bytes: position, resumedAt: resume?.done ?? 0 };
  } finally {
    stop.abort();
    await handle.close();
  }
}

interface Segment {
  readonly chunks: Uint8Array[];
  readonly length: number;
}

async function fetchSegment(segment: HlsSegment, options: HlsDownloadOptions, signal: AbortSignal, keys: Map<string, Promise<Buffer>>): Promise<Segment> {
  // A flaky segment gets two quick retries before the whole attempt fails (and later resumes here).
  for (let attempt = 1; ; attempt++) {
    try {
      const headers: Record<string, string> = { ...options.headers };
      if (segment.byteRange) headers.range = byteRangeHeader(segment.byteRange);
      const body = await httpGetChunks(segment.url, `HLS segment ${segment.sequence}`, {
        headers,
        signal,
        idleTimeoutMs: options.idleTimeoutMs,
        onChunk: (chunk) => {
          options.meter.add(chunk.length);
          return options.bucket.rate > 0 ? options.bucket.take(chunk.length, signal) : undefined;
        },
      });
      if (!segment.key) return body;
      const keyUri = segment.key.uri;
      let key = keys.get(keyUri);
      if (!key) {
        const fetching = fetchBytes(keyUri, null, 'The HLS key', options, signal);
        keys.set(keyUri, fetching);
        // A key that failed to arrive is asked for again by the next segment (or retry) that needs it.
        fetching.catch(() => {
          if (keys.get(keyUri) === fetching) keys.delete(keyUri);
        });
        key = fetching;
      }
      return decrypt(body.chunks, await key, segment.key.iv ?? sequenceIv(segment.sequence));
    } catch (error) {
      if (isAbort(error) || signal.aborted || classify(error) === 'permanent' || attempt >= 3) throw error;
      await abortableSleep(250 * attempt, signal);
    }
  }
}

async function fetchBytes(url: string, range: HlsByteRange | null, what: string, options: RequestOptions, signal: AbortSignal): Promise<Buffer> {
  const headers: Record<string, string> = { ...options.headers };
  if (range) headers.range = byteRangeHeader(range);
  const { body } = await httpGetBuffer(url, what, { headers, signal, idleTimeoutMs: options.idleTimeoutMs });
  return body;
}

function byteRangeHeader(range: HlsByteRange): string {
  return `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

function decrypt(chunks: readonly Uint8Array[], key: Buffer, iv: Buffer): Segment {
  if (key.length !== 16) throw permanent('The HLS key is not a 16-byte AES-128 key');
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, iv);
    const plain = chunks.map((chunk) => decipher.update(chunk));
    plain.push(decipher.final());
    return { chunks: plain, length: plain.reduce((sum, chunk) => sum + chunk.length, 0) };
  } catch (error) {
    throw new TransferError('permanent', 'An HLS segment could not be decrypted', { cause: error });
  }
}

function sequenceIv(sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(sequence), 8);
  return iv;
}

async function writeAll(handle: FileHandle, data: Segment, position: number): Promise<void> {
  const { bytesWritten } = await handle.writev(data.chunks, position);
  if (bytesWritten === data.length) return;
  // A short write (rare: a signal, a full pipe-backed fs): finish it byte-exactly.
  const rest = Buffer.concat(data.chunks, data.length).subarray(bytesWritten);
  for (let offset = 0; offset < rest.length;) {
    const { bytesWritten: more } = await handle.write(rest, offset, rest.length - offset, position + bytesWritten + offset);
    offset += more;
  }
}

/** Hands what an earlier attempt left in the .part to the sink, a megabyte at a time. */
async function replay(handle: FileHandle, length: number, sink: (chunks: readonly Uint8Array[]) => Promise<void>): Promise<void> {
  for (let offset = 0; offset < length;) {
    const buffer = Buffer.allocUnsafe(Math.min(1 << 20, length - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    if (bytesRead === 0) break;
    await sink([buffer.subarray(0, bytesRead)]);
    offset += bytesRead;
  }
}

async function readResumeState(statePath: string, partPath: string, segmentCount: number): Promise<ResumeState | undefined> {
  try {
    const state = JSON.parse(await readFile(statePath, 'utf8')) as ResumeState;
    const size = (await stat(partPath)).size;
    // Another stream (a different variant or episode cut) or a .part shorter than recorded: start over.
    if (state.version !== 1 || state.segment_count !== segmentCount || size < state.bytes || state.done > segmentCount) return undefined;
    return state;
  } catch {
    return undefined;
  }
}

async function writeResumeState(statePath: string, state: ResumeState): Promise<void> {
  await writeFile(statePath, JSON.stringify(state));
}
