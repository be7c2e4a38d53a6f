import { open, type FileHandle } from 'node:fs/promises';

const FLUSH_EVERY_BYTES = 64 * 1024 * 1024;

/**
 * fdatasync of a file another process writes (curl, ffmpeg), each time another FLUSH_EVERY_BYTES
 * arrived: the disk writes while the transfer runs, the final fsync before the rename is short,
 * and dirty pages stay few on a NAS with little RAM.
 */
export class ProgressiveFlush {
  readonly #path: string;
  #handle: Promise<FileHandle | undefined> | undefined;
  #running: Promise<void> | undefined;
  #flushedAt = 0;

  constructor(path: string) {
    this.#path = path;
  }

  grew(size: number): void {
    if (this.#running || size - this.#flushedAt < FLUSH_EVERY_BYTES) return;
    this.#handle ??= open(this.#path, 'r').catch(() => undefined);
    this.#running = this.#handle
      .then((handle) => handle?.datasync())
      .then(
        () => {
          this.#flushedAt = size;
        },
        () => {},
      )
      .finally(() => {
        this.#running = undefined;
      });
  }

  async close(): Promise<void> {
    await this.#running;
    await (await this.#handle)?.close();
  }
}
