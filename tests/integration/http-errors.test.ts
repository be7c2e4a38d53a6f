import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.dispose();
});

function expectErrorShape(body: any, code: string) {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe('HTTP errors', () => {
  it('answers malformed JSON with 400', async () => {
    const response = await app.request('POST', '/api/auth/login', { rawBody: '{"password": ', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expectErrorShape(response.body, 'bad_request');
    expect(response.body.error.message).toBe('Request body is not valid JSON');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an oversized body with 413', async () => {
    const response = await app.request('POST', '/api/auth/login', {
      rawBody: JSON.stringify({ password: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expectErrorShape(response.body, 'payload_too_large');
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await app.request('POST', '/api/auth/login', { rawBody: 'password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(415);
    expectErrorShape(response.body, 'unsupported_media_type');
  });

  it('answers schema violations with 422 and details', async () => {
    const response = await app.request('POST', '/api/auth/login', { body: { password: 42 } });
    expect(response.status).toBe(422);
    expectErrorShape(response.body, 'validation_error');
    expect(response.body.error.details[0].path).toBe('password');
  });

  it('answers unknown API paths with 404 and wrong methods with 405, both in the error shape', async () => {
    const token = await app.login();
    const missing = await app.request('GET', '/api/nothing-here', { token });
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body, 'not_found');
    expect(missing.headers.get('cache-control')).toBe('no-store');
    const wrongMethod = await app.request('DELETE', '/api/auth/status', { token });
    expect(wrongMethod.status).toBe(405);
    expectErrorShape(wrongMethod.body, 'method_not_allowed');
  });

  it('sets security headers and a request id', async () => {
    const response = await app.request('GET', '/health');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
