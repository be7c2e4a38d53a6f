// The floor of bench:library: a bare Node HTTP server in its own process that answers with bytes
// read once from files (what the real server sent for /api/anime and /api/queue/status).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const list = readFileSync(process.argv[2]);
const status = readFileSync(process.argv[3]);
const server = createServer((req, res) => {
  const body = req.url?.startsWith('/api/queue/status') ? status : list;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
