import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { startServerProcess } from '../helpers/server-process.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('process lifecycle', () => {
  it('starts on embedded defaults, answers health, and stops cleanly on SIGTERM within 8 s', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    const server = await startServerProcess({
      cwd: temp.path,
      env: { ANIWORLD_DATA_DIR: join(temp.path, 'data'), ANIWORLD_MEDIA_DIR: join(temp.path, 'media'), ANIWORLD_WATCH: 'false' },
    });
    // Besides the JSON log, one plain line says where to open the panel (on stderr; HOST is 127.0.0.1 here).
    const open = `AniWorld is running: open http://127.0.0.1:${server.port}/ in your browser.`;
    await new Promise<void>((resolve) => {
      const check = () => {
        if (server.output.includes(open)) {
          server.child.stderr!.off('data', check);
          resolve();
        }
      };
      server.child.stderr!.on('data', () => setImmediate(check));
      check();
    });
    expect(server.output.filter((line) => !line.startsWith('{'))).toEqual([open]);
    const health = await fetch(`${server.url}/health`).then((response) => response.json());
    expect(health).toMatchObject({ status: 'ok', db: { status: 'ok' } });
    // A keep-alive connection stays open in the client; shutdown must not wait for it.
    await fetch(`${server.url}/api/auth/status`, { keepalive: true });
    const stopped = await server.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(8000);
    // The process may exit before the test has read all it printed: wait for the line.
    await server.waitForLine((line) => line.includes('shutting down'));
  });
});
