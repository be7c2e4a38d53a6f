// Preload (`node --import`): writes the URL of every module the process loaded, one a line, to
// MODULE_LOG when it exits. Tests use it to prove what start-up does not load.
import module from 'node:module';
import { writeFileSync } from 'node:fs';

const loaded = [];
module.registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.MODULE_LOG, `${loaded.join('\n')}\n`));
