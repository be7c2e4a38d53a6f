import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { freePort } from '../helpers/free-port.ts';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.ts';

export interface PostgresServer {
  /** postgresql://aniworld@127.0.0.1:<port>/aniworld */
  readonly url: string;
  readonly port: number;
  /** Creates another empty database on the same server and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const DEBIAN_BINARIES = '/usr/lib/postgresql';
const NOBODY = 65534;

/** The newest Debian PostgreSQL bin directory (scripts/install-system-deps.sh installs it), or undefined. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(DEBIAN_BINARIES)) return undefined;
  const versions = readdirSync(DEBIAN_BINARIES)
    .filter((name) => existsSync(join(DEBIAN_BINARIES, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(DEBIAN_BINARIES, versions[0], 'bin') : undefined;
}

/**
 * A throwaway PostgreSQL server: initdb into a temp dir, a free port on 127.0.0.1, the unix socket
 * in the temp dir, trust auth. PostgreSQL refuses to run as root, so under root it runs as nobody.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: run scripts/install-system-deps.sh (Debian package postgresql)');
  const temp = await makeTempDir('aniworld-pg-');
  const dataDir = join(temp.path, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(temp.path, 0o755);
    chownSync(temp.path, NOBODY, NOBODY);
  }
  const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'aniworld', '--auth=trust', '--encoding=UTF8', '--no-sync'], { encoding: 'utf8', ...user });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      temp.path,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], ...user },
  );
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited (${code}):\n${output.join('')}`));
    });
  });
  const base = `postgresql://aniworld@127.0.0.1:${port}`;
  const psql = (sql: string) => {
    const result = spawnSync(
      join(bin, 'psql'),
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'aniworld', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  };
  psql('create database aniworld');
  return {
    url: `${base}/aniworld`,
    port,
    async createDatabase(name) {
      psql(`create database "${name}"`);
      return `${base}/${name}`;
    },
    async stop() {
      await stopProcess(child);
      await temp.remove();
    },
  };
}

/**
 * SIGTERM is PostgreSQL's "smart shutdown": it takes no new sessions and exits once the last one
 * has ended, so a client that is just closing (a pool ending its connections) is not cut off with
 * 57P01, which would surface as an unhandled error in a test that did nothing wrong. A session
 * still open after 5 s is a leak: "fast shutdown" (SIGINT) then cuts it off and it shows.
 */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const fast = setTimeout(() => child.kill('SIGINT'), 5_000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(fast);
  clearTimeout(kill);
}
