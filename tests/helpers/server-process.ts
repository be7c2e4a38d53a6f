import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const MAIN_SCRIPT = join(import.meta.dirname, '../../backend/main.ts');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Milliseconds from spawn to the "ready" log line. */
  readonly readyAfterMs: number;
  readonly output: string[];
  /** The first output line that matches, already printed or still to come. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/**
 * Runs `node backend/main.ts` as its own process (the way the Docker image does) and waits
 * for the structured "AniWorld is ready" line, which carries the bound port.
 */
export function startServerProcess(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  command?: string;
  args?: string[];
  uid?: number;
  gid?: number;
  readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(options.command ?? process.execPath, options.args ?? [MAIN_SCRIPT], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
  const output: string[] = [];
  const lineWaiters = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void }>();
  const record = (line: string) => {
    output.push(line);
    for (const waiter of lineWaiters) {
      if (!waiter.match(line)) continue;
      lineWaiters.delete(waiter);
      waiter.resolve(line);
    }
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not become ready:\n${output.join('\n')}`));
    }, options.readyTimeoutMs ?? 30_000);
    createInterface({ input: child.stderr! }).on('line', record);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      record(line);
      if (!line.includes('AniWorld is ready')) return;
      clearTimeout(timer);
      const port = Number(JSON.parse(line).port);
      resolve({
        child,
        url: `http://127.0.0.1:${port}`,
        port,
        readyAfterMs: performance.now() - started,
        output,
        waitForLine(match) {
          const printed = output.find(match);
          if (printed) return Promise.resolve(printed);
          return new Promise((resolve) => lineWaiters.add({ match, resolve }));
        },
        async stop(signal = 'SIGTERM') {
          const sent = performance.now();
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          const result = await exited;
          return { ...result, ms: performance.now() - sent };
        },
      });
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before ready:\n${output.join('\n')}`));
    });
  });
}
