import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { FREE_FAILURES, OVERALL_FREE_FAILURES } from '../../backend/modules/auth/login-throttle.ts';

/**
 * Parallel bursts of wrong passwords against the real app and its SQLite file. A 401 means the
 * password was checked, a 429 that the throttle refused before checking; at most the allowed
 * number may be checked however many arrive at once.
 */

let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

async function burst(target: TestApp, count: number, headersFor: (index: number) => Record<string, string> = () => ({})): Promise<Map<number, number>> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      target.request('POST', '/api/auth/login', { body: { password: `Wrong-pass-${index}` }, headers: headersFor(index) }),
    ),
  );
  const statuses = new Map<number, number>();
  for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  return statuses;
}

describe('login throttling under parallel bursts', () => {
  it('checks at most FREE_FAILURES of 100 parallel wrong passwords from one address, and still refuses after a restart', async () => {
    app = await startTestApp();
    await app.login();
    const statuses = await burst(app, 100);
    console.info(`login burst, one address: ${statuses.get(401) ?? 0} of 100 checked (limit ${FREE_FAILURES}), ${statuses.get(429) ?? 0} refused`);
    expect(statuses.get(401)).toBe(FREE_FAILURES);
    expect(statuses.get(429)).toBe(100 - FREE_FAILURES);
    // The right password is refused too while the address is locked, also by the next process.
    expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(429);
    app = await app.restart();
    expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(429);
  });

  it('checks at most OVERALL_FREE_FAILURES of 100 parallel wrong passwords from 100 addresses', async () => {
    app = await startTestApp({ env: { ANIWORLD_TRUST_PROXY: 'true' } });
    await app.login();
    const statuses = await burst(app, 100, (index) => ({ 'x-forwarded-for': `203.0.113.${index + 1}` }));
    console.info(`login burst, 100 addresses: ${statuses.get(401) ?? 0} of 100 checked (limit ${OVERALL_FREE_FAILURES}), ${statuses.get(429) ?? 0} refused`);
    expect(statuses.get(401)).toBe(OVERALL_FREE_FAILURES);
    expect(statuses.get(429)).toBe(100 - OVERALL_FREE_FAILURES);
    const refused = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/^Too many failed logins on this server\. Try again in \d+ seconds\.$/);
  });

  it('lets the right password through in the middle of a burst and releases its reservation', async () => {
    app = await startTestApp();
    await app.login();
    const [right, ...wrong] = await Promise.all([
      app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } }),
      ...Array.from({ length: FREE_FAILURES - 2 }, () => app!.request('POST', '/api/auth/login', { body: { password: 'Wrong-pass-1' } })),
    ]);
    expect(right!.status).toBe(200);
    expect(wrong.every((answer) => answer.status === 401)).toBe(true);
    // Fewer than FREE_FAILURES attempts: nothing is locked, the next right password works.
    expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(200);
  });
});
