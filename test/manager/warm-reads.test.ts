import { describe, expect, it } from 'vitest';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { compileConnection } from '../../src/resolve/compile.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';

describe('warm reads of parsed references', () => {
  it('two compiled connections of the same shape, read in turn, each get their own secrets', async () => {
    const provider = createMemoryProvider({ a: '{"k":"va"}', b: '{"k":"vb"}' });
    const manager = createSecretManager(provider);
    const first = compileConnection({ x: '{{resolve:secretsmanager:a:SecretString:k}}' });
    const second = compileConnection({ x: '{{resolve:secretsmanager:b:SecretString:k}}' });
    for (let round = 0; round < 3; round++) {
      expect(await first.resolve(manager)).toEqual({ x: 'va' });
      expect(await second.resolve(manager)).toEqual({ x: 'vb' });
      expect(await resolveConnection({ x: '{{resolve:secretsmanager:a:SecretString:k}}' }, manager)).toEqual({
        x: 'va',
      });
    }
    expect(provider.apiCalls()).toBe(2);
  });

  it('a new version after invalidate is read through the remembered keys', async () => {
    const provider = createMemoryProvider({ a: '{"k":"old"}' });
    const manager = createSecretManager(provider);
    const compiled = compileConnection({ x: '{{resolve:secretsmanager:a:SecretString:k}}', y: 'plain' });
    expect(await compiled.resolve(manager)).toEqual({ x: 'old', y: 'plain' });
    expect(await compiled.resolve(manager)).toEqual({ x: 'old', y: 'plain' });
    provider.setSecret('a', '{"k":"new"}');
    manager.invalidate('a');
    expect(await compiled.resolve(manager)).toEqual({ x: 'new', y: 'plain' });
    expect(await compiled.resolve(manager)).toEqual({ x: 'new', y: 'plain' });
  });
});

describe('a warm read of a long list with repeats', () => {
  it('counts and reports each distinct secret once, short list or long', async () => {
    for (const distinct of [3, 8, 9, 40]) {
      const secrets = Object.fromEntries(
        Array.from({ length: distinct }, (_, n) => [`s${n}`, `{"k":"v${n}"}`]),
      );
      const events: string[] = [];
      const manager = createSecretManager(createMemoryProvider(secrets), {
        onEvent: (event) => {
          if (event.type === 'hit' && event.secretId !== undefined) events.push(event.secretId);
        },
      });
      const refs = Array.from({ length: distinct * 3 }, (_, n) => `s${n % distinct}`);
      const cold = await manager.getSecrets(refs);
      expect(cold.every((result) => result.ok)).toBe(true);
      const hitsBefore = manager.stats().hits;
      const eventsBefore = events.length;
      const warm = await manager.getSecrets(refs);
      expect(warm.map((result) => (result.ok ? result.value : ''))).toEqual(
        refs.map((id) => `{"k":"v${id.slice(1)}"}`),
      );
      expect(manager.stats().hits - hitsBefore).toBe(distinct);
      expect(events.slice(eventsBefore).sort()).toEqual(Object.keys(secrets).sort());
    }
  });
});
