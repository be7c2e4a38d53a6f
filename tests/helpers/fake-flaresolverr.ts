import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A FlareSolverr-compatible service for tests, speaking exactly FlareSolverr's v1 API
 * (`POST /v1 {"cmd": "request.get" | "request.post", "url", "maxTimeout", "postData"?,
 * "cookies"?}` -> `{"status", "message", "solution": {"url", "status", "headers", "response",
 * "cookies", "userAgent"}, "startTimestamp", "endTimestamp", "version"}`). Instead of a browser
 * it passes the fixture guard itself: it asks for the puzzle, does the proof of work and posts
 * the answer the way the guard's page script would, with its own User-Agent.
 */

export const FAKE_FLARESOLVERR_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

export interface FakeFlareSolverr {
  readonly url: string;
  /** Commands received, in order. */
  readonly commands: Record<string, unknown>[];
  /** When set, every command answers FlareSolverr's error shape with this message. */
  failWith: string | undefined;
  close(): Promise<void>;
}

export async function startFakeFlareSolverr(): Promise<FakeFlareSolverr> {
  const commands: Record<string, unknown>[] = [];
  const state = { failWith: undefined as string | undefined };
  const server = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const started = Date.now();
    if (req.method === 'GET' && req.url === '/')
      return answer(200, { msg: 'FlareSolverr is ready!', version: '3.4.0', userAgent: FAKE_FLARESOLVERR_USER_AGENT });
    if (req.method !== 'POST' || req.url !== '/v1') return answer(404, { error: 'not found' });
    const command = JSON.parse(await readBody(req)) as { cmd: string; url: string; postData?: string; cookies?: { name: string; value: string }[] };
    commands.push(command);
    const stamp = { startTimestamp: started, endTimestamp: Date.now(), version: '3.4.0' };
    if (state.failWith) return answer(500, { status: 'error', message: state.failWith, ...stamp });
    if (command.cmd !== 'request.get' && command.cmd !== 'request.post')
      return answer(500, { status: 'error', message: `Request parameter 'cmd' = '${command.cmd}' is invalid.`, ...stamp });
    try {
      const jar = new Map((command.cookies ?? []).map((cookie) => [cookie.name, cookie.value]));
      let page = await load(command, jar);
      if (page.status === 403 && /Just a moment/.test(page.body)) {
        await passGuard(new URL(command.url).origin, jar);
        page = await load(command, jar);
      }
      const host = new URL(command.url).hostname;
      answer(200, {
        status: 'ok',
        message: 'Challenge solved!',
        solution: {
          url: page.url,
          status: page.status,
          headers: page.headers,
          response: page.body,
          cookies: [...jar].map(([name, value]) => ({
            name,
            value,
            domain: host,
            path: '/',
            expires: Math.floor(Date.now() / 1000) + 600,
            httpOnly: true,
            secure: false,
            sameSite: 'Lax',
            size: name.length + value.length,
            session: false,
          })),
          userAgent: FAKE_FLARESOLVERR_USER_AGENT,
        },
        ...stamp,
      });
    } catch (error) {
      answer(500, { status: 'error', message: `Error: ${(error as Error).message}`, ...stamp });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    commands,
    get failWith() {
      return state.failWith;
    },
    set failWith(value) {
      state.failWith = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function load(command: { cmd: string; url: string; postData?: string }, jar: Map<string, string>) {
  const response = await fetch(command.url, {
    method: command.cmd === 'request.post' ? 'POST' : 'GET',
    headers: {
      'user-agent': FAKE_FLARESOLVERR_USER_AGENT,
      cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
      ...(command.cmd === 'request.post' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: command.cmd === 'request.post' ? command.postData : undefined,
  });
  return { url: response.url, status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

/** What the guard page's script does: the puzzle, the proof of work, the answer; the pass cookie lands in the jar. */
async function passGuard(origin: string, jar: Map<string, string>): Promise<void> {
  const headers = { 'user-agent': FAKE_FLARESOLVERR_USER_AGENT };
  const puzzle = (await (await fetch(`${origin}/__guard/puzzle`, { headers })).json()) as { nonce: string; difficulty: number };
  let answer = 0;
  while (!createHash('sha256').update(`${puzzle.nonce}${answer}`).digest('hex').startsWith('0'.repeat(puzzle.difficulty))) answer++;
  const verdict = await fetch(`${origin}/__guard/verify`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ nonce: puzzle.nonce, answer, signals: { webdriver: false, trusted: true, outer: [1366, 853], inner: [1366, 768] } }),
  });
  if (!verdict.ok) throw new Error(`the check refused the answer: ${await verdict.text()}`);
  for (const header of verdict.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [name, ...value] = pair!.split('=');
    jar.set(name!.trim(), value.join('='));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
