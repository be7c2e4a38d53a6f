import { findExecutable } from './ffmpeg.ts';

/** How to start curl: the program and the arguments that go before curl's own. */
export interface CurlCommand {
  readonly file: string;
  readonly prefix: readonly string[];
  /**
   * coreutils' dd, started the same way, that writes what curl receives: two processes (one
   * receiving, one writing in blocks of up to 1 MiB) finish well before `curl -o` alone. Null: curl writes.
   */
  readonly writer: { readonly file: string; readonly prefix: readonly string[] } | null;
}

/**
 * Debian's curl, started through util-linux's `setpriv --pdeathsig KILL` so that it dies with
 * us: a curl left running after a crash would go on appending to the .part that the restarted
 * process resumes from. Without either program there is no curl command (the Node transfer runs).
 */
export async function findCurl(pathVariable = process.env.PATH ?? ''): Promise<CurlCommand | null> {
  const [curl, setpriv, dd] = await Promise.all([
    findExecutable('curl', pathVariable),
    findExecutable('setpriv', pathVariable),
    findExecutable('dd', pathVariable),
  ]);
  if (!curl || !setpriv) return null;
  return { file: setpriv, prefix: ['--pdeathsig', 'KILL', '--', curl], writer: dd ? { file: setpriv, prefix: ['--pdeathsig', 'KILL', '--', dd] } : null };
}
