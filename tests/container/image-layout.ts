import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copies, parseDockerfile, type Stage } from './dockerfile.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Lays out what the runtime stage of the Dockerfile produces, under `root` instead of `/`:
 * the repository files its COPY lines name, the production dependency tree in place of the
 * `deps` stage, and panel/dist (when built) in place of the `build` stage.
 *
 * The `deps` stage runs `npm ci --omit=dev`; offline, without a registry, we copy exactly the
 * packages `npm ls --omit=dev` resolves from the installed tree instead. That proves the same
 * thing (nothing from devDependencies is needed at run time) without network access.
 */
export function layOutImage(root: string): { workdir: string; env: Record<string, string>; entrypoint: string[]; cmd: string[]; skipped: string[] } {
  const { stages } = parseDockerfile();
  const runtime = stages[stages.length - 1];
  const workdir = join(root, lastArg(runtime, 'WORKDIR') ?? '/');
  const skipped: string[] = [];
  const target = (destination: string) => (destination.startsWith('/') ? join(root, destination) : join(workdir, destination));

  for (const copy of copies(runtime)) {
    if (copy.from === 'deps') {
      copyProductionDependencies(join(workdir, 'node_modules'));
      continue;
    }
    if (copy.from === 'build') {
      const built = join(REPO, 'panel', 'dist');
      if (existsSync(built)) cpSync(built, target(copy.destination), { recursive: true });
      else skipped.push('panel/dist (not built)');
      continue;
    }
    for (const source of copy.sources) {
      const destination = copy.destination.endsWith('/') || copy.sources.length > 1 ? join(target(copy.destination), source.split('/').pop()!) : target(copy.destination);
      mkdirSync(dirname(destination), { recursive: true });
      cpSync(join(REPO, source), destination, { recursive: true, filter: (path) => !/\.test\.ts$/.test(path) });
    }
  }

  const env: Record<string, string> = {};
  for (const instruction of runtime.instructions.filter((entry) => entry.keyword === 'ENV')) {
    for (const match of instruction.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[match[1]] = match[2].replace(/^"|"$/g, '');
  }
  const exec = (keyword: string) => JSON.parse(lastArg(runtime, keyword) ?? '[]') as string[];
  return { workdir, env, entrypoint: exec('ENTRYPOINT').map((part) => (part.startsWith('/usr/local/') ? join(root, part) : part)), cmd: exec('CMD'), skipped };
}

function lastArg(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
}

function copyProductionDependencies(destination: string): void {
  // npm ls exits non-zero for cosmetic problems (extraneous packages); the listing is still complete.
  const result = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 });
  const listing = result.stdout.trim().split('\n');
  if (listing.length < 10) throw new Error(`npm ls --omit=dev listed too little: ${result.stdout.slice(0, 200)}`);
  const topLevel = new Set<string>();
  for (const path of listing) {
    const inside = relative(join(REPO, 'node_modules'), path);
    if (inside === '' || inside.startsWith('..')) continue;
    // A nested node_modules travels with its parent package.
    const parts = inside.split('/');
    topLevel.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  for (const name of topLevel) {
    cpSync(join(REPO, 'node_modules', name), join(destination, name), { recursive: true, verbatimSymlinks: true });
  }
}
