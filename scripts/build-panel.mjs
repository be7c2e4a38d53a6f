#!/usr/bin/env node
// Builds the panel into panel/dist with Vite. `--if-stale` skips the build when dist is newer
// than every panel source file (npm start and npm install call it that way: a no-op costs
// a directory walk). Without Vite (a production install that omitted dev dependencies) it
// keeps an existing build and explains what to do when there is none, without failing.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const panel = join(root, 'panel');
const dist = join(panel, 'dist');
const stamp = join(dist, '.build-stamp');
const ifStale = process.argv.includes('--if-stale');

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'dist' && entry !== 'node_modules') visit(join(path, entry));
    } else if (!/\.test\.ts$/.test(path)) {
      newest = Math.max(newest, info.mtimeMs);
    }
  };
  visit(panel);
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) newest = Math.max(newest, statSync(lock).mtimeMs);
  return newest;
}

export function panelIsStale() {
  if (!existsSync(stamp) || !existsSync(join(dist, 'index.html'))) return true;
  return newestSource() > statSync(stamp).mtimeMs;
}

async function main() {
  if (ifStale && !panelIsStale()) return;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    if (existsSync(join(dist, 'index.html'))) {
      console.warn('panel: Vite is not installed (dev dependencies omitted); keeping the existing build in panel/dist.');
    } else {
      console.warn(
        'panel: Vite is not installed, so the panel cannot be built. Run "npm install" (with dev dependencies) and then "npm run build:panel". The API works without it.',
      );
    }
    return;
  }
  const started = performance.now();
  await vite.build({ configFile: join(panel, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  console.log(`panel: built into panel/dist in ${Math.round(performance.now() - started)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(`panel: build failed: ${error.message}`);
    process.exit(1);
  });
}
