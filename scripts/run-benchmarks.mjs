// `npm run bench`: runs every `bench:*` script in package.json one after the other (never in
// parallel: they measure time and memory) and stops at the first failure.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const names = Object.keys(manifest.scripts).filter((name) => name.startsWith('bench:')).sort();
for (const name of names) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
