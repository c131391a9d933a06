import { defineConfig } from 'tsup';

const shared = {
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  dts: true,
  treeshake: true,
} as const;

export default defineConfig([
  { ...shared, format: 'esm', clean: true },
  // quick-lru is ESM-only: the CommonJS build carries its own copy so `require('secret-refs')`
  // works on every Node 20 release, including those without require(esm).
  { ...shared, format: 'cjs', noExternal: ['quick-lru'] },
]);
