#!/usr/bin/env node
// The `aniworld` command (package bin). In the container, `docker exec aniworld aniworld ...`
// starts as root: switch to PUID/PGID first so that files it writes (backups, the database's
// journal, logs) stay owned by the user the server runs as.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import module from 'node:module';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `aniworld needs Node.js 24 or newer (this is ${process.version}). Run it through "npx aniworld" in the project folder or inside the container.\n`,
  );
  process.exit(1);
}

const { PUID, PGID = '100', UMASK } = process.env;
if (UMASK && /^[0-7]{3,4}$/.test(UMASK)) process.umask(Number.parseInt(UMASK, 8));

if (process.getuid?.() === 0 && PUID && PUID !== '0' && /^\d+$/.test(PUID) && /^\d+$/.test(PGID)) {
  const result = spawnSync(
    'setpriv',
    ['--reuid', PUID, '--regid', PGID, '--clear-groups', '--', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, PUID: '' } },
  );
  if (result.error) {
    process.stderr.write(`aniworld: cannot switch to PUID ${PUID}/PGID ${PGID} (${result.error.message}); unset PUID to run as root.\n`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}

// V8's code cache (and the stripped TypeScript) of the modules below, kept between runs: a command
// then starts in about two thirds of the CPU time. NODE_COMPILE_CACHE picks the folder (the image
// sets one); without it Node uses one in the system temp folder. A folder it cannot write is skipped.
module.enableCompileCache?.();
const { runCli } = await import('../backend/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
