import { createServer } from 'node:net';

/**
 * A port nothing listens on right now, for servers that must be told a port instead of taking
 * port 0 (PostgreSQL, Redis, a container on the host's network).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
