import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { COMMANDS, runCli } from '../../backend/cli/main.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startTestApp, TEST_PASSWORD } from '../helpers/test-app.ts';
import { cli } from './cli-harness.ts';

const run = promisify(execFile);
let temp: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir('aniworld-cli-');
});
afterEach(async () => {
  await temp.remove();
});

describe('aniworld CLI: help and usage errors', () => {
  it('lists every command and has --help for each', async () => {
    const help = await cli(temp.path, ['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) {
      expect(help.stdout).toContain(command.name);
      const own = await cli(temp.path, [command.name, '--help']);
      expect(own.code, command.name).toBe(0);
      expect(own.stdout).toContain(`Usage:\n  aniworld ${command.name}`);
    }
  });

  it('exits 64 with a pointer to --help on unknown commands, options and actions', async () => {
    const unknown = await cli(temp.path, ['frobnicate']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const option = await cli(temp.path, ['status', '--loud']);
    expect(option.code).toBe(64);
    expect(option.stderr).toContain('aniworld status --help');
    expect((await cli(temp.path, ['backup'])).code).toBe(64);
    expect((await cli(temp.path, ['backup', 'restore'])).code).toBe(64);
  });

  it('takes an option value after "=" or as the next argument', async () => {
    // No SQLite database in an empty data folder: getting that far means the URL was read.
    const joined = await cli(temp.path, ['migrate-to-postgres', '--url=postgresql://aniworld@127.0.0.1:9/aniworld']);
    expect(joined.code).toBe(64);
    expect(joined.stderr).not.toContain('Unknown option');
    expect(joined.stderr).toContain('There is no SQLite database at');
    const wrong = await cli(temp.path, ['migrate-to-postgres', '--url=mysql://127.0.0.1/aniworld']);
    expect(wrong.stderr).toContain('"mysql://127.0.0.1/aniworld" is not a postgresql:// URL');
    const separate = await cli(temp.path, ['migrate-to-postgres', '--url', 'mysql://127.0.0.1/other']);
    expect(separate.stderr).toContain('"mysql://127.0.0.1/other" is not a postgresql:// URL');
    const empty = await cli(temp.path, ['migrate-to-postgres', '--url']);
    expect(empty.code).toBe(64);
    expect(empty.stderr).toContain("Option '--url <value>' argument missing");
  });

  it('names an unknown option and how to pass a value that starts with a dash', async () => {
    const negative = await cli(temp.path, ['queue', 'add', 'some-show', '-1', '2']);
    expect(negative.code).toBe(64);
    expect(negative.stderr).toContain('Unknown option "-1" for queue');
    expect(negative.stderr).toContain('aniworld queue -- -1');
    const dashed = await cli(temp.path, ['queue', 'add', '--', 'some-show', '-1', '2']);
    expect(dashed.code).toBe(64);
    expect(dashed.stderr).toContain('The season must be a whole number of at least 0 (got "-1")');
  });

  it('exits 78 with the list of problems on bad configuration', async () => {
    const result = await cli(temp.path, ['status'], { env: { PORT: 'eighty' } });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('PORT');
  });
});

describe('aniworld CLI: commands', () => {
  it('status and health report on the data folder, as text and JSON', async () => {
    const status = await cli(temp.path, ['status', '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed).toMatchObject({ data_dir: join(temp.path, 'data'), configured: false, health: 'ok', series: 0, backups: 0 });
    const health = await cli(temp.path, ['health']);
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(/^status: ok/);
    expect(health.stdout).toContain('storage: ok');
  });

  it('reset-password applies the policy, changes the password and signs out every session', async () => {
    let app = await startTestApp({ root: temp.path });
    const oldToken = await app.login();
    await app.stop();

    const weak = await cli(temp.path, ['reset-password'], { stdin: 'password\n' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('must contain an upper-case letter');
    const changed = await cli(temp.path, ['reset-password'], { stdin: 'New-Secret-42\nignored second line\n' });
    expect(changed.code).toBe(0);
    expect(changed.stdout).not.toContain('New-Secret-42');

    app = await startTestApp({ root: temp.path });
    try {
      expect((await app.request('GET', '/api/config', { token: oldToken })).status).toBe(401);
      expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(401);
      expect((await app.request('POST', '/api/auth/login', { body: { password: 'New-Secret-42' } })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('backup create, list and restore bring back both the settings and the database', async () => {
    const app = await startTestApp({ root: temp.path });
    await app.login();
    await app.stop();

    const created = await cli(temp.path, ['backup', 'create', '--json']);
    expect(created.code).toBe(0);
    const [configBackup, databaseBackup] = JSON.parse(created.stdout) as { name: string; kind: string }[];
    expect(configBackup.kind).toBe('config');
    expect(databaseBackup.name).toMatch(/^aniworld-\d{8}T\d{9}Z-manual\.db$/);

    // Change both after the backup: a new password (database) and a setting (config file).
    expect((await cli(temp.path, ['reset-password'], { stdin: 'Other-Secret-7\n' })).code).toBe(0);
    const later = await startTestApp({ root: temp.path });
    const laterToken = await later.request('POST', '/api/auth/login', { body: { password: 'Other-Secret-7' } });
    expect((await later.request('PUT', '/api/config', { token: laterToken.body.access_token, body: { downloads: { concurrency: 7 } } })).status).toBe(200);
    await later.stop();

    const list = await cli(temp.path, ['backup', 'list']);
    expect(list.stdout).toContain(databaseBackup.name);
    expect(list.stdout).toContain(configBackup.name);

    const restoredDb = await cli(temp.path, ['backup', 'restore', databaseBackup.name]);
    expect(restoredDb.code).toBe(0);
    expect(restoredDb.stdout).toMatch(/previous state is saved as aniworld-\d{8}T\d{9}Z-pre-restore\.db/);
    const restoredConfig = await cli(temp.path, ['backup', 'restore', configBackup.name]);
    expect(restoredConfig.code).toBe(0);
    const missing = await cli(temp.path, ['backup', 'restore', 'aniworld-20000101T000000000Z-manual.db']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No database backup named');

    const after = await startTestApp({ root: temp.path });
    try {
      expect((await after.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(200);
      const config = await after.request('GET', '/api/config', { token: await after.login() });
      expect(config.body.downloads.concurrency).toBe(2);
    } finally {
      await after.stop();
    }
  });
});

describe('aniworld backup restore at the edge of the rotation', () => {
  it('restores the oldest kept backup even though its own safety copy rotates it out', async () => {
    const names: string[] = [];
    for (let index = 0; index < 5; index++) {
      const created = await cli(temp.path, ['backup', 'create', '--json']);
      names.push((JSON.parse(created.stdout) as { name: string; kind: string }[]).find((entry) => entry.kind === 'database')!.name);
    }
    const restored = await cli(temp.path, ['backup', 'restore', names[0]]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    const list = await cli(temp.path, ['backup', 'list']);
    expect(list.stdout).not.toContain(names[0]);
    expect(list.stdout).toMatch(/pre-restore\.db/);
  }, 60_000);
});

describe('aniworld CLI: the package bin', () => {
  it('runs as a process with the exit code and output of the command', async () => {
    const bin = fileURLToPath(new URL('../../scripts/aniworld.mjs', import.meta.url));
    const env = { ...process.env, ANIWORLD_DATA_DIR: join(temp.path, 'data'), ANIWORLD_MEDIA_DIR: join(temp.path, 'media'), PUID: '' };
    const version = await run(process.execPath, [bin, '--version'], { env });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const status = await run(process.execPath, [bin, 'status', '--json'], { env, cwd: temp.path });
    expect(JSON.parse(status.stdout).data_dir).toBe(join(temp.path, 'data'));
    await expect(run(process.execPath, [bin, 'nope'], { env })).rejects.toMatchObject({ code: 64 });
  }, 120_000);
});

describe('aniworld reset-password on a terminal', () => {
  it('asks twice without echo, handles backspace, and refuses differing answers', async () => {
    const terminal = (keys: string[]) => {
      const stdin = Object.assign(new PassThrough(), {
        isTTY: true,
        rawModes: [] as boolean[],
        setRawMode(mode: boolean) {
          this.rawModes.push(mode);
        },
      });
      const stderr = Object.assign(new PassThrough(), { isTTY: true });
      const stdout = new PassThrough();
      let shown = '';
      let printed = '';
      stderr.on('data', (chunk) => {
        shown += String(chunk);
        // Type the next answer once a question is on screen.
        if (/: $/.test(shown) && keys.length > 0) stdin.write(keys.shift()!);
      });
      stdout.on('data', (chunk) => {
        printed += String(chunk);
      });
      const io = {
        stdin,
        stdout,
        stderr,
        env: { ANIWORLD_DATA_DIR: join(temp.path, 'data'), ANIWORLD_MEDIA_DIR: join(temp.path, 'media') },
        cwd: temp.path,
        bcryptRounds: 4,
      };
      return { io, stdin, output: () => shown + printed };
    };

    const same = terminal(['Typo-Pass1!x\u007f\r', 'Typo-Pass1!\r']);
    expect(await runCli(['reset-password'], same.io)).toBe(0);
    expect(same.output()).toContain('New master password: ');
    expect(same.output()).toContain('Master password changed');
    expect(same.output()).not.toContain('Typo-Pass1');
    expect(same.stdin.rawModes).toEqual([true, false, true, false]);

    const differing = terminal(['First-Pass1!\r', 'Other-Pass1!\r']);
    expect(await runCli(['reset-password'], differing.io)).toBe(64);
    expect(differing.output()).toContain('The two passwords differ');

    const app = await startTestApp({ root: temp.path });
    try {
      expect((await app.request('POST', '/api/auth/login', { body: { password: 'Typo-Pass1!' } })).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
