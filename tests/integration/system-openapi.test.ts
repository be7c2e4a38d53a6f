import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listRoutes } from '../../backend/app.ts';
import { isPublicRoute } from '../../backend/http/auth.ts';
import { openApiPath } from '../../backend/http/openapi.ts';
import { OPERATIONS } from '../../backend/http/openapi.operations.ts';
import { setupSchema } from '../../backend/modules/auth/auth.schema.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
let app: TestApp;
let doc: any;
beforeAll(async () => {
  app = await startTestApp({ env: { ANIWORLD_BASE_PATH: '/aniworld' } });
  const response = await app.request('GET', '/api/docs');
  expect(response.status).toBe(200);
  doc = response.body;
});
afterAll(async () => {
  await app.dispose();
});

function documentedOperations(): { method: string; path: string; operation: any }[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

describe('OpenAPI document at /api/docs', () => {
  it('is public, OpenAPI 3.1, versioned and aware of the base path', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(app.running.config.version);
    expect(doc.servers).toEqual([{ url: '/aniworld' }]);
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
  });

  it('documents every registered route and nothing else', () => {
    const registered = listRoutes(app.running.routers)
      .map((route) => `${route.method} ${openApiPath(route.path)}`)
      .sort();
    const documented = documentedOperations()
      .map((entry) => `${entry.method} ${entry.path}`)
      .sort();
    expect(documented).toEqual(registered);
    const undocumented = documentedOperations()
      .filter((entry) => entry.operation['x-undocumented'])
      .map((entry) => `${entry.method} ${entry.path}`);
    expect(undocumented, 'routes without an entry in backend/http/openapi.operations.ts').toEqual([]);
    const stale = Object.keys(OPERATIONS).filter((entry) => !listRoutes(app.running.routers).some((route) => `${route.method} ${route.path}` === entry));
    expect(stale, 'entries in openapi.operations.ts without a route').toEqual([]);
  });

  it('marks exactly the public routes as needing no credentials and lists every path parameter', () => {
    for (const { method, path, operation } of documentedOperations()) {
      const koaPath = path.replace(/\{(\w+)\}/g, ':$1');
      expect(operation.security, `${method} ${path}`).toEqual(isPublicRoute(method, koaPath) ? [] : [{ bearer: [] }, { apiKey: [] }]);
      expect(operation.summary.length, `${method} ${path}`).toBeGreaterThan(5);
      expect(
        Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)),
        `${method} ${path}`,
      ).toBe(true);
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect((operation.parameters ?? []).filter((parameter: any) => parameter.in === 'path').map((parameter: any) => parameter.name)).toEqual(names);
    }
    const ids = documentedOperations().map((entry) => entry.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes bodies and queries with the JSON Schema of the validating zod schemas', () => {
    const { $schema: _ignored, ...setup } = z.toJSONSchema(setupSchema, { io: 'input' }) as Record<string, unknown>;
    expect(doc.paths['/api/auth/setup'].post.requestBody.content['application/json'].schema).toEqual(setup);
    const logs = doc.paths['/api/system/logs'].get.parameters;
    expect(logs.map((parameter: any) => parameter.name)).toEqual(['lines', 'level']);
    expect(logs[0].schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 5000, default: 200 });
  });

  it('uses, for every route that validates with parseInput, the same schema object in its entry', async () => {
    const modules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'backend', 'modules');
    const files = readdirSync(modules, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.routes.ts'))
      .map((name) => join(modules, name));
    let checked = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const prefix = /createRouter\('([^']*)'\)/.exec(source)?.[1] ?? '';
      const imports = new Map<string, { from: string; name: string }>();
      for (const match of source.matchAll(/import \{([^}]+)\} from '([^']+\.schema\.ts)'/g)) {
        for (const part of match[1]
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)) {
          const [name, alias = name] = part.replace(/^type\s+/, '').split(/\s+as\s+/);
          imports.set(alias, { from: join(dirname(file), match[2]), name });
        }
      }
      const blocks = source.split(/(?=router\.(?:get|post|put|patch|delete)\(')/).slice(1);
      for (const block of blocks) {
        const [, method, path] = /^router\.(\w+)\('([^']*)'/.exec(block)!;
        const full = `${method.toUpperCase()} ${path === '/' && prefix ? prefix : `${prefix}${path}`}`;
        for (const [, schemaName, source_] of block.matchAll(/parseInput\(\s*(\w+),\s*ctx\.(request\.body|query)/g)) {
          const imported = imports.get(schemaName);
          expect(imported, `${full}: ${schemaName} comes from a schema module`).toBeDefined();
          const schema = (await import(pathToFileURL(imported!.from).href))[imported!.name];
          const entry = OPERATIONS[full];
          expect(entry, full).toBeDefined();
          expect(source_ === 'query' ? entry.query : entry.body, `${full} documents ${schemaName}`).toBe(schema);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
