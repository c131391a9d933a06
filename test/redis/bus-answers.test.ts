import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SharedInvalidation } from '../../src/cache/tier.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import {
  decodeBusMessage,
  encodeBusMessage,
  type InvalidationMessage,
  invalidationsOf,
  type KnownScopes,
} from '../../src/redis/bus.js';
import { type DerivedKey, deriveKey } from '../../src/redis/crypto.js';
import { type ScopeNames, scopeNames } from '../../src/redis/names.js';
import { createTierScopes } from '../../src/redis/scopes.js';
import type { SecretPayload } from '../../src/types.js';

const material = randomBytes(32);
const provider = createMemoryProvider({}, { identity: 'fleet' });
const ARN_OLD = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf';
const ARN_NEW = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-GhIjKl';
const old: SecretPayload = { secretString: 'x', name: 'prod/db', arn: ARN_OLD };
const recreated: SecretPayload = { secretString: 'y', name: 'prod/db', arn: ARN_NEW };

/** One tier of a process: its own keys (derived from the fleet's key, as each cache does) and scopes. */
interface Tier {
  keys: DerivedKey[];
  known: KnownScopes;
  names: ScopeNames;
  /** Counts the forms this tier derives while testing entries. */
  forms: { count: number };
}

function tier(withNames?: (names: ScopeNames) => ScopeNames): Tier {
  const keys = [deriveKey(material)];
  const scopes = createTierScopes({ keys, scope: undefined, maxScopes: 10, onForget: () => {} });
  const names = scopes.namesOf(scopes.scopeOf(provider) as string)![0]!;
  const forms = { count: 0 };
  const counted = (found: ScopeNames): ScopeNames => ({
    ...found,
    form: (id) => {
      forms.count++;
      return found.form(id);
    },
  });
  return {
    keys,
    names,
    forms,
    known: {
      find(key, hash) {
        const found = scopes.known.find(key, hash);
        return (
          found && { scope: found.scope, names: counted(withNames ? withNames(found.names) : found.names) }
        );
      },
      anyForm: (key, id) => scopes.known.anyForm(key, id),
    },
  };
}

/** What a tier makes of a text heard on the bus of `namespace`. */
function hear(made: Tier, text: string, namespace = 'prod'): SharedInvalidation | undefined {
  const message = decodeBusMessage(made.keys, namespace, text);
  if (!message || message.kind === 'filled') return undefined;
  return invalidationsOf(message as InvalidationMessage, made.known)[0];
}

const formMessage = (made: Tier, id: string, namespace = 'prod'): string =>
  encodeBusMessage(namespace, {
    kind: 'form',
    key: made.keys[0]!,
    scope: made.names.scope,
    form: made.names.form(id),
  });

/** Another text decoded in between, so that the next one is parsed afresh. */
const forget = (made: Tier): void => void hear(made, formMessage(made, 'something/else'));

describe('an invalidation heard by many tiers of one process', () => {
  it('is tested once per secret, not once per tier and entry', () => {
    const tiers = Array.from({ length: 50 }, () => tier());
    const ids = Array.from({ length: 40 }, (_, i) => `prod/secret-${i}`);
    const text = formMessage(tiers[0]!, 'prod/secret-7');
    let dropped = 0;
    for (const made of tiers) {
      const invalidation = hear(made, text)!;
      for (const id of ids) {
        const payload = {
          secretString: 'v',
          name: id,
          arn: `arn:aws:secretsmanager:us-east-1:0:secret:${id}-AbCdEf`,
        };
        if (invalidation.matches(id, payload)) dropped++;
      }
    }
    expect(dropped).toBe(50);
    const forms = tiers.reduce((sum, made) => sum + made.forms.count, 0);
    // Each id form of each secret once (id, ARN, partial ARN), where 50 tiers × 40 entries asked 6,000.
    expect(forms).toBeLessThanOrEqual(ids.length * 3);
  });

  it('answers each entry by its own name and ARN: one secret id, fetched before and after it was recreated', () => {
    const [first, second] = [tier(), tier()];
    for (const [a, b] of [
      [old, recreated],
      [recreated, old],
    ] as const) {
      forget(first);
      const text = formMessage(first, ARN_OLD);
      expect(hear(first, text)!.matches('prod/db', a)).toBe(a === old);
      expect(hear(second, text)!.matches('prod/db', b)).toBe(b === old);
      expect(hear(second, text)!.matches('prod/db', undefined)).toBe(false);
      // Its partial ARN names both.
      const partial = formMessage(first, ARN_OLD.slice(0, -7));
      expect(hear(first, partial)!.matches('prod/db', a)).toBe(true);
      expect(hear(second, partial)!.matches('prod/db', b)).toBe(true);
      expect(hear(second, partial)!.matches('prod/api', { name: 'prod/api' })).toBe(false);
    }
  });

  it('is not answered for a tier with another scope text or another names key from a tier that heard it first', () => {
    const first = tier();
    const otherScope = tier((names) => scopeNames(names.key, `${names.text}-other`));
    const otherKey = tier((names) =>
      scopeNames({ ...names.key, names: deriveKey(randomBytes(32)).names }, names.text),
    );
    forget(first);
    const text = formMessage(first, 'prod/db');
    expect(hear(first, text)!.matches('prod/db', old)).toBe(true);
    expect(hear(otherScope, text)!.matches('prod/db', old)).toBe(false);
    expect(hear(otherKey, text)!.matches('prod/db', old)).toBe(false);
    expect(hear(first, text)!.matches('prod/db', old)).toBe(true);
  });

  it('is not taken on the bus of another namespace, after the tiers of its own heard it', () => {
    const [first, second] = [tier(), tier()];
    const text = formMessage(first, 'prod/db');
    expect(hear(first, text)!.matches('prod/db', old)).toBe(true);
    expect(hear(second, text, 'dev')).toBeUndefined();
    expect(hear(second, text)!.matches('prod/db', old)).toBe(true);
  });

  it('in every scope: shared by tiers of one key, tested once per secret', () => {
    const tiers = Array.from({ length: 20 }, () => tier());
    const key = tiers[0]!.keys[0]!;
    const text = encodeBusMessage('prod', {
      kind: 'any-scope-form',
      key,
      form: tiers[0]!.known.anyForm(key, ARN_OLD),
    });
    for (const made of tiers) {
      const invalidation = hear(made, text)!;
      expect(invalidation.scope).toBeUndefined();
      expect(invalidation.matches('prod/db', old)).toBe(true);
      expect(invalidation.matches('prod/db', recreated)).toBe(false);
    }
  });
});
