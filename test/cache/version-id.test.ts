import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Entry } from '../../src/cache/entry.js';
import { packVersionId, unpackVersionId } from '../../src/cache/version-id.js';

describe('packed version ids', () => {
  it('packs a lowercase UUID into 16 characters and spells the same id out again', () => {
    const ids = ['00000000-0000-4000-8000-000000000001', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
    for (let index = 0; index < 200; index++) ids.push(randomUUID());
    for (const id of ids) {
      const packed = packVersionId(id);
      expect(packed).toHaveLength(16);
      expect(unpackVersionId(packed!)).toBe(id);
    }
  });

  it('leaves any other id as it is, on the entry too', () => {
    const others = [
      'EXAMPLE1-90ab-cdef-fedc-ba987SAMPLE',
      '00000000-0000-4000-8000-00000000000G',
      '000000000000-4000-8000-0000000000001',
      '00000000-0000-4000-8000-0000000000011',
      'v1',
      '',
    ];
    for (const id of others) {
      expect(packVersionId(id)).toBeUndefined();
      const entry = new Entry({ secretString: 's', versionId: id }, 1, '', { identity: 'x' }, 'x|s|-|-', 's');
      expect(entry.versionId).toBe(id);
    }
    expect(packVersionId(undefined)).toBeUndefined();
    const uuid = randomUUID();
    expect(
      new Entry({ secretString: 's', versionId: uuid }, 1, '', { identity: 'x' }, 'k', 's').versionId,
    ).toBe(uuid);
    expect(new Entry({ secretString: 's' }, 1, '', { identity: 'x' }, 'k', 's').versionId).toBeUndefined();
  });
});
