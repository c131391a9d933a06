/**
 * Builds the piece as an archive a self-hosted Activepieces installs as a private piece: `npm run build` in this
 * folder (or `npx tsx examples/activepieces-piece/build.ts [--out-dir <dir>]`) writes `<dir>/package/` — a
 * `package.json` whose `main` is `src/index.js`, where the engine's piece loader looks — and packs it with
 * `npm pack` into `<dir>/secret-refs-piece-aws-secret-refs-<version>.tgz`. `<dir>` defaults to `dist/` here.
 *
 * `secret-refs` is not on a registry, so it is bundled into `src/index.js` from this repository's `src/` (with its
 * own dependencies: lossless-json, quick-lru, p-limit); the framework and the AWS SDK stay
 * dependencies that Activepieces installs with the piece. The bundle is CommonJS for Node 20 and later (the engine
 * runs Node 24 in current releases).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: join(here, 'dist') } } });
const outDir = resolve(values['out-dir'] ?? join(here, 'dist'));
const packageDir = join(outDir, 'package');
const manifest = JSON.parse(await readFile(join(here, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  description: string;
  license: string;
  dependencies: Record<string, string>;
};

await rm(outDir, { recursive: true, force: true });
await mkdir(packageDir, { recursive: true });
await build({
  entryPoints: [join(here, 'index.ts')],
  outfile: join(packageDir, 'src', 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // The optional AWS packages secret-refs loads only when a connection asks for them stay outside the bundle.
  external: [...Object.keys(manifest.dependencies), '@aws-sdk/client-ssm', '@aws-sdk/credential-providers'],
  plugins: [
    {
      name: 'secret-refs-from-source',
      setup(builder) {
        const entry = join(here, '..', '..', 'src', 'index.ts');
        builder.onResolve({ filter: /^secret-refs$/ }, () => ({ path: entry }));
      },
    },
  ],
});
await writeFile(
  join(packageDir, 'package.json'),
  `${JSON.stringify(
    {
      name: manifest.name,
      version: manifest.version,
      description: manifest.description,
      license: manifest.license,
      type: 'commonjs',
      main: './src/index.js',
      dependencies: manifest.dependencies,
    },
    null,
    2,
  )}\n`,
);
const archive = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
  cwd: packageDir,
  encoding: 'utf8',
}).trim();
console.log(join(outDir, archive));
