import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../backend/cli/main.ts';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process against a temp data dir, with piped (non-TTY) streams. */
export async function cli(root: string, argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  const env: NodeJS.ProcessEnv = {
    ANIWORLD_DATA_DIR: join(root, 'data'),
    ANIWORLD_MEDIA_DIR: join(root, 'media'),
    ANIWORLD_PROVIDER_URL: 'http://127.0.0.1:9',
    ANIWORLD_WATCH: 'false',
    ...options.env,
  };
  const code = await runCli(argv, {
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stdout,
    stderr,
    env,
    cwd: root,
    bcryptRounds: 4,
  });
  return { code, stdout: out, stderr: err };
}
