import { z } from 'zod';
import type Router from '@koa/router';
import { createRouter, type AppState } from './state.ts';
import { isPublicRoute } from './auth.ts';
import { errorSchema } from '../../contract/index.ts';

/** How one route is described; the schemas are the very objects its handler validates with. */
export interface OperationDoc {
  readonly summary: string;
  readonly tag: string;
  readonly description?: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  /** Path parameters that are validated; others are plain strings. */
  readonly params?: Readonly<Record<string, z.ZodType>>;
  /** The answer's body (from `contract/`); the contract test checks real answers against it. */
  readonly response?: z.ZodType;
  /** Default: 200 with a JSON body. */
  readonly success?: { readonly status: number; readonly description?: string; readonly contentType?: string };
}

export type OperationTable = Readonly<Record<string, OperationDoc>>;

/** `POST /api/anime/:key/rescan` -> `/api/anime/{key}/rescan` */
export function openApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function operationId(method: string, path: string): string {
  const words = `${method.toLowerCase()} ${path}`
    .replace(/[{}:]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join('');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** A body whose fields are all optional may be left out. */
function requestBody(schema: z.ZodType): Record<string, unknown> {
  const json = jsonSchema(schema);
  const required = Array.isArray(json.required) && json.required.length > 0;
  return { required, content: { 'application/json': { schema: json } } };
}

const ERROR_STATUSES: Record<string, string> = {
  400: 'Malformed request',
  401: 'Missing or invalid credentials',
  404: 'Not found',
  409: 'Conflict with the current state',
  422: 'Input did not pass validation',
  429: 'Too many requests (see Retry-After)',
  500: 'Unexpected server error',
};

/**
 * The OpenAPI 3.1 document for the routes the app really registers. Request bodies, query
 * strings and validated path parameters come from the zod schemas the handlers parse with
 * (`z.toJSONSchema`, input side), so the document cannot drift from validation; response bodies
 * come from the wire contract's schemas (`contract/`, output side), which the contract test holds
 * real answers to.
 * A registered route without an entry in `operations` is still listed, flagged `x-undocumented`
 * (the OpenAPI test fails on it).
 */
export function buildOpenApi(options: {
  routes: readonly { method: string; path: string }[];
  operations: OperationTable;
  version: string;
  basePath?: string;
}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) {
    const doc = options.operations[`${route.method} ${route.path}`];
    const path = openApiPath(route.path);
    const isPublic = isPublicRoute(route.method, route.path);
    const parameters: Record<string, unknown>[] = [];
    for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      const schema = doc?.params?.[name];
      parameters.push({ name, in: 'path', required: true, schema: schema ? jsonSchema(schema) : { type: 'string' } });
    }
    if (doc?.query) {
      const properties = (jsonSchema(doc.query).properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [name, schema] of Object.entries(properties)) {
        const { default: fallback, ...rest } = schema;
        parameters.push({ name, in: 'query', required: false, schema: fallback === undefined ? rest : { ...rest, default: fallback } });
      }
    }
    const success = doc?.success ?? { status: 200 };
    const responses: Record<string, unknown> = {
      [success.status]:
        success.status === 204
          ? { description: success.description ?? 'Done, no content' }
          : {
              description: success.description ?? 'Success',
              content: { [success.contentType ?? 'application/json']: { schema: doc?.response ? jsonSchema(doc.response, 'output') : {} } },
            },
    };
    const errors = ['400', '422', '500'];
    if (!isPublic) errors.push('401');
    if (parameters.some((parameter) => parameter.in === 'path')) errors.push('404');
    for (const status of errors.sort()) responses[status] = { $ref: `#/components/responses/Error${status}` };
    const operation: Record<string, unknown> = {
      operationId: operationId(route.method, path),
      summary: doc?.summary ?? route.path,
      tags: [doc?.tag ?? 'undocumented'],
      ...(doc?.description ? { description: doc.description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(doc?.body ? { requestBody: requestBody(doc.body) } : {}),
      responses,
      security: isPublic ? [] : [{ bearer: [] }, { apiKey: [] }],
      ...(doc ? {} : { 'x-undocumented': true }),
    };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'AniWorld API',
      version: options.version,
      description:
        'Self-hosted anime library manager. Wire names are snake_case; series are identified by `key`. Errors are `{"error": {"code", "message", "details?"}}`. Live events: WebSocket `/ws/connect`.',
    },
    servers: [{ url: options.basePath || '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Session token from POST /api/auth/login (an API key is accepted here too)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
      schemas: {
        Error: jsonSchema(errorSchema, 'output'),
      },
      responses: Object.fromEntries(
        Object.entries(ERROR_STATUSES).map(([status, description]) => [
          `Error${status}`,
          { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
      ),
    },
  };
}

/**
 * GET /api/docs: built once on first request, when every router is registered. `build` gets this
 * router, so the composition root lists it with the others without referring to it before it exists.
 */
export function createDocsRouter(build: (own: Router<AppState>) => Promise<Record<string, unknown>>) {
  const router = createRouter();
  let document: Promise<Record<string, unknown>> | undefined;
  router.get('/api/docs', async (ctx) => {
    document ??= build(router).catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await document;
  });
  return router;
}
