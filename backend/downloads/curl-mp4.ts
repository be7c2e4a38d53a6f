import { spawn } from 'node:child_process';
import { readFile, stat, truncate, unlink } from 'node:fs/promises';
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
  const writer = curl.writer;
  // With a writer, curl's stdout (the body) is dd's stdin (each read written as it comes, up to
  // 1 MiB); the headers go to a file beside the .part and the result to stderr.
  const headerFile = writer ? `${options.partPath}.headers` : undefined;
  const args = [
    ...curl.prefix,
    '--silent',
    '--show-error',
    '--location',
    '--max-redirs',
    '10',
    '--proto',
    '=http,https',
    '--fail',
    '--connect-timeout',
    String(Math.max(1, Math.ceil(idleMs / 1000))),
    '--dump-header',
    headerFile ?? '-',
    '--output',
    writer ? '-' : options.partPath,
    '--write-out',
    `${writer ? '%{stderr}' : ''}${RESULT_MARK}%{json}`,
  ];
  // curl cannot measure a pipe: the resume offset is given (it is the .part's size either way).
  if (from > 0) args.push('--continue-at', writer ? String(from) : '-');
  for (const [name, value] of Object.entries(options.headers)) args.push('--header', `${name}: ${value}`);
  args.push('--', options.url);
  meter.reset(from);

  const child = spawn(curl.file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const dd = writer
    ? spawn(writer.file, [...writer.prefix, `of=${options.partPath}`, 'bs=1M', 'oflag=append', 'conv=notrunc', 'status=none'], {
        stdio: [child.stdout!, 'ignore', 'pipe'],
      })
    : undefined;
  // dd has its own copy of the body's pipe; ours is closed, so that either one stopping ends the other.
  if (dd) child.stdout!.destroy();
  let stdout = '';
  let stderr = '';
  let writerError = '';
  if (!dd) {
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (!stdout.includes(RESULT_MARK)) meter.setTotal(expectedTotal(lastHeaders(stdout), from));
    });
  }
  // The result (write-out) comes last on stderr with a writer: keep enough of the tail for it.
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-64_000);
  });
  dd?.stderr?.setEncoding('utf8').on('data', (text: string) => {
    writerError = (writerError + text).slice(-2000);
  });
  const exited = (process: ReturnType<typeof spawn>) =>
    new Promise<number>((resolve, reject) => {
      process.once('error', reject);
      process.once('close', (code, killedBy) => resolve(code ?? (killedBy ? -1 : 0)));
    });
  const closed = exited(child);
  const written = dd ? exited(dd) : Promise.resolve(0);

  // Progress and the idle timeout are watched from the .part's size; a new speed limit stops curl at once.
  let stopReason: unknown;
  const stop = (reason: unknown) => {
    stopReason ??= reason;
    // dd then writes what it still has and ends with the pipe: the .part keeps every byte received.
    child.kill('SIGKILL');
  };
  const onAbort = () => stop(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const unwatch = bucket.watch((rate) => {
    if (rate > 0) stop(new HandOver(from));
  });
  let seen = from;
  let lastGrowth = performance.now();
  let totalKnown = !headerFile;
  let host = options.url;
  try {
    host = new URL(options.url).host;
  } catch {
    /* curl reports it */
  }
  // Flushing as we go keeps dirty pages few (a NAS has little RAM) and the final fsync short,
  // with the disk writing while curl is still receiving.
  const flusher = new ProgressiveFlush(options.partPath);
  const poll = setInterval(
    () => {
      stat(options.partPath)
        .then(
          (info) => {
            if (info.size > seen) {
              // Body bytes arrive after the headers: the file has them by now.
              if (!totalKnown && headerFile) {
                totalKnown = true;
                readFile(headerFile, 'utf8').then(
                  (text) => meter.setTotal(expectedTotal(lastHeaders(text), from)),
                  () => {},
                );
              }
              meter.add(info.size - seen);
              seen = info.size;
              lastGrowth = performance.now();
              flusher.grew(seen);
            }
          },
          () => {},
        )
        .finally(() => {
          if (performance.now() - lastGrowth >= idleMs) stop(transient(`${host} sent nothing for ${Math.round(idleMs / 1000)} s`));
        });
    },
    Math.min(POLL_MS, Math.max(10, idleMs / 4)),
  );

  try {
    const [curlCode, writerCode] = await Promise.all([closed, written]);
    if (stopReason) throw stopReason;
    // dd failing (disk full) makes curl fail with 23 too: dd's message names the cause.
    if (writerCode !== 0) throw permanent(`Writing the video file failed (disk full or not writable): ${writerError.trim() || `dd exited with ${writerCode}`}`);
    const size = await fileSize(options.partPath);
    clearInterval(poll);
    // A poll still in flight must not count these bytes again.
    if (size > seen) meter.add(size - seen);
    seen = Math.max(seen, size);
    const [messages, resultText = '{}'] = (headerFile ? stderr : stdout).split(RESULT_MARK);
    const headerText = headerFile ? await readFile(headerFile, 'utf8').catch(() => '') : messages;
    const result = JSON.parse(resultText) as { http_code?: number; errormsg?: string | null };
    return {
      exitCode: curlCode,
      status: result.http_code ?? 0,
      headers: lastHeaders(headerText),
      message: result.errormsg ?? (headerFile ? messages : stderr).trim(),
      resumedFrom: from,
    };
  } finally {
    clearInterval(poll);
    await flusher.close();
    unwatch();
    signal?.removeEventListener('abort', onAbort);
    if (headerFile) await unlink(headerFile).catch(() => {});
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
      try {
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      } catch {
        /* a header Node would refuse too */
      }
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
    case 1:
    case 3:
    case 47:
      return permanent(`The video link cannot be fetched: ${detail}`);
    case 23:
      return permanent(`Writing the video file failed (disk full or not writable): ${detail}`);
    case 18:
      return transient(`The download ended early; it resumes on the next attempt (${detail})`);
    default:
      return transient(`The video download failed: ${detail}`);
  }
}
