import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startAppWithSite } from '../helpers/site-app.ts';
import { rawRequest, type RawAnswer } from '../helpers/raw-request.ts';
import { listRoutes } from '../../backend/app.ts';
import { OPERATIONS } from '../../backend/http/openapi.operations.ts';
import { STREAMED_BODY_PATHS } from '../../backend/http/body.ts';

/**
 * Every route the router holds, every body field, query parameter and path parameter its
 * schemas name, each fed hostile input; plus hostile whole bodies. No answer may be a 5xx or
 * carry a stack trace, NUL is always a 422, and the app logs no unhandled error.
 */

let site: FixtureSite;
let app: TestApp;
let token: string;
let apiKey: string;
beforeAll(async () => {
  ({ site, app, token } = await startAppWithSite(2, { env: { ANIWORLD_METRICS: 'true' } }));
  apiKey = (await app.request('POST', '/api/auth/api-key', { token })).body.api_key;
});
afterAll(async () => {
  await app?.dispose();
  await site?.close();
});

const STACK = /\n\s+at |node_modules|\.ts:\d+|Error: .*\n/;
const NUL = 'NUL';

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

/** Values for one JSON body field; the tagged ones must be answered 422. */
const FIELD_VALUES: readonly { readonly label: string; readonly value: unknown }[] = [
  { label: NUL, value: '\u0000' },
  { label: NUL, value: 'abc\u0000def' },
  { label: NUL, value: ['\u0000'] },
  { label: 'control', value: '\u0001\u001b[31m\u007f' },
  { label: 'c1', value: 'x\u0085y' },
  { label: 'bidi', value: 'evil\u202Egpj.exe' },
  { label: 'lone surrogate', value: '\ud800' },
  { label: 'huge', value: 'x'.repeat(200_000) },
  { label: 'deep', value: nested(200) },
  { label: 'proto', value: JSON.parse('{"__proto__": {"polluted": true}}') },
  { label: 'traversal', value: '../../../../etc/passwd' },
  { label: 'empty', value: '' },
  { label: 'array', value: [[], {}, null] },
  { label: 'object', value: {} },
  { label: 'null', value: null },
  { label: 'bool', value: true },
  { label: 'negative', value: -1 },
  { label: 'big number', value: 1e308 },
  { label: 'float', value: 0.5 },
];

/** Values for a path or query parameter, already percent-encoded as they go on the wire. */
const URL_VALUES: readonly { readonly label: string; readonly value: string }[] = [
  { label: NUL, value: '%00' },
  { label: NUL, value: 'abc%00' },
  { label: 'control', value: '%01%1B%7F' },
  { label: 'newline', value: 'a%0D%0ASet-Cookie:%20x=1' },
  { label: 'bad escape', value: '%E0%A4%A' },
  { label: 'overlong', value: '%C0%AF' },
  { label: 'bad percent', value: '%zz' },
  { label: 'traversal', value: '..%2F..%2F..%2Fetc%2Fpasswd' },
  { label: 'dots', value: '..' },
  { label: 'bidi', value: '%E2%80%AE' },
  { label: 'huge', value: 'x'.repeat(8000) },
  { label: 'emoji', value: '%F0%9F%99%82' },
  { label: 'space', value: '%20' },
  { label: 'proto', value: '__proto__' },
  { label: 'number', value: '-1e308' },
];

/** Whole bodies that are wrong in themselves. */
const BODIES: readonly { readonly label: string; readonly body: string | Buffer; readonly type: string }[] = [
  { label: 'invalid JSON', body: '{"a": ', type: 'application/json' },
  { label: 'trailing garbage', body: '{} x', type: 'application/json' },
  { label: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]), type: 'application/json' },
  { label: 'utf-16 declared', body: '{}', type: 'application/json; charset=utf-16' },
  { label: 'unknown charset', body: '{}', type: 'application/json; charset=klingon' },
  { label: 'text/plain', body: '{}', type: 'text/plain' },
  { label: 'form', body: 'a=1&__proto__[x]=1', type: 'application/x-www-form-urlencoded' },
  { label: 'multipart', body: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n', type: 'multipart/form-data; boundary=b' },
  { label: 'deep arrays', body: `${'['.repeat(50_000)}${']'.repeat(50_000)}`, type: 'application/json' },
  { label: 'deep objects', body: `${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)}`, type: 'application/json' },
  { label: 'proto key', body: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}}', type: 'application/json' },
  { label: 'NUL key', body: '{"a\\u0000b": 1}', type: 'application/json' },
  { label: 'array body', body: '[1, 2, 3]', type: 'application/json' },
  { label: 'scalar body', body: '"x"', type: 'application/json' },
  { label: 'null body', body: 'null', type: 'application/json' },
  { label: 'BOM', body: '\ufeff{}', type: 'application/json' },
  { label: 'raw NUL byte', body: Buffer.from('{"a":"\u0000"}'), type: 'application/json' },
  { label: 'near limit', body: JSON.stringify({ a: 'x'.repeat(1000_000 - 20) }), type: 'application/json' },
  { label: 'over limit', body: JSON.stringify({ a: 'x'.repeat(1_100_000) }), type: 'application/json' },
];

interface Case {
  readonly route: string;
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string | Buffer;
  readonly type?: string;
  readonly credential: Record<string, string>;
}

function bodyFields(schema: z.ZodType | undefined): string[] {
  if (!schema) return ['field'];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
  return Object.keys(json.properties ?? {}).concat('unknown_field');
}

function casesFor(method: string, koaPath: string, credential: Record<string, string>): Case[] {
  const doc = OPERATIONS[`${method} ${koaPath}`];
  const params = [...koaPath.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  const plain = koaPath.replace(/:(\w+)/g, 'sample-$1');
  const route = `${method} ${koaPath}`;
  const cases: Case[] = [];
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(method);
  for (const param of params) {
    for (const { label, value } of URL_VALUES)
      cases.push({
        route,
        label: `path ${param}: ${label}`,
        method,
        path: koaPath.replace(`:${param}`, value).replace(/:(\w+)/g, 'sample-$1'),
        credential,
        ...(hasBody ? { body: '{}', type: 'application/json' } : {}),
      });
  }
  const queryNames = [...Object.keys(doc?.query?.shape ?? {}), 'unknown'];
  for (const name of queryNames) {
    for (const { label, value } of URL_VALUES)
      cases.push({
        route,
        label: `query ${name}: ${label}`,
        method,
        path: `${plain}?${name}=${value}`,
        credential,
        ...(hasBody ? { body: '{}', type: 'application/json' } : {}),
      });
  }
  cases.push({ route, label: 'query: NUL name', method, path: `${plain}?%00=1`, credential });
  cases.push({ route, label: 'query: nested brackets', method, path: `${plain}?a[b][c]=1&a[__proto__][x]=1`, credential });
  if (hasBody) {
    for (const field of bodyFields(doc?.body)) {
      for (const { label, value } of FIELD_VALUES)
        cases.push({
          route,
          label: `body ${field}: ${label}`,
          method,
          path: plain,
          body: JSON.stringify({ [field]: value }),
          type: 'application/json',
          credential,
        });
    }
  }
  for (const { label, body, type } of BODIES) cases.push({ route, label: `body: ${label}`, method, path: plain, body, type, credential });
  return cases;
}

async function run(target: Case): Promise<RawAnswer> {
  return rawRequest(app.url, target.method, target.path, {
    body: target.body,
    headers: { ...target.credential, ...(target.type ? { 'content-type': target.type } : {}) },
  });
}

describe('hostile input on every route', () => {
  it('never answers 5xx or shows a stack trace, and refuses NUL with 422', async () => {
    const routes = listRoutes(app.running.routers);
    // Logout runs on the API key (a no-op for it) and first; everything else on the session,
    // so a case that rotates or revokes the API key cannot take the credential of later cases.
    const ordered = [...routes].sort((a, b) => Number(b.path === '/api/auth/logout') - Number(a.path === '/api/auth/logout'));
    const failures: string[] = [];
    let total = 0;
    let serverErrors = 0;
    const fields = new Set<string>();
    for (const route of ordered) {
      const credential: Record<string, string> = route.path === '/api/auth/logout' ? { 'x-api-key': apiKey } : { authorization: `Bearer ${token}` };
      const cases = casesFor(route.method, route.path, credential);
      for (const entry of cases) fields.add(`${entry.route} ${entry.label.split(':')[0]}`);
      for (let start = 0; start < cases.length; start += 8) {
        const batch = cases.slice(start, start + 8);
        const answers = await Promise.all(batch.map(run));
        answers.forEach((answer, index) => {
          const entry = batch[index]!;
          const label = `${entry.route} [${entry.label}] -> ${answer.status}`;
          total += 1;
          if (answer.status >= 500) serverErrors += 1;
          if (answer.status >= 500) failures.push(`${label} ${answer.text.slice(0, 200)}`);
          else if (STACK.test(answer.text)) failures.push(`${label}: stack trace in the answer`);
          else if (answer.status >= 400 && !/"error":\{"code":"[a-z_]+","message":"/.test(answer.text))
            failures.push(`${label}: not the error shape: ${answer.text.slice(0, 120)}`);
          // A route that takes the raw file as its body never parses JSON: a JSON body there is a 415.
          else if (entry.label.startsWith('body') && STREAMED_BODY_PATHS.has(entry.route.split(' ')[1]!)) {
            if (answer.status !== 415) failures.push(`${label}: a JSON body to a file upload not refused with 415`);
          } else if (entry.label.endsWith(`: ${NUL}`) && answer.status !== 422) failures.push(`${label}: NUL not refused with 422`);
        });
      }
    }
    const unhandled = app.logs.filter((line) => line.msg === 'unhandled error' || line.msg === 'request failed');
    console.info(
      `input fuzz: ${routes.length} routes, ${fields.size} parameters and bodies, ${total} cases, ${serverErrors} answers 5xx, ${unhandled.length} unhandled errors logged`,
    );
    expect(failures).toEqual([]);
    expect(unhandled.map((line) => JSON.stringify(line).slice(0, 300))).toEqual([]);
    expect(total).toBeGreaterThan(2000);
  }, 600_000);

  it('names the place and the character when it refuses a control character', async () => {
    const answer = await app.request('POST', '/api/queue/retry', { token, body: { item_ids: ['\u0000'] } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toBe('Request body is not valid: item_ids.0 contains the control character U+0000');
    const path = await rawRequest(app.url, 'GET', '/api/queue/%00', { headers: { authorization: `Bearer ${token}` } });
    expect(path.status).toBe(422);
    expect(JSON.parse(path.text).error.message).toContain('U+0000');
    for (const [path, body] of [
      ['/api/anime/import', { folder: 'evil\u202Egpj.exe', key: 'some-series' }],
      ['/api/anime/add', { key: 'some-series', folder: 'a\u2067b' }],
    ] as const) {
      const bidi = await app.request('POST', path, { token, body });
      expect(bidi.status, path).toBe(422);
      expect(bidi.body.error.message).toContain('folder: contains a bidirectional control character');
    }
    const shape = await rawRequest(app.url, 'DELETE', '/api/webhooks/not%20an%20id', { headers: { authorization: `Bearer ${token}` } });
    expect(shape.status).toBe(422);
    expect(JSON.parse(shape.text).error).toMatchObject({ code: 'validation_error', details: [{ path: 'id' }] });
  });
});
