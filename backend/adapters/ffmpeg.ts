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
    } catch { /* next folder */ }
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
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-2000); });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
