import type { Readable } from 'node:stream';
import type { WriteStream } from 'node:fs';

export interface PumpHooks {
  /** Sees every chunk as it arrives (progress, idle timeout). */
  onChunk(length: number): void;
  /** A promise to wait for before reading on (the speed limit), or undefined to go straight on. */
  throttle(length: number): Promise<void> | undefined;
}

/**
 * Moves `source` into `file` until the end, then waits for the file to close (with `flush: true`
 * that includes the fsync). Hand-rolled instead of `pipeline(source, transform, file)`: a
 * Transform stage for counting and throttling costs a stream hop per chunk, which on a fast link
 * is most of the difference to curl. Reading pauses while the file is behind or the speed limit
 * holds it; either can hold it, and it resumes only when neither does. On failure both streams
 * are destroyed; what reached the file stays there (a later attempt resumes from it).
 */
export function pumpToFile(source: Readable, file: WriteStream, hooks: PumpHooks): Promise<void> {
  return new Promise((resolve, reject) => {
    let holds = 0;
    let failed = false;
    const hold = () => {
      if (holds++ === 0) source.pause();
    };
    const release = () => {
      if (--holds === 0 && !failed) source.resume();
    };
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.destroy();
      file.destroy();
      // The file's own close (after destroy) must finish before a retry reopens the same path.
      if (file.closed) reject(error);
      else file.once('close', () => reject(error));
    };
    source.on('data', (chunk: Buffer) => {
      hooks.onChunk(chunk.length);
      if (!file.write(chunk)) {
        hold();
        file.once('drain', release);
      }
      const wait = hooks.throttle(chunk.length);
      if (wait) {
        hold();
        wait.then(release, fail);
      }
    });
    source.once('end', () => file.end());
    source.once('error', fail);
    // A source closed without 'end' (destroyed by an abort that carried no error) is a failure too.
    source.once('close', () => {
      if (!source.readableEnded) fail(source.errored ?? new Error('The download stopped before the end'));
    });
    file.once('error', fail);
    file.once('close', () => {
      if (!failed) resolve();
    });
  });
}
