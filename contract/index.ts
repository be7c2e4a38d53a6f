/**
 * The wire contract: the shape of every REST answer and every WebSocket message, as zod schemas
 * and the plain types inferred from them. The backend builds its answers and events typed from
 * here, the OpenAPI document describes responses from these schemas, the panel imports the types
 * (type-only imports, so zod stays out of its bundle), and the contract tests validate real
 * answers of the running app against them. Names are snake_case; a series is `key` (and `folder`).
 *
 * To add a route: put its response schema in the feature's file here (`series.ts`, `queue.ts`,
 * ...), return a value of its inferred type from the service or view, and name the schema as
 * `response` of the route's entry in `backend/http/openapi.operations.ts`; the contract test
 * (`tests/integration/contract.test.ts`) then checks a real answer against it, so call the route
 * there once.
 *
 * To add an event: add its payload schema to `eventSchemas` in `events.ts`; `EventBus.publish`
 * accepts exactly that type, the hub forwards it, and the WebSocket contract test checks it. Give
 * it a room in `backend/ws/rooms.ts` if only some pages need it. Never add a second name for a
 * field that already has one.
 */
export * from './common.ts';
export * from './queue.ts';
export * from './events.ts';
export * from './series.ts';
export * from './auth.ts';
export * from './config.ts';
export * from './webhooks.ts';
export * from './organize.ts';
export * from './activity.ts';
export * from './library-import.ts';
export * from './wanted.ts';
export * from './system.ts';
export * from './health.ts';
