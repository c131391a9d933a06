import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { awsSecretsAuth } from '../../examples/activepieces-piece/auth.js';
import { awsSecretRefs } from '../../examples/activepieces-piece/index.js';
import {
  type AwsSecretsAuthValue,
  connectionManagers,
  MAX_CONNECTIONS,
  managerFor,
} from '../../examples/activepieces-piece/manager.js';
import { failure, usePieceFixture } from './piece-fixture.js';

vi.mock('secret-refs', () => import('../../src/index.js'));

const fixture = usePieceFixture();

function validate(auth: AwsSecretsAuthValue) {
  const check = awsSecretsAuth.validate;
  if (check === undefined) throw new Error('the piece auth has no validate');
  return check({
    auth,
    server: { apiUrl: 'http://localhost:3000', publicUrl: 'http://localhost:4200' },
  });
}

describe('the piece', () => {
  it('imports nothing from outside its folder but packages, so it copies into a piece unchanged', async () => {
    const folder = new URL('../../examples/activepieces-piece/', import.meta.url);
    const files = (await readdir(folder, { recursive: true })).filter(
      (file) => file.endsWith('.ts') && file !== 'run.ts',
    );
    const specifiers = await Promise.all(
      files.map(async (file) => {
        const source = await readFile(new URL(file, folder), 'utf8');
        return [...source.matchAll(/^import [^;]*? from '([^']+)';$/gms)].map((match) => match[1] ?? '');
      }),
    );

    expect(files).toContain('actions/send-request.ts');
    const outside = specifiers.flat().filter((specifier) => specifier.startsWith('../..'));
    expect(outside).toEqual([]);
    expect(specifiers.flat()).toContain('secret-refs');
  });

  it('maps step and trigger data as {{name.output…}} in its code, descriptions and docs, as the engine scopes them', async () => {
    const folder = new URL('../../examples/activepieces-piece/', import.meta.url);
    const files = (await readdir(folder, { recursive: true })).filter(
      (file) => /\.(ts|md|json)$/.test(file) && !file.startsWith('engine-') && !file.startsWith('dist'),
    );
    const unscoped: string[] = [];
    for (const file of files) {
      const lines = (await readFile(new URL(file, folder), 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if (line.includes('without .output')) return; // a deliberate example of the wrong form
        for (const match of line.matchAll(/\{\{\s*(trigger|step_\d+)\b([^}]*)\}\}/g)) {
          if (!/^\.(output|error)\b/.test(match[2] ?? '')) unscoped.push(`${file}:${index + 1}: ${match[0]}`);
        }
      });
    }

    expect(files).toContain('index.ts');
    expect(unscoped).toEqual([]);
  });

  it('leaves minimumSupportedRelease to the framework, which sets the release its context needs', () => {
    expect(awsSecretRefs.metadata().minimumSupportedRelease).toBe('0.82.0');
  });
});

describe('auth validate (testConnection)', () => {
  it('accepts the endpoint credentials', async () => {
    await expect(validate(fixture.goodAuth())).resolves.toEqual({ valid: true });
  });

  it('rejects a wrong secret key with a code and a message that holds neither key', async () => {
    const wrongKey = 'wrong-secret-access-key-0000';
    const result = await validate({ ...fixture.goodAuth(), secretAccessKey: wrongKey });

    expect(result.valid).toBe(false);
    const error = result.valid ? '' : result.error;
    expect(error).toMatch(/^invalid_credentials: \S/);
    expect(error).not.toContain(wrongKey);
    expect(error).not.toContain(fixture.local.credentials.secretAccessKey);
  });

  it('reports a malformed endpoint as invalid, naming the field, instead of throwing', async () => {
    const result = await validate({ ...fixture.goodAuth(), endpoint: 'not a url' });

    expect(result.valid).toBe(false);
    expect(result.valid ? '' : result.error).toMatch(/^invalid_config: .*`endpoint`/);
  });
});

describe('the manager registry', () => {
  it('keeps one manager per connection, at most MAX_CONNECTIONS, dropping the least recently used', async () => {
    const first = await managerFor(fixture.goodAuth());
    for (let index = 0; index < MAX_CONNECTIONS; index += 1) {
      await managerFor({ ...fixture.goodAuth(), accessKeyId: `AKIAOTHER${String(index).padStart(11, '0')}` });
    }

    expect(connectionManagers.size).toBe(MAX_CONNECTIONS);
    expect(await managerFor(fixture.goodAuth())).not.toBe(first);
  });

  it('gives the same manager for the same connection, and a new one when its secret key changes', async () => {
    const first = await managerFor(fixture.goodAuth());

    expect(await managerFor({ ...fixture.goodAuth(), region: ` ${fixture.local.region} ` })).toBe(first);
    expect(await managerFor({ ...fixture.goodAuth(), secretAccessKey: 'rotated' })).not.toBe(first);
    expect(connectionManagers.size).toBe(1);
  });

  it('rejects a malformed region with a typed error and keeps nothing', async () => {
    const error = await failure(managerFor({ ...fixture.goodAuth(), region: 'not a region' }));

    expect(error.code).toBe('invalid_config');
    expect(connectionManagers.size).toBe(0);
  });
});
