import { defineConfig } from 'vitest/config';

/**
 * The fast tier: our code with its outside fakes (clock, fs, HTTP) or real SQLite files in temp
 * dirs; no browser, no child processes, no server over HTTP, no containers. `npm run test:unit`.
 * A new test file under tests/ belongs to `integration` unless it is listed here.
 */
const UNIT_BESIDE_CODE = ['panel/src/**/*.test.ts', 'backend/**/*.test.ts', 'config/**/*.test.ts', 'scripts/**/*.test.ts', 'jobs/**/*.test.ts'];
const UNIT_IN_TESTS = [
  'tests/unit/**/*.test.ts',
  'tests/library/{episode-file,file-language,file-moves,naming,refresh,safe-path,scanner}.test.ts',
  'tests/downloads/{hoster-choice,progress,token-bucket}.test.ts',
  'tests/notifications/formats.test.ts',
  'tests/providers/{aniworld,markup-tolerance}.test.ts',
  'tests/config/shared-settings.test.ts',
];
/** Unit-looking files that do start the app over HTTP. */
const NOT_UNIT = ['backend/http/panel-static.test.ts'];
const EXCLUDE = ['**/node_modules/**', 'tests/bench/**'];

export default defineConfig({
  test: {
    exclude: EXCLUDE,
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a state; its deadline only bounds a failure. One second (the default)
    // is what a loaded 2-core machine can take for a takeover or a job to finish, so tests flaked.
    expect: { poll: { timeout: 20_000 } },
    // Two cores: run two files at a time so that process-heavy tests do not starve each other.
    maxWorkers: 2,
    // `vitest run` (npm test) runs every project; `--project unit` (npm run test:unit) one of them.
    projects: [
      { extends: true, test: { name: 'unit', pool: 'threads', include: [...UNIT_BESIDE_CODE, ...UNIT_IN_TESTS], exclude: [...EXCLUDE, ...NOT_UNIT] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts', ...NOT_UNIT],
          exclude: [...EXCLUDE, ...UNIT_IN_TESTS, 'tests/e2e/**', 'tests/scale/**', 'tests/container/**'],
        },
      },
      { extends: true, test: { name: 'browser', include: ['tests/e2e/**/*.test.ts'] } },
      { extends: true, test: { name: 'scale', include: ['tests/scale/**/*.test.ts'] } },
      { extends: true, test: { name: 'container', include: ['tests/container/**/*.test.ts'] } },
    ],
  },
});
