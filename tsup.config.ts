import { defineConfig } from 'tsup';

const shared = {
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  treeshake: true,
} as const;

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: 'esm', dts: true },
  // quick-lru is ESM-only: the CommonJS build carries its own copy so `require('secret-refs')`
  // works on every Node 20 release, including those without require(esm).
  { ...shared, entry: { index: 'src/index.ts' }, format: 'cjs', dts: true, noExternal: ['quick-lru'] },
  { ...shared, entry: { cli: 'src/cli/main.ts' }, format: 'esm' },
]);
