import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { SecretRefConfigError, SecretRefError } from '../../src/errors.js';
import type { SecretManager } from '../../src/manager/types.js';
import { createManagerRegistry } from '../../src/resolve/manager-registry.js';
import { resolveConnection, resolveConnectionSettled } from '../../src/resolve/resolve-connection.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { createFakeManager } from './fake-manager.js';

interface Settings {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A platform's connection table, and a registry over it that records every build. */
function platform(initial: Record<string, Settings>, maxSize?: number) {
  const table = new Map(Object.entries(initial));
  const built: { id: string | undefined; settings: Settings }[] = [];
  const evicted: (string | undefined)[] = [];
  const registry = createManagerRegistry<Settings>({
    lookup: (id) => (id === undefined ? undefined : table.get(id)),
    create: (settings, id) => {
      built.push({ id, settings });
      return createFakeManager({ 'x/k': `${id}:${settings.secretAccessKey.length}` }, String(id));
    },
    onEvict: (_manager, id) => evicted.push(id),
    ...(maxSize === undefined ? {} : { maxSize }),
  });
  return { table, built, evicted, registry };
}

const keys = (secretAccessKey: string): Settings => ({
  region: 'eu-west-1',
  accessKeyId: 'AKIA1',
  secretAccessKey,
});

describe('createManagerRegistry', () => {
  it('builds a manager on first use of an id and reuses it while the settings stay the same', async () => {
    // Prepare
    const { registry, built } = platform({ conn1: keys(CANARY), conn2: keys('other-key') });
    const connection = { a: '{{conn1|ap_sep_v1|x:k}}', b: '{{conn2|ap_sep_v1|x:k}}' };
    // Act
    const first = await resolveConnection(connection, registry.managers);
    const second = await resolveConnection(connection, registry.managers);
    // Assess
    expect(first).toEqual({ a: `conn1:${CANARY.length}`, b: 'conn2:9' });
    expect(second).toEqual(first);
    expect(built.map(({ id }) => id)).toEqual(['conn1', 'conn2']);
    expect(registry.size).toBe(2);
  });

  it('answers synchronously when lookup does, so a cached id costs no promise', () => {
    const { registry } = platform({ conn1: keys('k') });
    const first = registry.managers('conn1');
    expect(typeof (first as { then?: unknown }).then).toBe('undefined');
    expect(registry.managers('conn1')).toBe(first);
  });

  it('rebuilds the manager when the connection settings change, and drops the old one', async () => {
    const { registry, table, built, evicted } = platform({ conn1: keys('old-key') });
    const before = registry.managers('conn1');
    table.set('conn1', keys('new-secret-key'));
    const after = registry.managers('conn1');
    expect(after).not.toBe(before);
    expect(built.map(({ settings }) => settings.secretAccessKey)).toEqual(['old-key', 'new-secret-key']);
    expect(evicted).toEqual(['conn1']);
    // the same settings in a new object (as a database read gives) are the same settings
    table.set('conn1', { secretAccessKey: 'new-secret-key', accessKeyId: 'AKIA1', region: 'eu-west-1' });
    expect(registry.managers('conn1')).toBe(after);
  });

  it('keeps at most maxSize managers, dropping the least recently used', () => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const { registry, built, evicted } = platform(Object.fromEntries(ids.map((id) => [id, keys(id)])), 2);
    registry.managers('c1');
    registry.managers('c2');
    registry.managers('c1');
    registry.managers('c3');
    expect(registry.size).toBe(2);
    expect(evicted).toEqual(['c2']);
    registry.managers('c1');
    registry.managers('c4');
    registry.managers('c5');
    expect(registry.size).toBe(2);
    registry.managers('c5');
    registry.managers('c4');
    expect(built.map(({ id }) => id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('merges concurrent first uses of one id into one lookup and one build', async () => {
    let lookups = 0;
    let builds = 0;
    const registry = createManagerRegistry<Settings>({
      lookup: async () => {
        lookups++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return keys('k');
      },
      create: () => {
        builds++;
        return createFakeManager({ 'x/k': 'v' });
      },
    });
    const managers = await Promise.all([
      registry.managers('c'),
      registry.managers('c'),
      registry.managers('c'),
    ]);
    expect(new Set(managers).size).toBe(1);
    expect({ lookups, builds }).toEqual({ lookups: 1, builds: 1 });
    await registry.managers('c');
    expect({ lookups, builds }).toEqual({ lookups: 2, builds: 1 });
  });

  it('makes an unknown connection, a failing lookup or a failing create unknown_manager issues, credentials unquoted', async () => {
    // Prepare
    const registry = createManagerRegistry<Settings>({
      lookup: async (id) => {
        if (id === 'broken') throw new Error(`database down, password ${CANARY}`);
        return id === 'known' || id === 'bad' || id === 'odd' ? keys(CANARY) : undefined;
      },
      create: (settings, id): SecretManager => {
        if (id === 'bad') throw new Error(`bad key ${settings.secretAccessKey}`);
        if (id === 'odd') return { settings } as unknown as SecretManager;
        return createFakeManager({ 'x/k': 'fine' });
      },
    });
    // Act
    const settled = await resolveConnectionSettled(
      {
        ok: '{{known|ap_sep_v1|x:k}}',
        gone: '{{gone|ap_sep_v1|x:k}}',
        broken: '{{broken|ap_sep_v1|x:k}}',
        bad: '{{bad|ap_sep_v1|x:k}}',
        odd: '{{odd|ap_sep_v1|x:k}}',
      },
      registry.managers,
    );
    // Assess
    expect(settled.value.ok).toBe('fine');
    expect(settled.issues.map(({ code, message }) => `${code} ${message}`)).toEqual([
      'unknown_manager {{gone|ap_sep_v1|x:k}}: No connection settings were found for id "gone"',
      'unknown_manager {{broken|ap_sep_v1|x:k}}: the `managers` function rejected for id "broken"',
      'unknown_manager {{bad|ap_sep_v1|x:k}}: the `managers` function rejected for id "bad"',
      'unknown_manager {{odd|ap_sep_v1|x:k}}: `create` gave no secret manager for id "odd"',
    ]);
    expectNoCanary(settled.issues);
    expect(registry.size).toBe(1);
  });

  it('shows no credential in util.inspect or JSON.stringify of the registry', () => {
    const { registry } = platform({ conn1: keys(CANARY) });
    registry.managers('conn1');
    expectNoCanary(registry);
    expect(inspect(registry, { showHidden: true, depth: 10 })).not.toContain(CANARY);
    expect(JSON.stringify(registry)).not.toContain(CANARY);
  });

  it('deletes one id or all, calling onEvict for each', () => {
    const { registry, built, evicted } = platform({ c1: keys('a'), c2: keys('b') });
    registry.managers('c1');
    registry.managers('c2');
    registry.delete('c1');
    expect(evicted).toEqual(['c1']);
    registry.managers('c1');
    registry.delete();
    expect(evicted.sort()).toEqual(['c1', 'c1', 'c2']);
    expect(registry.size).toBe(0);
    expect(built).toHaveLength(3);
  });

  it('treats functions and class instances in settings by identity, and refuses a cycle', () => {
    const provider = () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 'b' });
    let current: unknown = { region: 'r', credentials: provider };
    let builds = 0;
    const registry = createManagerRegistry<unknown>({
      lookup: () => current,
      create: () => {
        builds++;
        return createFakeManager({});
      },
    });
    registry.managers('c');
    current = { region: 'r', credentials: provider };
    registry.managers('c');
    expect(builds).toBe(1);
    current = { region: 'r', credentials: () => provider() };
    registry.managers('c');
    expect(builds).toBe(2);
    const cyclic: Record<string, unknown> = { region: 'r' };
    cyclic.self = cyclic;
    current = cyclic;
    expect(() => registry.managers('c')).toThrow(TypeError);
  });

  it('validates its options at once, naming the option', () => {
    const create = () => createFakeManager({});
    const lookup = () => undefined;
    const option = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(SecretRefConfigError);
        expect(error).toBeInstanceOf(SecretRefError);
        return (error as SecretRefConfigError).option;
      }
      return 'no error';
    };
    expect(option(() => createManagerRegistry(null as never))).toBe('options');
    expect(option(() => createManagerRegistry({ create } as never))).toBe('lookup');
    expect(option(() => createManagerRegistry({ lookup } as never))).toBe('create');
    expect(option(() => createManagerRegistry({ lookup, create, maxSize: 0 }))).toBe('maxSize');
    expect(option(() => createManagerRegistry({ lookup, create, maxSize: 1.5 }))).toBe('maxSize');
    expect(option(() => createManagerRegistry({ lookup, create, onEvict: 1 as never }))).toBe('onEvict');
    expect(option(() => createManagerRegistry({ lookup, create, lookupTimeoutMs: 0 }))).toBe(
      'lookupTimeoutMs',
    );
    expect(option(() => createManagerRegistry({ lookup, create, lookupTimeoutMs: Infinity }))).toBe(
      'lookupTimeoutMs',
    );
  });
});

describe('a registry lookup that never settles', () => {
  /** A registry whose lookup hangs until `answer()` is called; later lookups answer at once. */
  function hangingOnce(lookupTimeoutMs?: number) {
    let lookups = 0;
    const registry = createManagerRegistry<Settings>({
      lookup: (id) => {
        lookups++;
        if (lookups === 1) return new Promise<Settings>(() => {});
        return id === undefined ? undefined : keys('k');
      },
      create: () => createFakeManager({ 'x/k': 'fresh' }),
      ...(lookupTimeoutMs === undefined ? {} : { lookupTimeoutMs }),
    });
    return { registry, lookups: () => lookups };
  }
  const connection = { a: '{{c|ap_sep_v1|x:k}}' };

  it('ends after lookupTimeoutMs as an unknown_manager issue, and the next use looks the id up again', async () => {
    const { registry, lookups } = hangingOnce(30);
    const first = await resolveConnectionSettled(connection, registry.managers);
    expect(first.issues.map(({ code, message }) => `${code} ${message}`)).toEqual([
      'unknown_manager {{c|ap_sep_v1|x:k}}: `lookup` did not answer within 30 ms for id "c"',
    ]);
    expect(await resolveConnection(connection, registry.managers)).toEqual({ a: 'fresh' });
    expect(lookups()).toBe(2);
  });

  it('is forgotten by delete(id): the next use looks the id up again at once', async () => {
    const { registry, lookups } = hangingOnce();
    const hung = Promise.resolve(registry.managers('c'));
    hung.catch(() => undefined);
    registry.delete('c');
    expect(await resolveConnection(connection, registry.managers)).toEqual({ a: 'fresh' });
    expect(lookups()).toBe(2);
  });

  it('does not hold later resolves after the resolve that waited on it was aborted', async () => {
    const { registry, lookups } = hangingOnce(50);
    const controller = new AbortController();
    const aborted = resolveConnection(connection, registry.managers, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const started = Date.now();
    expect(await resolveConnection(connection, registry.managers)).toEqual({ a: 'fresh' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lookups()).toBe(2);
  });

  it('bounds a lookup by a default of ten seconds', async () => {
    vi.useFakeTimers();
    try {
      const { registry } = hangingOnce();
      const hung = Promise.resolve(registry.managers('c'));
      const outcome = hung.then(
        () => 'answered',
        (error: SecretRefError) => error.code,
      );
      await vi.advanceTimersByTimeAsync(9_999);
      await vi.advanceTimersByTimeAsync(1);
      expect(await outcome).toBe('unknown_manager');
    } finally {
      vi.useRealTimers();
    }
  });
});
