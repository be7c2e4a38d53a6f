import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResolvedMedia } from '../providers/provider.ts';
import { remuxToMp4, startRemux } from '../adapters/ffmpeg.ts';
import { downloadMp4, type Mp4Options } from './mp4.ts';
import { downloadMp4WithCurl, HandOver } from './curl-mp4.ts';
import { ProgressiveFlush } from './progressive-flush.ts';
import type { CurlCommand } from '../adapters/curl.ts';
import { downloadHlsSegments, loadHlsPlan } from './hls.ts';
import { ProgressMeter, type TransferProgress } from './progress.ts';
import { transient } from './errors.ts';
import type { TokenBucket } from './token-bucket.ts';

export interface TransferRequest {
  readonly media: ResolvedMedia;
  /**
   * The final path for a file extension ("mp4" or "ts"). Called once the engine knows what it
   * will write: an HLS stream becomes MP4 with ffmpeg and stays a transport stream without it.
   */
  targetFor(ext: 'mp4' | 'ts'): Promise<string> | string;
  readonly signal?: AbortSignal;
  onProgress?(progress: TransferProgress): void;
}

export interface TransferResult {
  readonly path: string;
  readonly size: number;
  readonly kind: 'mp4' | 'hls';
  /** Bytes (MP4) or segments (HLS) that an earlier attempt left in the .part and that were kept. */
  readonly resumedFrom: number;
}

export interface TransferEngineOptions {
  readonly bucket: TokenBucket;
  /** Path of Debian's ffmpeg, or null to keep HLS as .ts. */
  readonly ffmpeg: string | null;
  /** Debian's curl for MP4 transfers while no speed limit is set, or null for Node's HTTP client. */
  readonly curl?: CurlCommand | null;
  readonly segmentConcurrency?: number;
  readonly idleTimeoutMs?: number;
  readonly progressIntervalMs?: number;
}

/** The working files a transfer to `target` may leave behind (kept on pause and crash, removed on delete). */
export function partFilesFor(target: string): string[] {
  return [`${target}.part`, `${target}.hls.part`, `${target}.hls.part.json`];
}

/**
 * Moves one resolved media URL into the library: always through a `.part` next to the target,
 * fsynced, size-checked, then renamed in one step. Aborting stops within a moment and keeps the
 * `.part` for the next attempt.
 */
export class TransferEngine {
  readonly #options: TransferEngineOptions;

  constructor(options: TransferEngineOptions) {
    this.#options = options;
  }

  get remuxesHls(): boolean {
    return this.#options.ffmpeg !== null;
  }

  async transfer(request: TransferRequest): Promise<TransferResult> {
    const meter = new ProgressMeter({ emit: (progress) => request.onProgress?.(progress), intervalMs: this.#options.progressIntervalMs });
    try {
      const result = request.media.kind === 'hls' ? await this.#hls(request, meter) : await this.#mp4(request, meter);
      meter.finish();
      return result;
    } catch (error) {
      // Whatever broke while stopping (a reset socket, a killed ffmpeg) is the abort, not a failure.
      if (request.signal?.aborted) throw request.signal.reason;
      throw error;
    }
  }

  async #mp4(request: TransferRequest, meter: ProgressMeter): Promise<TransferResult> {
    const target = await request.targetFor('mp4');
    await mkdir(dirname(target), { recursive: true });
    const part = `${target}.part`;
    const options: Mp4Options = {
      url: request.media.url,
      headers: request.media.headers,
      partPath: part,
      bucket: this.#options.bucket,
      meter,
      signal: request.signal,
      idleTimeoutMs: this.#options.idleTimeoutMs,
    };
    const { bytes, resumedFrom } = await this.#mp4Bytes(options);
    await commit(part, target, bytes);
    return { path: target, size: bytes, kind: 'mp4', resumedFrom };
  }

  async #mp4Bytes(options: Mp4Options) {
    const curl = this.#options.curl;
    if (!curl || this.#options.bucket.rate > 0) return downloadMp4(options);
    try {
      return await downloadMp4WithCurl(curl, options);
    } catch (error) {
      if (!(error instanceof HandOver)) throw error;
      const rest = await downloadMp4(options);
      return { bytes: rest.bytes, resumedFrom: error.resumedFrom };
    }
  }

  async #hls(request: TransferRequest, meter: ProgressMeter): Promise<TransferResult> {
    const requestOptions = { headers: request.media.headers, signal: request.signal, idleTimeoutMs: this.#options.idleTimeoutMs };
    const plan = await loadHlsPlan(request.media.url, requestOptions);
    const ffmpeg = this.#options.ffmpeg;
    const target = await request.targetFor(ffmpeg || plan.format === 'fmp4' ? 'mp4' : 'ts');
    await mkdir(dirname(target), { recursive: true });
    const [part, work, state] = partFilesFor(target);
    // With ffmpeg the remux runs while segments arrive; if it breaks, the download still completes
    // and the finished transport stream is remuxed (or kept) afterwards.
    let remux = ffmpeg && plan.format === 'ts' ? startRemux(ffmpeg, part, { inputFormat: 'mpegts' }) : undefined;
    // ffmpeg's output is the file that stays: flush it as it grows (it is about as large as its input).
    const flusher = new ProgressiveFlush(part);
    let fed = 0;
    const sink = remux
      ? async (chunks: readonly Uint8Array[]) => {
          if (!remux) return;
          try {
            await remux.write(chunks);
            for (const chunk of chunks) fed += chunk.length;
            flusher.grew(fed);
          } catch {
            remux?.kill();
            remux = undefined;
          }
        }
      : undefined;
    let bytes: number;
    let resumedAt: number;
    try {
      ({ bytes, resumedAt } = await downloadHlsSegments({
        ...requestOptions,
        plan,
        partPath: work,
        statePath: state,
        bucket: this.#options.bucket,
        meter,
        concurrency: this.#options.segmentConcurrency,
        sink,
      }));
    } catch (error) {
      remux?.kill();
      await unlink(part).catch(() => {});
      throw error;
    } finally {
      await flusher.close();
    }

    let path = target;
    if (ffmpeg) {
      try {
        if (remux) await remux.end();
        else await remuxToMp4(ffmpeg, work, part, { inputFormat: plan.format === 'ts' ? 'mpegts' : undefined, signal: request.signal });
        await commit(part, target, (await stat(part)).size);
        await unlink(work).catch(() => {});
      } catch (error) {
        if (request.signal?.aborted) throw error;
        await unlink(part).catch(() => {});
        if (plan.format !== 'ts') throw transient(`Remuxing the stream failed: ${(error as Error).message}`, { cause: error });
        // The segments are complete: a transport stream plays everywhere, so keep it rather than fail.
        path = await request.targetFor('ts');
        await commit(work, path, bytes);
      }
    } else {
      await commit(work, target, bytes);
    }
    await unlink(state).catch(() => {});
    return { path, size: (await stat(path)).size, kind: 'hls', resumedFrom: resumedAt };
  }
}

/** Size check, fsync, atomic rename, folder fsync. */
async function commit(part: string, target: string, expected: number): Promise<void> {
  const handle = await open(part, 'r+');
  try {
    const { size } = await handle.stat();
    if (size !== expected) throw transient(`The file on disk has ${size} bytes, expected ${expected}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(part, target);
  try {
    const folder = await open(dirname(target), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    /* some network filesystems refuse fsync on a folder; the rename already happened */
  }
}
