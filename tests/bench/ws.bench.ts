// How many WebSocket clients one process serves with live progress for 4 downloads while
// staying under 10% of one core (npm run bench:ws). The server runs in a child process and
// measures only its own CPU; the clients live here so that their cost is not counted.
// WS_BENCH_STEPS=0,100,500 and WS_BENCH_WINDOW_MS=5000 change the steps and the window.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { WebSocket } from 'ws';

const steps = (process.env.WS_BENCH_STEPS ?? '0,100,250,500,1000,2000,3000,4000').split(',').map(Number);
const windowMs = Number(process.env.WS_BENCH_WINDOW_MS ?? 5000);
const BUDGET_PERCENT = 10;

const server: ChildProcess = fork(new URL('./ws-bench-server.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [ready] = (await once(server, 'message')) as [{ url: string; token: string; downloads: number; publish_hz: number }];
const endpoint = `${ready.url.replace(/^http/, 'ws')}/ws/connect?token=${ready.token}`;

const sockets: WebSocket[] = [];
let received = 0;

function connect(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(endpoint, { perMessageDeflate: false });
    let seen = 0;
    socket.on('open', () => socket.send(JSON.stringify({ action: 'join', room: 'download_progress' })));
    socket.on('message', () => {
      seen += 1;
      received += 1;
      // 'connected' then 'joined': from here on the client gets progress
      if (seen === 2) resolve();
    });
    socket.on('error', reject);
    socket.on('close', (code) => {
      if (seen < 2) reject(new Error(`closed with ${code} before joining`));
    });
    sockets.push(socket);
  });
}

function measure(): Promise<{ cpu_percent: number; clients: number; rss_mb: number }> {
  server.send({ type: 'measure', windowMs });
  return new Promise((resolve) => {
    const onMessage = (message: { type: string; cpu_percent: number; clients: number; rss_mb: number }) => {
      if (message.type !== 'measured') return;
      server.off('message', onMessage);
      resolve(message);
    };
    server.on('message', onMessage);
  });
}

const rows: { clients: number; server_cpu_percent: number; messages_per_client_per_second: number; server_rss_mb: number }[] = [];
for (const target of steps) {
  while (sockets.length < target) await Promise.all(Array.from({ length: Math.min(100, target - sockets.length) }, connect));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = received;
  const result = await measure();
  const perClient = target === 0 ? 0 : (received - before) / target / (windowMs / 1000);
  rows.push({
    clients: result.clients,
    server_cpu_percent: Math.round(result.cpu_percent * 10) / 10,
    messages_per_client_per_second: Math.round(perClient * 10) / 10,
    server_rss_mb: Math.round(result.rss_mb),
  });
  console.log(JSON.stringify(rows.at(-1)));
}

const within = rows.filter((row) => row.server_cpu_percent < BUDGET_PERCENT);
console.log(
  JSON.stringify(
    {
      downloads: ready.downloads,
      progress_published_hz_per_download: ready.publish_hz,
      window_ms: windowMs,
      budget_percent_of_one_core: BUDGET_PERCENT,
      max_clients_measured_within_budget: within.length > 0 ? Math.max(...within.map((row) => row.clients)) : 0,
      steps: rows,
    },
    null,
    2,
  ),
);

for (const socket of sockets) socket.terminate();
server.send({ type: 'stop' });
await once(server, 'exit');
