import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../helpers/free-port.ts';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * podman for the container suite: the real image built from the Dockerfile and run the way a NAS
 * runs it. Everything is asynchronous on purpose: the fixture site the containers download from
 * lives in the test process, so a blocking call would stall the very transfer it waits for.
 *
 * - runtime: scripts/podman/runc-without-rlimits (sandboxes that forbid setrlimit; harmless elsewhere)
 * - network: the host's (no bridge networking here); each container gets its own free PORT
 * - base image: the node:24-bookworm-slim stand-in of scripts/podman/base-image.sh (cached)
 */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RUNTIME = join(REPO, 'scripts', 'podman', 'runc-without-rlimits');
const PODMAN = ['--runtime', RUNTIME];

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; never throws for a non-zero exit (callers assert on it). */
export function run(file: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 0, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : '') });
    });
  });
}

export const podman = (...args: string[]) => run('podman', [...PODMAN, ...args]);

/** Throws with podman's own words when a command failed. */
export async function podmanOk(...args: string[]): Promise<string> {
  const result = await podman(...args);
  if (result.code !== 0) throw new Error(`podman ${args.slice(0, 3).join(' ')} ... exited ${result.code}: ${result.stderr.trim().slice(-2000)}`);
  return result.stdout.trim();
}

/**
 * Why podman cannot run containers on this machine, or undefined when it can. The probe runs
 * the host's own root file system (an overlay on top, so nothing is written to it): no image,
 * no registry, about a second.
 */
export async function podmanUnavailable(): Promise<string | undefined> {
  // Rootful, as CI runs it: the suite hands bind mounts to PUID with chown and mounts a small disk.
  if (process.getuid?.() !== 0) return `the container suite runs podman as root (rootful, like CI), and this is uid ${process.getuid?.()}`;
  const version = await run('podman', ['--version']);
  if (version.code !== 0) return 'podman is not installed (scripts/install-system-deps.sh installs it as root)';
  const probe = await podman('run', '--rm', '--network=host', '--rootfs', '/:O', 'true');
  if (probe.code !== 0) return `podman cannot start a container here: ${lastLine(probe.stderr) || `exit ${probe.code}`}`;
  return undefined;
}

/** The node:24-bookworm-slim stand-in, built once per machine (scripts/podman/base-image.sh). */
export async function baseImage(): Promise<string> {
  const result = await run('bash', [join(REPO, 'scripts', 'podman', 'base-image.sh')]);
  if (result.code !== 0) throw new Error(`the base image could not be built: ${result.stderr.trim().slice(-2000)}`);
  return lastLine(result.stdout);
}

/**
 * `podman build` of a checkout's Dockerfile as the README describes it, with the docker format
 * (OCI drops HEALTHCHECK). npm's cache on this machine is mounted into the build, so `npm ci`
 * reads tarballs it already has instead of the registry.
 */
export async function buildImage(context: string, tag: string, base: string, buildArgs: Record<string, string> = {}): Promise<{ seconds: number }> {
  const started = performance.now();
  const npmCache = process.env.npm_config_cache || join(homedir(), '.npm');
  const args = Object.entries({ NODE_IMAGE: base, ...buildArgs }).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]);
  await podmanOk('build', '--format', 'docker', '--pull=never', '--network=host', '--volume', `${npmCache}:/root/.npm`, ...args, '--tag', tag, context);
  return { seconds: (performance.now() - started) / 1000 };
}

/** A tag that is this checkout's own, so several checkouts on one machine do not overwrite each other's image. */
export function checkoutTag(name: string): string {
  return `localhost/${name}:${createHash('sha256').update(REPO).digest('hex').slice(0, 12)}`;
}

export interface RunOptions {
  readonly env?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly user?: string;
  readonly extra?: readonly string[];
}

/** One container, started detached with a name of its own. */
export class Container {
  readonly name: string;
  readonly port: number;

  private constructor(name: string, port: number) {
    this.name = name;
    this.port = port;
  }

  static async start(image: string, options: RunOptions = {}): Promise<Container> {
    const port = await freePort();
    const name = `aniworld-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const env = { PORT: String(port), ...options.env };
    await podmanOk(
      'run',
      '--detach',
      '--name',
      name,
      '--network=host',
      ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      ...(options.volumes ?? []).flatMap((volume) => ['--volume', volume]),
      ...(options.user ? ['--user', options.user] : []),
      ...(options.extra ?? []),
      image,
    );
    return new Container(name, Number(env.PORT));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Resolves once the log has shown the app's "AniWorld is ready" line `times` times (a restarted
   * container keeps its earlier lines); rejects with the log when the container exits first.
   */
  ready(times = 1, timeoutMs = 90_000): Promise<void> {
    return this.waitForLog((line) => line.includes('"msg":"AniWorld is ready"'), times, timeoutMs);
  }

  waitForLog(matches: (line: string) => boolean, times = 1, timeoutMs = 90_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const follower = spawn('podman', [...PODMAN, 'logs', '--follow', this.name], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: string[] = [];
      let seen = 0;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        follower.kill();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(new Error(`${this.name}: no match in the log after ${timeoutMs} ms:\n${lines.slice(-30).join('\n')}`)), timeoutMs);
      const onLine = (line: string) => {
        lines.push(line);
        if (matches(line) && ++seen === times) finish();
      };
      createInterface({ input: follower.stdout! }).on('line', onLine);
      createInterface({ input: follower.stderr! }).on('line', onLine);
      // `logs --follow` ends when the container stops.
      follower.once('exit', () => finish(new Error(`${this.name} stopped before the log matched:\n${lines.slice(-30).join('\n')}`)));
    });
  }

  exec(...command: string[]): Promise<Result> {
    return podman('exec', this.name, ...command);
  }

  /** `podman stop` (SIGTERM, SIGKILL after `timeout` s); returns how long it took and the exit code. */
  async stop(timeoutSeconds = 10): Promise<{ seconds: number; exitCode: number }> {
    const started = performance.now();
    await podmanOk('stop', '--time', String(timeoutSeconds), this.name);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, exitCode: Number(await podmanOk('inspect', '--format', '{{.State.ExitCode}}', this.name)) };
  }

  async start(): Promise<void> {
    await podmanOk('start', this.name);
  }

  /** The exit code once the container has stopped by itself. */
  async exited(): Promise<number> {
    return Number(lastLine(await podmanOk('wait', this.name)));
  }

  async logs(): Promise<string> {
    const result = await podman('logs', this.name);
    return result.stdout + result.stderr;
  }

  async inspect(format: string): Promise<string> {
    return podmanOk('inspect', '--format', format, this.name);
  }

  /** uid and command line of every process in the container (from /proc, the image has no ps). */
  async processes(): Promise<{ pid: number; uid: number; gid: number; args: string }[]> {
    const script =
      'for d in /proc/[0-9]*; do [ -r "$d/cmdline" ] || continue; printf "%s\\t%s\\t%s\\t%s\\n" "${d#/proc/}" "$(awk \'/^Uid:/{print $2}\' "$d/status")" "$(awk \'/^Gid:/{print $2}\' "$d/status")" "$(tr "\\0" " " < "$d/cmdline")"; done';
    const result = await this.exec('sh', '-c', script);
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((parts) => parts[3]?.trim())
      .map(([pid, uid, gid, args]) => ({ pid: Number(pid), uid: Number(uid), gid: Number(gid), args: args.trim() }));
  }

  async remove(): Promise<void> {
    await podman('rm', '--force', '--time', '0', this.name);
  }
}

/** A temp folder for volumes, removable even when containers wrote files as other users (we are root). */
export async function volumeRoot(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'aniworld-podman-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
