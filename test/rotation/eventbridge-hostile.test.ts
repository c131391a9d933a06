import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { type SecretManager, SecretRefConfigError } from '../../src/index.js';
import { invalidateFromEventBridge } from '../../src/rotation/eventbridge.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';

const spyTarget = () => ({ invalidate: vi.fn<SecretManager['invalidate']>() });

const throwingGetter = (key: string, value: Record<string, unknown> = {}) =>
  Object.defineProperty({ ...value }, key, {
    enumerable: true,
    get() {
      throw new Error(`getter ${key}`);
    },
  });

/** A Proxy whose every trap throws (reading, `in`, keys, prototype, `Array.isArray` once revoked). */
function throwingProxy(target: object = []): object {
  const fail = () => {
    throw new Error('trap');
  };
  return new Proxy(target, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    getPrototypeOf: fail,
  });
}

function revokedProxy(target: object = []): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

/** A list that claims to be as long as an array can be: reading it to its end would never finish. */
const endlessList = () =>
  new Proxy([], { get: (_target, key) => (key === 'length' ? 2 ** 32 - 1 : undefined) });

const labelUpdated = (resources: unknown, detail: unknown = { name: 'prod/db' }) => ({
  'detail-type': 'Secret Label Updated',
  source: 'aws.secretsmanager',
  resources,
  detail,
});

describe('invalidateFromEventBridge with hostile events', () => {
  for (const [label, resources] of [
    ['a throwing getter', throwingGetter('0', {})],
    ['a Proxy whose traps throw', throwingProxy()],
    ['a revoked Proxy', revokedProxy()],
    ['a list that claims 2^32 - 1 entries', endlessList()],
  ] as const) {
    it(`resources as ${label}: never throws, and the name in detail is still invalidated`, () => {
      // Prepare
      const target = spyTarget();

      // Act
      const outcome = invalidateFromEventBridge(labelUpdated(resources), target);

      // Assess
      expect(outcome).toMatchObject({ handled: true, secretIds: ['prod/db'] });
      expect(target.invalidate).toHaveBeenCalledWith({ secretId: 'prod/db' });
    });
  }

  it('an event whose resources hold a throwing getter before the ARN still finds the ARN', () => {
    // Prepare
    const list = Object.defineProperty([undefined, ARN], '0', {
      get() {
        throw new Error('getter 0');
      },
    });
    const target = spyTarget();

    // Act
    const outcome = invalidateFromEventBridge(labelUpdated(list, {}), target);

    // Assess
    expect(outcome).toMatchObject({ handled: true, secretIds: [ARN] });
  });

  for (const [label, event] of [
    ['a throwing getter on source', throwingGetter('source')],
    ['a throwing getter on detail', throwingGetter('detail', { source: 'aws.secretsmanager' })],
    ['a Proxy whose traps throw', throwingProxy({})],
    ['a revoked Proxy', revokedProxy({})],
    ['a Label Updated event whose detail is a revoked Proxy', labelUpdated(revokedProxy(), revokedProxy({}))],
  ] as const) {
    it(`an event that is ${label} is ignored, never thrown`, () => {
      // Act
      const outcome = invalidateFromEventBridge(event, spyTarget());

      // Assess
      expect(outcome.handled).toBe(false);
    });
  }

  it('managers that are a revoked Proxy or hold a throwing getter are bad `managers`, a SecretRefConfigError', () => {
    for (const managers of [revokedProxy([]), throwingGetter('db'), throwingProxy({})]) {
      expect(() => invalidateFromEventBridge(labelUpdated([ARN]), managers as never)).toThrow(
        SecretRefConfigError,
      );
    }
  });

  it('never throws for any event built from hostile values, and hands only strings to invalidate', () => {
    // Prepare: JSON-like recipes where any object may become a throwing getter or a hostile Proxy. fast-check
    // reads the values it generates, so the hostile objects are built from the recipe inside the property.
    const WRAPS: ((value: Record<string, unknown>) => object)[] = [
      (value) => throwingProxy(value),
      (value) => revokedProxy(value),
      (value) => throwingGetter('detail', value),
      (value) => throwingGetter('resources', value),
      (value) => throwingGetter('0', value),
      () => endlessList(),
      (value) => value,
      (value) => value,
    ];
    const build = (recipe: unknown): unknown => {
      if (Array.isArray(recipe)) return recipe.map(build);
      if (recipe === null || typeof recipe !== 'object') return recipe;
      const { wrap, ...fields } = recipe as { wrap?: number } & Record<string, unknown>;
      const built = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, build(value)]));
      return typeof wrap === 'number' ? WRAPS[wrap % WRAPS.length]!(built) : built;
    };
    const known = fc.constantFrom(
      'aws.secretsmanager',
      'Secret Label Updated',
      'AWS API Call via CloudTrail',
      'AWS Service Event via CloudTrail',
      'PutSecretValue',
      'RotationSucceeded',
      'secretsmanager.amazonaws.com',
      ARN,
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        known,
        fc.jsonValue({ maxDepth: 1 }),
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.record(
          {
            wrap: fc.nat(),
            source: tie('tree'),
            'detail-type': tie('tree'),
            resources: tie('tree'),
            detail: tie('tree'),
            eventName: tie('tree'),
            eventSource: tie('tree'),
            errorCode: tie('tree'),
            requestParameters: tie('tree'),
            responseElements: tie('tree'),
            additionalEventData: tie('tree'),
            secretId: tie('tree'),
            SecretId: tie('tree'),
            arn: tie('tree'),
            name: tie('tree'),
          },
          { requiredKeys: [] },
        ),
      ),
    }));
    const eventArb = fc.record({
      wrap: fc.nat(),
      source: fc.oneof({ arbitrary: fc.constant('aws.secretsmanager'), weight: 4 }, tree),
      'detail-type': fc.oneof(
        {
          arbitrary: fc.constantFrom(
            'Secret Label Updated',
            'AWS API Call via CloudTrail',
            'AWS Service Event via CloudTrail',
          ),
          weight: 4,
        },
        tree,
      ),
      resources: tree,
      detail: tree,
    });

    fc.assert(
      fc.property(eventArb, (recipe) => {
        // Prepare
        const event = build(recipe);
        const target = spyTarget();

        // Act
        const outcome = invalidateFromEventBridge(event, target);

        // Assess
        expect(typeof outcome.handled).toBe('boolean');
        for (const [ref] of target.invalidate.mock.calls) {
          expect(typeof (ref as { secretId: unknown }).secretId).toBe('string');
        }
        if (outcome.handled) expect(outcome.secretIds.every((id) => typeof id === 'string')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
