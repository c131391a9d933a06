import QuickLRU from 'quick-lru';
import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/cache/lru.js';

type Step = ['set', string, number] | ['get', string] | ['peek', string] | ['delete', string];

function randomSteps(seed: number, count: number): Step[] {
  let state = seed;
  const next = (limit: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % limit;
  };
  const steps: Step[] = [];
  for (let index = 0; index < count; index++) {
    const key = `k${next(12)}`;
    const kind = next(4);
    if (kind === 0) steps.push(['set', key, index]);
    else if (kind === 1) steps.push(['get', key]);
    else if (kind === 2) steps.push(['peek', key]);
    else steps.push(['delete', key]);
  }
  return steps;
}

describe('Lru', () => {
  it('holds, evicts and moves entries as quick-lru does (same answers, same contents, step by step)', () => {
    for (const seed of [1, 2, 3, 42, 1_000]) {
      for (const maxSize of [1, 2, 3, 5, 8]) {
        const ours = new Lru<number>(maxSize);
        const theirs = new QuickLRU<string, number>({ maxSize });
        for (const step of randomSteps(seed, 400)) {
          if (step[0] === 'set') {
            ours.set(step[1], step[2]);
            theirs.set(step[1], step[2]);
          } else if (step[0] === 'get') expect(ours.get(step[1])).toBe(theirs.get(step[1]));
          else if (step[0] === 'peek') expect(ours.peek(step[1])).toBe(theirs.peek(step[1]));
          else expect(ours.delete(step[1])).toBe(theirs.delete(step[1]));
          expect([...ours.entries()]).toEqual([...theirs]);
          expect([...ours.keys()]).toEqual([...theirs.keys()]);
        }
      }
    }
  });

  it('replaces a value where it is, without moving it, and ignores a missing key', () => {
    const lru = new Lru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2); // a full generation: a and b are now the old one
    lru.set('c', 3);
    lru.replace('a', 10);
    lru.replace('missing', 0);
    expect(lru.peek('a')).toBe(10);
    expect(lru.peek('missing')).toBeUndefined();
    lru.set('d', 4); // the current generation (c, d) is full: the old one (a, b) goes
    expect(lru.peek('a')).toBeUndefined();
    expect([...lru.keys()]).toEqual(['c', 'd']);
  });

  it('moves a key of the old generation on a warm read only once that generation has been old settleMs', () => {
    const lru = new Lru<number>(2, 1_000);
    const now = Date.now();
    lru.set('a', 1);
    lru.set('b', 2); // a full generation: a and b are now the old one
    expect(lru.read('a', now)).toBe(1);
    lru.set('c', 3);
    lru.set('d', 4); // a was not moved: the old generation (a, b) goes
    expect(lru.peek('a')).toBeUndefined();
    expect(lru.read('c', now + 60_000)).toBe(3); // c, d have been the old generation long enough: c moves
    lru.set('e', 5); // the current generation (c, e) is full: d goes
    expect([...lru.keys()].sort()).toEqual(['c', 'e']);
    expect(lru.read('missing', now + 60_000)).toBeUndefined();
  });
});
