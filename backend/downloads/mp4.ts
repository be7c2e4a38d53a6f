import { createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { pumpToFile } from './pump.ts';
import { contentLength, httpGet, type MediaResponse } from './http-get.ts';
import { permanent, statusError, transient, type TransferError } from './errors.ts';
import type { TokenBucket } from './token-bucket.ts';
import type { ProgressMeter } from './progress.ts';

export interface Mp4Options {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Where the bytes go; an existing file is resumed with a Range request. */
  readonly partPath: string;
  readonly bucket: TokenBucket;
  readonly meter: ProgressMeter;
  readonly signal?: AbortSignal;
  readonly idleTimeoutMs?: number;
}

export interface Mp4Result {
  readonly bytes: number;
  /** Bytes that were already in the .part and kept (0 when the download started over). */
  readonly resumedFrom: number;
}

/**
 * Streams one file to `partPath`, never holding more than a chunk in memory. Resumes an existing
 * .part when the server answers 206 with a matching Content-Range, starts over when it ignores
 * Range, and checks the final size against the length the server announced. The .part is
 * fsynced before this returns; renaming it is the caller's move.
 */
export async function downloadMp4(options: Mp4Options): Promise<Mp4Result> {
  const existing = await fileSize(options.partPath);
  let response = await request(options, existing);
  let start = 0;
  let total: number | null;

  if (existing > 0 && response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range') ?? undefined);
    if (!range || range.start !== existing) {
      // A range we did not ask for: do not splice foreign bytes into the .part.
      response.discard();
      await unlink(options.partPath).catch(() => {});
      response = await request(options, 0);
      total = expectOk(response);
    } else {
      start = existing;
      total = expectedTotal(response.headers, existing);
    }
  } else if (existing > 0 && response.status === 416) {
    response.discard();
    const complete = alreadyComplete(response.headers, existing, options.meter);
    if (complete) return complete;
    await unlink(options.partPath).catch(() => {});
    response = await request(options, 0);
    total = expectOk(response);
  } else {
    total = expectOk(response);
  }

  options.meter.reset(start);
  options.meter.setTotal(total);
  const written = await writeBody(response, options, start);
  const bytes = start + written;
  checkSize(bytes, total);
  return { bytes, resumedFrom: start };
}

/** What the whole file measures: Content-Range's total, else where the answer starts plus its length. */
export function expectedTotal(headers: Headers, from: number): number | null {
  const range = parseContentRange(headers.get('content-range') ?? undefined);
  if (range?.total != null) return range.total;
  const length = contentLength(headers);
  return length !== null ? from + length : null;
}

/** A 416 to a resume request: the .part is already whole when the server's total is its size. */
export function alreadyComplete(headers: Headers, existing: number, meter: ProgressMeter): Mp4Result | undefined {
  if (parseContentRange(headers.get('content-range') ?? undefined)?.total !== existing) return undefined;
  meter.reset(existing);
  meter.setTotal(existing);
  return { bytes: existing, resumedFrom: existing };
}

export function isWebPage(headers: Headers): boolean {
  return /^text\/html/i.test(headers.get('content-type') ?? '');
}

export function webPageInsteadOfVideo(): TransferError {
  return permanent('The hoster answered with a web page instead of the video (a captcha or an expired link)');
}

/** An answer that ended before the announced size fails as transient; the next attempt resumes from the .part. */
export function checkSize(bytes: number, total: number | null): void {
  if (total !== null && bytes !== total) throw transient(`The download ended early (${bytes} of ${total} bytes); it resumes on the next attempt`);
}

function request(options: Mp4Options, from: number): Promise<MediaResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (from > 0) headers.range = `bytes=${from}-`;
  return httpGet(options.url, { headers, signal: options.signal, idleTimeoutMs: options.idleTimeoutMs });
}

/** A full (non-range) answer: 200 with media, or a typed error. Returns the announced length. */
function expectOk(response: MediaResponse): number | null {
  if (response.status !== 200) {
    response.discard();
    throw statusError(response.status, 'The video download');
  }
  if (isWebPage(response.headers)) {
    response.discard();
    throw webPageInsteadOfVideo();
  }
  return contentLength(response.headers);
}

async function writeBody(response: MediaResponse, options: Mp4Options, start: number): Promise<number> {
  let written = 0;
  const { bucket, meter, signal } = options;
  // flush: true fsyncs before close, so a size check after a crash sees what is really on disk.
  // On failure whatever reached the file stays in the .part (an abort or a dropped connection resumes from it).
  const file = createWriteStream(options.partPath, { flags: start > 0 ? 'a' : 'w', flush: true, highWaterMark: 1 << 20 });
  try {
    await pumpToFile(response.readable(), file, {
      onChunk(length) {
        response.touch();
        written += length;
        meter.add(length);
      },
      // Read per chunk, so a limit set while the download runs applies at once.
      throttle: (length) => (bucket.rate > 0 ? bucket.take(length, signal) : undefined),
    });
  } catch (error) {
    throw response.explain(error);
  }
  return written;
}

export function parseContentRange(raw: string | undefined): { start: number | null; end: number | null; total: number | null } | undefined {
  const match = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(raw?.trim() ?? '');
  if (!match) return undefined;
  return {
    start: match[1] !== undefined ? Number(match[1]) : null,
    end: match[2] !== undefined ? Number(match[2]) : null,
    total: match[3] === '*' ? null : Number(match[3]),
  };
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
