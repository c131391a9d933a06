import { describe, expect, it } from 'vitest';
import { MAX_ENTRY_PLAINTEXT_BYTES, sealedLength } from '../../src/redis/crypto.js';
import {
  decodeInvalidateReply,
  decodeReadReply,
  MAX_ENTRY_CHARS,
  splitEntryText,
} from '../../src/redis/scripts.js';

describe('the tier scripts’ replies, decoded by name', () => {
  it('tells an oversized value (0) from a plain miss (false) and an entry in a read reply', () => {
    const reply = decodeReadReply(['e1', '4', '7', '12.sealed', 900, false, 1, 0, -1], 3);
    expect(reply).toEqual({
      epoch: 'e1',
      seq: '4',
      order: '7',
      slots: [
        { found: true, text: '12.sealed', pttl: 900 },
        { found: false, lease: 1, oversized: false },
        { found: false, lease: -1, oversized: true },
      ],
    });
    expect(decodeReadReply(['e1', '4', false, 1], 1)).toBeUndefined();
  });

  it('reads the invalidation’s generation and, as its last three fields, what it did in the fleet', () => {
    expect(decodeInvalidateReply([9, 'e1', 13, 3, 5, 2])).toEqual({
      seq: '9',
      epoch: 'e1',
      order: '13',
      removed: 3,
      heard: 5,
      marker: 2,
    });
    expect(decodeInvalidateReply([9, 'e1', 13, -1, 'x', 7])).toMatchObject({
      removed: 0,
      heard: 0,
      marker: 0,
    });
    expect(decodeInvalidateReply([9, 'e1', 13])).toBeUndefined();
    expect(decodeInvalidateReply([9, 3, 5, 2])).toBeUndefined();
  });

  it('caps entry texts at the largest sealed entry plus the longest order it can begin with', () => {
    const largest = `${'9'.repeat(20)}.${'A'.repeat(sealedLength(MAX_ENTRY_PLAINTEXT_BYTES))}`;
    expect(largest.length).toBe(MAX_ENTRY_CHARS);
    expect(splitEntryText(largest).order).toBe('9'.repeat(20));
  });
});
