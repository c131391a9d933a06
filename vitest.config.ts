import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests that start servers or child processes (redis-server, PostgreSQL, the CLI, fleets of processes, the example
// piece) form the `integration` project; everything else is `unit` and runs in seconds (`npm run test:unit`).
const integration = [
  'test/redis/**/*.test.ts',
  'test/rotation/postgres.test.ts',
  'test/rotation/fleet.test.ts',
  'test/cli/**/*.test.ts',
  'test/local-endpoint/cli.test.ts',
  'test/examples/**/*.test.ts',
  'test/reliability/**/*.test.ts',
];

export default defineConfig({
  // Examples import the package by its name, as users do; in tests that name is the source (as tsconfig.json's paths
  // are for tsc and tsx), so no build is needed and the example piece, a package of its own, resolves it too.
  resolve: {
    alias: [
      { find: /^secret-refs$/, replacement: source('./src/index.ts') },
      { find: /^secret-refs\/redis$/, replacement: source('./src/redis/index.ts') },
      { find: /^secret-refs\/testing$/, replacement: source('./src/testing/index.ts') },
    ],
  },
  test: {
    testTimeout: 20_000,
    restoreMocks: true,
    // The SDK warns once per process that its 2027 releases need Node 22; tests run on Node 20 on purpose.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // In CI, also write the results as JSON so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: integration,
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: integration, globalSetup: ['test/support/provision.ts'] },
      },
    ],
  },
});
