import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'backend/**/*.test.ts', 'jobs/**/*.test.ts', 'config/**/*.test.ts', 'scripts/**/*.test.ts', 'panel/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tests/bench/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a state; its deadline only bounds a failure. One second (the default)
    // is what a loaded 2-core machine can take for a takeover or a job to finish, so tests flaked.
    expect: { poll: { timeout: 20_000 } },
    // Two cores: run two files at a time so that process-heavy tests do not starve each other.
    maxWorkers: 2,
  },
});
