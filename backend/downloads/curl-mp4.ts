import { spawn } from 'node:child_process';
import { stat, truncate, unlink } from 'node:fs/promises';
import { ProgressiveFlush } from './progressive-flush.ts';
import type { CurlCommand } from '../adapters/curl.ts';
import { permanent, statusError, transient, TransferError } from './errors.ts';
import { alreadyComplete, checkSize, expectedTotal, fileSize, isWebPage, webPageInsteadOfVideo, type Mp4Options, type Mp4Result } from './mp4.ts';

/** Why a curl transfer stopped without finishing: the caller carries on with the Node transfer. */
export class HandOver extends Error {
  /** Where this attempt started, for the result's `resumedFrom`. */
  readonly resumedFrom: number;

  constructor(resumedFrom: number) {
    super('A speed limit was set: the transfer continues with the shared limiter');
    this.name = 'HandOver';
    this.resumedFrom = resumedFrom;
  }
}

const POLL_MS = 50;
const RESULT_MARK = '\n--aniworld-curl-result--\n';

/**
 * The same contract as `downloadMp4` (resume an existing .part by Range, start over when the
 * server ignores it, size check, fsync), with Debian's curl moving the bytes: it needs well under
 * half the CPU of Node's HTTP stack per byte, which a NAS CPU feels. Used only while no speed
 * limit is set; when one is set mid-transfer this stops curl and throws HandOver, and the Node
 * transfer resumes from the .part under the shared limiter.
 */
export async function downloadMp4WithCurl(curl: CurlCommand, options: Mp4Options): Promise<Mp4Result> {
  const existing = await fileSize(options.partPath);
  let outcome = await runCurl(curl, options, existing);
  if (existing > 0 && outcome.exitCode === 33) {
    // The server ignored the Range (or answered another one): start over rather than splice.
    await unlink(options.partPath).catch(() => {});
    outcome = await runCurl(curl, options, 0);
  }
  const start = outcome.resumedFrom;
  if (outcome.status === 416 && start > 0) {
    const complete = alreadyComplete(outcome.headers, start, options.meter);
    if (complete) return complete;
    await unlink(options.partPath).catch(() => {});
    return downloadMp4WithCurl(curl, options);
  }
  if (outcome.exitCode !== 0) throw failure(outcome);
  if (isWebPage(outcome.headers)) {
    // curl wrote the page after the bytes we had: cut it off again before failing.
    await truncate(options.partPath, start).catch(() => {});
    throw webPageInsteadOfVideo();
  }
  const bytes = await fileSize(options.partPath);
  const total = expectedTotal(outcome.headers, start);
  // A short answer can end before its headers were seen on their own.
  options.meter.setTotal(total);
  checkSize(bytes, total);
  // The final fsync is the caller's (commit); most of the data is on disk already (see runCurl).
  return { bytes, resumedFrom: start };
}

interface CurlOutcome {
  readonly exitCode: number;
  readonly status: number;
  readonly headers: Headers;
  readonly message: string;
  readonly resumedFrom: number;
}

async function runCurl(curl: CurlCommand, options: Mp4Options, from: number): Promise<CurlOutcome> {
  const { meter, signal, bucket } = options;
  signal?.throwIfAborted();
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const args = [
    ...curl.prefix,
    '--silent', '--show-error', '--location', '--max-redirs', '10', '--proto', '=http,https', '--fail',
    '--connect-timeout', String(Math.max(1, Math.ceil(idleMs / 1000))),
    '--dump-header', '-', '--output', options.partPath,
    '--write-out', `${RESULT_MARK}%{json}`,
  ];
  if (from > 0) args.push('--continue-at', '-');
  for (const [name, value] of Object.entries(options.headers)) args.push('--header', `${name}: ${value}`);
  args.push('--', options.url);
  meter.reset(from);

  const child = spawn(curl.file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    if (!stdout.includes(RESULT_MARK)) meter.setTotal(expectedTotal(lastHeaders(stdout), from));
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr = (stderr + text).slice(-2000); });
  const closed = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, killedBy) => resolve(code ?? (killedBy ? -1 : 0)));
  });

  // Progress and the idle timeout are watched from the .part's size; a new speed limit stops curl at once.
  let stopReason: unknown;
  const stop = (reason: unknown) => {
    stopReason ??= reason;
    child.kill('SIGKILL');
  };
  const onAbort = () => stop(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const unwatch = bucket.watch((rate) => { if (rate > 0) stop(new HandOver(from)); });
  let seen = from;
  let lastGrowth = performance.now();
  let host = options.url;
  try { host = new URL(options.url).host; } catch { /* curl reports it */ }
  // Flushing as we go keeps dirty pages few (a NAS has little RAM) and the final fsync short,
  // with the disk writing while curl is still receiving.
  const flusher = new ProgressiveFlush(options.partPath);
  const poll = setInterval(() => {
    stat(options.partPath).then((info) => {
      if (info.size > seen) {
        meter.add(info.size - seen);
        seen = info.size;
        lastGrowth = performance.now();
        flusher.grew(seen);
      }
    }, () => {}).finally(() => {
      if (performance.now() - lastGrowth >= idleMs) stop(transient(`${host} sent nothing for ${Math.round(idleMs / 1000)} s`));
    });
  }, Math.min(POLL_MS, Math.max(10, idleMs / 4)));

  try {
    const exitCode = await closed;
    if (stopReason) throw stopReason;
    const size = await fileSize(options.partPath);
    if (size > seen) meter.add(size - seen);
    const [headerText, resultText = '{}'] = stdout.split(RESULT_MARK);
    const result = JSON.parse(resultText) as { http_code?: number; errormsg?: string | null };
    return { exitCode, status: result.http_code ?? 0, headers: lastHeaders(headerText), message: result.errormsg ?? stderr.trim(), resumedFrom: from };
  } finally {
    clearInterval(poll);
    await flusher.close();
    unwatch();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The headers of the last complete answer in curl's header dump (redirects come first). */
function lastHeaders(dump: string): Headers {
  const blocks = dump.split(/\r?\n\r?\n/).filter((block) => /^HTTP\/\S+ \d{3}/.test(block.trimStart()));
  const headers = new Headers();
  const last = blocks.at(-1);
  if (!last) return headers;
  for (const line of last.trim().split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      try { headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim()); } catch { /* a header Node would refuse too */ }
    }
  }
  return headers;
}

/** curl's exit code (https://curl.se/libcurl/c/libcurl-errors.html) as a typed transfer error. */
function failure(outcome: CurlOutcome): TransferError {
  const detail = outcome.message || `curl exited with ${outcome.exitCode}`;
  switch (outcome.exitCode) {
    case 22:
      return statusError(outcome.status, 'The video download');
    case 1: case 3: case 47:
      return permanent(`The video link cannot be fetched: ${detail}`);
    case 23:
      return permanent(`Writing the video file failed (disk full or not writable): ${detail}`);
    case 18:
      return transient(`The download ended early; it resumes on the next attempt (${detail})`);
    default:
      return transient(`The video download failed: ${detail}`);
  }
}
