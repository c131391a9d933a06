import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Piece } from '@activepieces/pieces-framework';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { sendRequest } from '../../examples/activepieces-piece/actions/send-request.js';
import { runAction } from '../../examples/activepieces-piece/run-action.js';
import { API_TOKEN, usePieceFixture } from './piece-fixture.js';

vi.mock('secret-refs', () => import('../../src/index.js'));

const run = promisify(execFile);
const pieceFolder = fileURLToPath(new URL('../../examples/activepieces-piece/', import.meta.url));
const repoTmp = fileURLToPath(new URL('../../.tmp/', import.meta.url));
const fixture = usePieceFixture();

let outDir = '';
let archive = '';

beforeAll(async () => {
  // Inside the repository, so that the bundle finds its dependencies in node_modules as an installed piece would.
  await mkdir(repoTmp, { recursive: true });
  outDir = await mkdtemp(join(repoTmp, 'piece-build-'));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'build.ts', '--out-dir', outDir], {
    cwd: pieceFolder,
  });
  archive = stdout.trim().split('\n').at(-1) ?? '';
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('the piece built as a private piece archive', () => {
  it('packs a package.json whose main is src/index.js, with the framework and the SDK as dependencies', async () => {
    const { stdout: listing } = await run('tar', ['-tzf', archive]);
    const manifest = JSON.parse(await readFile(join(outDir, 'package', 'package.json'), 'utf8'));

    expect(archive).toBe(join(outDir, 'secret-refs-piece-aws-secret-refs-0.1.0.tgz'));
    expect(listing.trim().split('\n').sort()).toEqual(['package/package.json', 'package/src/index.js']);
    expect(manifest).toMatchObject({ name: '@secret-refs/piece-aws-secret-refs', main: './src/index.js' });
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@activepieces/pieces-framework',
      '@aws-sdk/client-secrets-manager',
    ]);
    expect(await readdir(outDir)).toContain('package');
  });

  it('bundles secret-refs in, so the archive needs nothing that is not on a registry', async () => {
    const bundle = await readFile(join(outDir, 'package', 'src', 'index.js'), 'utf8');
    const required = [...bundle.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)].map((match) => match[1]);

    expect(new Set(required.filter((name) => !name?.startsWith('node:')))).toEqual(
      new Set(['@activepieces/pieces-framework', '@aws-sdk/client-secrets-manager']),
    );
  });

  it('exports the piece, whose send_request sends the resolved secret header', async () => {
    const exports = createRequire(import.meta.url)(join(outDir, 'package', 'src', 'index.js')) as Record<
      string,
      Piece
    >;
    const piece = exports.awsSecretRefs;
    expect(Object.keys(piece?.metadata().actions ?? {})).toEqual(['check_references', 'send_request']);

    const action = piece?.getAction('send_request') as unknown as typeof sendRequest;
    await runAction(action, fixture.goodAuth(), {
      url: fixture.apiUrl,
      method: 'GET',
      secretHeaders: [{ name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' }],
    });

    expect(fixture.received.map((request) => request.headers.authorization)).toEqual([`Bearer ${API_TOKEN}`]);
  });
});
