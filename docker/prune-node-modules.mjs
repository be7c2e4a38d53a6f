// Runs in the image's deps stage after `npm ci --omit=dev`: deletes what the runtime never loads.
// - native modules ship prebuilt binaries for every platform; only this platform's stays;
// - better-sqlite3 also ships the SQLite amalgamation and its C++ sources (for builds from source);
// - type declarations (some production packages depend on @types/*): Node strips types, never reads .d.ts;
// - playwright-core's tool UIs.
// Then loads both native modules once, so a wrong deletion fails the build, not the first start.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const modules = process.argv[2] ?? 'node_modules';
const platform = `${process.platform}-${process.arch}`;
const glibc = Boolean(process.report.getReport().header.glibcVersionRuntime);
const remove = (...parts) => rmSync(join(modules, ...parts), { recursive: true, force: true });
const keepOnly = (dir, keep) => {
  for (const entry of readdirSync(join(modules, dir))) if (entry !== keep) remove(dir, entry);
};

// better-sqlite3: prebuilds/<linux|linuxmusl|darwin|win32>-<arch>.node
keepOnly('better-sqlite3/prebuilds', `${glibc ? process.platform : 'linuxmusl'}-${process.arch}.node`);
for (const path of ['deps', 'src', 'binding.gyp']) remove('better-sqlite3', path);

// bcrypt: prebuilds/<platform>-<arch>/bcrypt.<glibc|musl>.node (node-gyp-build picks the libc)
keepOnly('bcrypt/prebuilds', platform);
if (process.platform === 'linux') keepOnly(`bcrypt/prebuilds/${platform}`, `bcrypt.${glibc ? 'glibc' : 'musl'}.node`);
for (const path of ['src', 'test', 'examples', 'binding.gyp', 'Dockerfile', 'Dockerfile-alpine', 'Makefile', 'build-all.sh']) remove('bcrypt', path);

remove('@types');
// playwright-core: the web apps of its CLI tools (trace viewer, recorder, HTML report); launching a browser never serves them.
remove('playwright-core', 'lib', 'vite');

const require = createRequire(join(process.cwd(), modules, 'package.json'));
const Database = require('better-sqlite3');
new Database(':memory:').prepare('select sqlite_version() as v').get();
require('bcrypt').hashSync('check', 4);
console.log(`pruned node_modules for ${platform}${glibc ? '' : ' (musl)'}; better-sqlite3 and bcrypt load`);
