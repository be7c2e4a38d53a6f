// The server side of `npm run bench:ws`, forked by ws.bench.ts: the real app plus 4 simulated
// downloads publishing progress; measures its own CPU (process.cpuUsage) when asked.
import { join } from 'node:path';
import { startAniWorld } from '../../backend/main.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const DOWNLOADS = 4;
/** A downloader reports far more often than the hub forwards (2 per second per download). */
const PUBLISH_HZ = 10;

const temp = await makeTempDir('aniworld-bench-ws-');
const running = await startAniWorld({
  cwd: temp.path,
  bcryptRounds: 4,
  env: {
    PORT: '0',
    HOST: '127.0.0.1',
    ANIWORLD_DATA_DIR: join(temp.path, 'data'),
    ANIWORLD_MEDIA_DIR: join(temp.path, 'media'),
    ANIWORLD_WATCH: 'false',
    LOG_LEVEL: 'warn',
  },
});
const password = 'Bench-Password-1';
await fetch(`${running.url}/api/auth/setup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ master_password: password }),
});
const login = await fetch(`${running.url}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ password }),
});
const { access_token: token } = (await login.json()) as { access_token: string };

let tick = 0;
const publisher = setInterval(() => {
  tick += 1;
  for (let download = 0; download < DOWNLOADS; download++) {
    const progress = (tick % 1000) / 10;
    running.services.events.publish('download_progress', {
      item_id: `bench-${download}`,
      key: `series-${download}`,
      folder: `Series ${download}`,
      season: 1,
      episode: download + 1,
      progress: {
        percent: progress,
        downloaded_bytes: tick * 250_000,
        total_bytes: 250_000_000,
        downloaded_mb: Math.round(((tick * 250_000) / 1048576) * 100) / 100,
        total_mb: 238.42,
        speed_bytes_per_second: 2_500_000,
        speed_mbps: 2.38,
        eta_seconds: 1000 - (tick % 1000),
      },
    });
  }
}, 1000 / PUBLISH_HZ);

process.on('message', (message: { type: string; windowMs?: number }) => {
  if (message.type === 'measure') {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    setTimeout(() => {
      const cpu = process.cpuUsage(cpuBefore);
      const elapsedMs = performance.now() - started;
      process.send!({
        type: 'measured',
        cpu_percent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
        clients: running.services.live.clientCount,
        rss_mb: process.memoryUsage().rss / 1048576,
      });
    }, message.windowMs ?? 5000);
  }
  if (message.type === 'stop') {
    clearInterval(publisher);
    void running
      .close()
      .then(() => temp.remove())
      .then(() => process.exit(0));
  }
});

process.send!({ type: 'ready', url: running.url, token, downloads: DOWNLOADS, publish_hz: PUBLISH_HZ });
