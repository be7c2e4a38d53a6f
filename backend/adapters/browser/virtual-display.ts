import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

const XVFB_CANDIDATES = ['/usr/bin/Xvfb', '/usr/local/bin/Xvfb'];

export function findXvfb(): string | undefined {
  return XVFB_CANDIDATES.find((path) => existsSync(path));
}

export interface VirtualDisplay {
  /** The DISPLAY value for programs that should draw on it, e.g. ":99". */
  readonly display: string;
  close(): Promise<void>;
}

/**
 * A virtual X display (Debian's xvfb) for a headed browser on a machine without a screen: some
 * checks refuse headless Chromium, a headed one on Xvfb passes. Xvfb picks a free display number
 * itself and writes it to the descriptor given with -displayfd, so two of them never collide.
 */
export async function startVirtualDisplay(options: { executable?: string; width?: number; height?: number; timeoutMs?: number } = {}): Promise<VirtualDisplay> {
  const executable = options.executable ?? findXvfb();
  if (!executable) throw new Error('Xvfb is not installed (Debian package xvfb); a headed browser needs it on a machine without a screen');
  const screen = `${options.width ?? 1920}x${options.height ?? 1080}x24`;
  const child = spawn(executable, ['-displayfd', '3', '-screen', '0', screen, '-nolisten', 'tcp', '-noreset'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const display = await new Promise<string>((resolve, reject) => {
    let number = '';
    let errors = '';
    const timer = setTimeout(
      () => fail(new Error(`Xvfb did not start within ${options.timeoutMs ?? 10_000} ms: ${errors.trim()}`)),
      options.timeoutMs ?? 10_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stderr!.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-2000);
    });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      number += chunk.toString();
      if (!number.includes('\n')) return;
      clearTimeout(timer);
      resolve(`:${number.trim()}`);
    });
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`Xvfb exited (${code}) before it was ready: ${errors.trim()}`)));
  });
  child.removeAllListeners('exit');
  return { display, close: () => stopProcess(child) };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
