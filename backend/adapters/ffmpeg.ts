import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** The absolute path of an executable on PATH, or null when it is not installed. */
export async function findExecutable(name: string, pathVariable = process.env.PATH ?? ''): Promise<string | null> {
  for (const folder of pathVariable.split(delimiter).filter(Boolean)) {
    const candidate = join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next folder */
    }
  }
  return null;
}

/**
 * Copies the streams of `input` into an MP4 container without re-encoding (`-c copy`).
 * Aborting kills ffmpeg; a failure carries the last lines ffmpeg printed.
 */
export function remuxToMp4(ffmpeg: string, input: string, output: string, options: { inputFormat?: string; signal?: AbortSignal } = {}): Promise<void> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  if (options.inputFormat) args.push('-f', options.inputFormat);
  args.push('-i', input, '-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-f', 'mp4', output);
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'], signal: options.signal, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** Bytes queued for ffmpeg's stdin before the download waits for it. */
const REMUX_BACKLOG = 16 * 1024 * 1024;

export interface StreamingRemux {
  /** Feeds the next bytes of the input; resolves when ffmpeg can take more. */
  write(chunks: readonly Uint8Array[]): Promise<void>;
  /** Ends the input and waits for ffmpeg to finish the MP4. */
  end(): Promise<void>;
  /** Kills ffmpeg (the output is left for the caller to remove). */
  kill(): void;
}

/**
 * ffmpeg reading the input from stdin while it arrives (`-f mpegts -i pipe:0 -c copy`), so that
 * remuxing overlaps the download instead of following it. The output must be a file (MP4 needs seeking).
 */
export function startRemux(ffmpeg: string, output: string, options: { inputFormat: string }): StreamingRemux {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    options.inputFormat,
    '-i',
    'pipe:0',
    '-map',
    '0:v?',
    '-map',
    '0:a?',
    '-c',
    'copy',
    '-f',
    'mp4',
    output,
  ];
  // -nostdin only stops ffmpeg reading keys from the terminal; pipe:0 is still the input.
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  exited.catch(() => {});
  child.stdin.on('error', () => {});
  let broken: Error | undefined;
  return {
    write(chunks) {
      if (broken || child.exitCode !== null || child.stdin.destroyed)
        return exited.then(() => {
          throw broken ?? new Error('ffmpeg stopped reading');
        });
      if (chunks.length === 0) return Promise.resolve();
      // cork/uncork hands the whole list to the pipe in one writev.
      child.stdin.cork();
      for (const chunk of chunks)
        child.stdin.write(chunk, (error) => {
          if (error) broken ??= error;
        });
      child.stdin.uncork();
      // The download runs ahead of ffmpeg by up to REMUX_BACKLOG bytes instead of waiting for
      // every segment to pass the 64 KiB pipe: the two then overlap instead of taking turns.
      if (child.stdin.writableLength <= REMUX_BACKLOG) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const settle = () => {
          child.stdin.off('drain', settle);
          child.stdin.off('close', settle);
          if (broken || child.stdin.destroyed) reject(broken ?? new Error('ffmpeg stopped reading'));
          else resolve();
        };
        child.stdin.on('drain', settle);
        child.stdin.on('close', settle);
      });
    },
    async end() {
      child.stdin.end();
      await exited;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
