/**
 * How a failed transfer should be treated. Transient: worth another attempt later (timeouts,
 * resets, 5xx, a connection that closed early). Permanent: another attempt gives the same answer
 * (404, a web page instead of media, a stream we cannot read).
 */
export type FailureKind = 'transient' | 'permanent';

export class TransferError extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;

  constructor(kind: FailureKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TransferError';
    this.kind = kind;
    this.status = options.status;
  }
}

export function transient(message: string, options: { status?: number; cause?: unknown } = {}): TransferError {
  return new TransferError('transient', message, options);
}

export function permanent(message: string, options: { status?: number; cause?: unknown } = {}): TransferError {
  return new TransferError('permanent', message, options);
}

/** An HTTP status of a media or playlist answer, as a typed error. */
export function statusError(status: number, what: string): TransferError {
  if (status === 404 || status === 410) return permanent(`${what} is gone (HTTP ${status})`, { status });
  if (status === 408 || status === 429 || status >= 500) return transient(`${what} failed (HTTP ${status})`, { status });
  return permanent(`${what} was refused (HTTP ${status})`, { status });
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

export function isAbort(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'AbortError';
}

/**
 * Maps whatever a transfer threw to a kind. Network-level failures are transient; anything
 * unknown is transient too, so that a surprise costs a bounded number of retries, not the item.
 */
export function classify(error: unknown): FailureKind {
  if (error instanceof TransferError) return error.kind;
  if (isNetworkFailure(error)) return 'transient';
  const code = errorCode(error);
  if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS') return 'permanent';
  return 'transient';
}

/** A network-level failure: the other side could not be reached, reset the connection or timed out. */
export function isNetworkFailure(error: unknown): boolean {
  if ((error as Error | undefined)?.name === 'TimeoutError') return true;
  const code = errorCode(error);
  return code !== undefined && (TRANSIENT_CODES.has(code) || code.startsWith('UND_ERR'));
}

/** fetch reports network failures as TypeError('fetch failed') with the socket error as cause. */
function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? ((error as Error | undefined)?.cause as NodeJS.ErrnoException | undefined)?.code;
}
