// A static file server for bench:download in its own process, so that serving costs are not
// counted against the client being measured. Serves one folder with Range support.
// A path under /latency-<ms>/ is the same file answered <ms> later (time to first byte of a
// remote server); relative playlist entries keep the prefix, so a whole HLS stream gets it.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

const root = process.argv[2];
const server = createServer((req, res) => {
  const requested = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const latency = /^\/latency-(\d+)(\/.*)$/.exec(requested);
  if (latency) setTimeout(() => serve(latency[2], req, res), Number(latency[1]));
  else serve(requested, req, res);
});

function serve(requested: string, req: IncomingMessage, res: ServerResponse): void {
  const path = normalize(requested).replace(/^(\.\.[/\\])+/, '');
  let size: number;
  try {
    size = statSync(join(root, path)).size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  const type = path.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : path.endsWith('.ts') ? 'video/mp2t' : 'video/mp4';
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Number(range[2]) : end;
    res.writeHead(206, { 'content-type': type, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
  } else {
    res.writeHead(200, { 'content-type': type, 'content-length': size, 'accept-ranges': 'bytes' });
  }
  createReadStream(join(root, path), { start, end, highWaterMark: 1 << 20 }).pipe(res);
}
server.listen(0, '127.0.0.1', () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
