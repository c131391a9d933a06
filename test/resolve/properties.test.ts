import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSecretRefs } from '../../src/resolve/find.js';
import { resolveConnection } from '../../src/resolve/resolve-connection.js';
import { copyStrings } from '../../src/resolve/walk.js';
import { createFakeManager } from './fake-manager.js';

const noBraces = fc.string().filter((text) => !text.includes('{{'));

const anythingWithoutRefs = fc.anything({
  key: noBraces,
  values: [noBraces, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)],
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withBigInt: true,
  maxDepth: 4,
});

describe('walking values without references', () => {
  it('resolves a JSON value to a deep-equal copy, leaving the input untouched and fetching nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.clone(fc.jsonValue({ maxDepth: 5 }), 2), async ([input, twin]) => {
        fc.pre(findSecretRefs(input).length === 0);
        const fake = createFakeManager({});
        const out = await resolveConnection(input, fake);
        expect(out).toStrictEqual(twin);
        expect(input).toStrictEqual(twin);
        expect(fake.calls).toEqual([]);
        if (input !== null && typeof input === 'object') expect(out).not.toBe(input);
      }),
    );
  });

  it('copies anything (null prototypes, sparse arrays, Maps, Dates, typed arrays) to a strictly equal value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.clone(anythingWithoutRefs, 2), async ([input, twin]) => {
        const out = await resolveConnection(input, createFakeManager({}));
        expect(out).toStrictEqual(twin);
        expect(input).toStrictEqual(twin);
      }),
    );
  });

  it('visits strings in the order and at the paths where findSecretRefs reports references', () => {
    const ref = fc.constantFrom(
      '{{resolve:secretsmanager:db:SecretString:password}}',
      '{{conn1|ap_sep_v1|prod/api:key}}',
    );
    const leaf = fc.oneof(noBraces, ref);
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node')),
        fc.dictionary(noBraces, tie('node')),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        const refPaths: unknown[] = [];
        copyStrings(value, (text, path) => {
          if (text.startsWith('{{')) refPaths.push(path);
        });
        expect(findSecretRefs(value).map((item) => item.path)).toEqual(refPaths);
      }),
    );
  });
});
