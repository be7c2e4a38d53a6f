import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { Receiver } from '../notifications/receiver.ts';
import { TEST_PASSWORD } from '../helpers/test-app.ts';

/**
 * Unique secret values in a webhook's URL (user:password@, a path token, a query token), its
 * headers and its secret; deliveries that fail (a receiver that answers 500 and echoes what it
 * got, a port nobody listens on); then a search of stdout/stderr, the log files,
 * /api/system/logs, the diagnostics bundle and every API answer for any of them.
 */

const unique = (label: string) => `${label}${randomBytes(9).toString('hex')}`;
const PASSWORD = unique('pw');
const PATH_TOKEN = unique('pathTok3n');
const QUERY_TOKEN = unique('qtok');
const HEADER_VALUE = unique('hdr');
const SECRET = unique('sec');
const REFUSED_TOKEN = unique('rtok');
const BASIC = Buffer.from(`alice:${PASSWORD}`).toString('base64');
const SECRETS = [PASSWORD, PATH_TOKEN, QUERY_TOKEN, HEADER_VALUE, SECRET, REFUSED_TOKEN, BASIC];

let temp: { path: string; remove: () => Promise<void> };
let server: ServerProcess;
let receiver: Receiver;
let token = '';
const answers: string[] = [];

/** A port that was just free: nothing listens there, so a connection is refused. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  answers.push(`${method} ${path} ${response.status} ${[...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')}\n${text}`);
  return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

beforeAll(async () => {
  temp = await makeTempDir();
  receiver = await Receiver.start();
  // A receiver that fails and echoes everything it was sent, the way error pages often do.
  receiver.responder = (request, response) => {
    response.statusCode = 500;
    response.end(`bad request ${request.url} ${JSON.stringify(request.headers)}`);
  };
  server = await startServerProcess({
    cwd: temp.path,
    env: {
      ANIWORLD_DATA_DIR: join(temp.path, 'data'),
      ANIWORLD_MEDIA_DIR: join(temp.path, 'media'),
      ANIWORLD_PROVIDER_URL: 'http://127.0.0.1:9',
      ANIWORLD_WATCH: 'false',
      LOG_LEVEL: 'debug',
    },
  });
  await call('POST', '/api/auth/setup', { master_password: TEST_PASSWORD });
  token = (await call('POST', '/api/auth/login', { password: TEST_PASSWORD })).body.access_token;
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await receiver?.stop();
  await temp?.remove();
});

describe('webhook secrets never leave the process', () => {
  it('turns user:password@ into a Basic header, masks every stored value, keeps it on edit and leaks none of it anywhere', async () => {
    const port = new URL(receiver.url).port;
    const url = `http://alice:${PASSWORD}@127.0.0.1:${port}/hook/${PATH_TOKEN}?token=${QUERY_TOKEN}&tag=x`;
    const created = await call('POST', '/api/webhooks', {
      name: 'leaky',
      url,
      kind: 'json',
      events: ['test', 'scan_complete'],
      secret: SECRET,
      headers: { 'X-Gotify-Key': HEADER_VALUE },
    });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe(`http://127.0.0.1:${port}/hook/•••?token=•••&tag=•••`);
    expect(created.body.headers).toEqual({ 'X-Gotify-Key': '•••', Authorization: '•••' });
    const id = created.body.id as string;

    // The receiver gets the credentials as a header and the real tokens; the answer shows none.
    const tested = await call('POST', `/api/webhooks/${id}/test`);
    expect(tested.body).toMatchObject({ success: false, status_code: 500 });
    const [sent] = await receiver.waitForRequests(1);
    expect(sent!.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(sent!.headers['x-gotify-key']).toBe(HEADER_VALUE);
    expect(sent!.url).toBe(`/hook/${PATH_TOKEN}?token=${QUERY_TOKEN}&tag=x`);
    expect(tested.body.response_excerpt).toContain('•••');

    // Edit: the shown URL and ••• header values sent back keep what is stored.
    const edited = await call('PUT', `/api/webhooks/${id}`, {
      name: 'renamed',
      url: created.body.url,
      headers: { 'X-Gotify-Key': '•••', Authorization: '•••', 'X-Extra': 'visible-once' },
    });
    expect(edited.status).toBe(200);
    await call('POST', `/api/webhooks/${id}/test`);
    const [, again] = await receiver.waitForRequests(2);
    expect(again!.url).toBe(`/hook/${PATH_TOKEN}?token=${QUERY_TOKEN}&tag=x`);
    expect(again!.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(again!.headers['x-gotify-key']).toBe(HEADER_VALUE);
    const wrongMask = await call('PUT', `/api/webhooks/${id}`, { url: `http://127.0.0.1:${port}/other?token=•••` });
    expect(wrongMask.status).toBe(422);
    expect(wrongMask.body.error.message).toContain('The URL still contains •••');
    const both = await call('POST', '/api/webhooks', {
      name: 'both',
      url: `http://bob:${PASSWORD}@127.0.0.1:${port}/`,
      kind: 'json',
      events: ['test'],
      headers: { Authorization: `Bearer ${HEADER_VALUE}` },
    });
    expect(both.status).toBe(422);

    // A hook nobody answers, and a real delivery through the outbox (a library scan sends scan_complete).
    const closed = await closedPort();
    const refused = await call('POST', '/api/webhooks', {
      name: 'refused',
      url: `http://carol:${PASSWORD}@127.0.0.1:${closed}/x?token=${REFUSED_TOKEN}`,
      kind: 'gotify',
      events: ['test', 'scan_complete'],
    });
    expect(refused.status).toBe(201);
    expect(
      (
        await call('POST', '/api/webhooks/test', {
          name: 'unsaved',
          url: `http://127.0.0.1:${closed}/x?token=${REFUSED_TOKEN}`,
          kind: 'json',
          events: ['test'],
        })
      ).body.success,
    ).toBe(false);
    expect((await call('POST', '/api/anime/rescan')).status).toBe(202);
    await receiver.waitForRequests(3);
    // Both hooks' first attempts are recorded (each delivery row carries its error).
    for (const hook of [id, refused.body.id as string]) {
      let deliveries = await call('GET', `/api/webhooks/${hook}/deliveries`);
      while (!deliveries.body.items.some((delivery: { attempts: number }) => delivery.attempts > 0))
        deliveries = await call('GET', `/api/webhooks/${hook}/deliveries`);
      expect(deliveries.body.items[0].last_error).toEqual(expect.any(String));
    }

    // Everything a person or a support request could see.
    await call('GET', '/api/webhooks');
    await call('GET', `/api/webhooks/${id}`);
    await call('GET', `/api/webhooks/${refused.body.id}`);
    const logs = await call('GET', '/api/system/logs?lines=5000');
    expect(logs.body.lines.length).toBeGreaterThan(10);
    await call('GET', '/api/system/diagnostics');
    await call('GET', '/api/config');
    await call('GET', '/api/queue/status');
    const logDir = join(temp.path, 'data', 'logs');
    const logFiles = await Promise.all((await readdir(logDir)).map((name) => readFile(join(logDir, name), 'utf8')));
    const places: Record<string, string> = {
      'stdout and stderr': server.output.join('\n'),
      'log files': logFiles.join('\n'),
      'API answers': answers.join('\n'),
    };
    const found: string[] = [];
    for (const [place, text] of Object.entries(places)) for (const secret of SECRETS) if (text.includes(secret)) found.push(`${secret} in ${place}`);
    console.info(
      `secret leaks: ${SECRETS.length} unique values searched in ${answers.length} API answers, ${logFiles.length} log files and ${server.output.length} output lines: ${found.length} found`,
    );
    expect(found).toEqual([]);
    // The failures did get logged and recorded, only masked.
    expect(places['log files']).toContain('webhook');
    console.log(
      answers
        .filter((a) => a.includes('error'))
        .map((a) => a.slice(a.indexOf('\n{')))
        .join('\n'),
    );
    expect(places['API answers']).toContain(`Connection refused by 127.0.0.1:${closed}`);
    expect(places['API answers']).toContain('AniWorld-Webhook');
  }, 120_000);
});

describe('log lines an older release wrote', () => {
  it("are shown by /api/system/logs with the stored hooks' tokens masked", async () => {
    const { startTestApp } = await import('../helpers/test-app.ts');
    const { appendFile } = await import('node:fs/promises');
    const app = await startTestApp();
    try {
      const token = await app.login();
      const old = unique('oldtok');
      expect(
        (
          await app.request('POST', '/api/webhooks', {
            token,
            body: { name: 'old', url: `https://gotify.example/message?token=${old}`, kind: 'gotify', events: ['test'] },
          })
        ).status,
      ).toBe(201);
      await app.request('GET', '/api/system/logs', { token });
      await appendFile(
        join(app.dataDir, 'logs', 'aniworld.log'),
        `${JSON.stringify({ level: 40, time: new Date().toISOString(), msg: `webhook failed: https://gotify.example/message?token=${old}` })}\n`,
      );
      const logs = await app.request('GET', '/api/system/logs?lines=50', { token });
      const text = JSON.stringify(logs.body);
      expect(text).toContain('webhook failed: •••');
      expect(text).not.toContain(old);
    } finally {
      await app.dispose();
    }
  });
});
