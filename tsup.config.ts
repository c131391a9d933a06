import { defineConfig } from 'tsup';

const shared = {
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  treeshake: true,
} as const;

// `secret-refs/redis` is built together with the root entry, so both share one copy of the core (the error classes
// that `instanceof` checks, the cache store) in a common chunk rather than a copy each. `secret-refs/testing` (the
// local endpoint, dev only) shares nothing with the core and is loaded only by its own import.
const entry = { index: 'src/index.ts', redis: 'src/redis/index.ts', testing: 'src/testing/index.ts' };

export default defineConfig([
  { ...shared, entry, format: 'esm', dts: true, splitting: true },
  // quick-lru, p-limit and p-timeout are ESM-only: the CommonJS build carries its own copy so `require('secret-refs')`
  // works on every Node 20 release, including those without require(esm).
  {
    ...shared,
    entry,
    format: 'cjs',
    dts: true,
    splitting: true,
    noExternal: ['quick-lru', 'p-limit', 'yocto-queue', 'p-timeout'],
  },
  { ...shared, entry: { cli: 'src/cli/main.ts' }, format: 'esm' },
]);
