import { Writable } from 'node:stream';

export interface CliStreams {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface CliIo extends CliStreams {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** bcrypt cost; tests lower it. */
  readonly bcryptRounds?: number;
}

/** A wrong command line: printed with a pointer to --help, exit code 64 (EX_USAGE). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function print(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/**
 * Where the app's log lines go in a CLI run: only warnings and worse, as plain text on stderr
 * (the log file still gets everything at the configured level).
 */
export function warningsTo(stream: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: string };
          if ((entry.level ?? 0) >= 40) stream.write(`${(entry.level ?? 0) >= 50 ? 'error' : 'warning'}: ${entry.msg ?? ''}\n`);
        } catch {
          /* not a log line */
        }
      }
      callback();
    },
  });
}

/** Reads all of stdin (piped input). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal without echoing what is typed. Rejects on Ctrl-C or Ctrl-D. */
export function promptHidden(io: CliStreams, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    io.stderr.write(question);
    io.stdin.setRawMode?.(true);
    io.stdin.resume();
    let value = '';
    const finish = (error?: Error) => {
      io.stdin.removeListener('data', onData);
      io.stdin.setRawMode?.(false);
      io.stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer | string) => {
      for (const char of String(data)) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new Error('Cancelled.'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    io.stdin.on('data', onData);
  });
}

/** A one-line progress bar on a TTY; silent otherwise (logs and --json stay clean). */
export function progressBar(stream: CliStreams['stderr'], label: string): { update(current: number, total: number, detail?: string): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  let drawn = false;
  return {
    update(current, total, detail = '') {
      const width = 30;
      const ratio = total > 0 ? Math.min(1, current / total) : 0;
      const filled = Math.round(ratio * width);
      const room = Math.max(0, (stream.columns ?? 80) - width - label.length - 20);
      stream.write(`\r\u001b[2K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${current}/${total} ${detail.slice(0, room)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Left-aligned columns for list output. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')).join('\n');
}
