/**
 * A least-recently-used map in two generations, as quick-lru keeps one (the same eviction, the same `size`), but
 * holding the values themselves: quick-lru wraps each in an `{ value, expiry }` object, 40 bytes an entry, and
 * checks an expiry the store does not use. New keys go into the current generation; when it reaches `maxSize`
 * it becomes the old one and the old one is dropped. A read of a key of the old generation moves it into the
 * current one. It holds between `maxSize` and twice `maxSize` entries. Values are never `undefined`.
 *
 * {@link Lru.read} is the warm read's: it moves a key of the old generation only when that generation has been
 * the old one for `settleMs`, so that a read among many entries seldom pays a move (quick-lru's `get` moves every
 * time, and a full new generation then replaces the old one at once, over and over).
 */
export class Lru<V> {
  #recent = new Map<string, V>();
  #old = new Map<string, V>();
  /** Keys set into the current generation since it began (what quick-lru counts). */
  #count = 0;
  readonly #maxSize: number;
  readonly #settleMs: number;
  /** When the old generation became the old one (`Date.now()`). */
  #swappedAt = Number.NEGATIVE_INFINITY;

  /** An empty map that keeps about `maxSize` entries (see the class). */
  constructor(maxSize: number, settleMs = 0) {
    this.#maxSize = maxSize;
    this.#settleMs = settleMs;
  }

  /**
   * The value of `key` at time `now`; a key of the old generation moves into the current one when that generation
   * has been the old one for `settleMs` or more.
   */
  read(key: string, now: number): V | undefined {
    const value = this.#recent.get(key);
    if (value !== undefined) return value;
    const old = this.#old.get(key);
    if (old !== undefined && now - this.#swappedAt >= this.#settleMs) {
      this.#old.delete(key);
      this.#add(key, old);
    }
    return old;
  }

  /** The value of `key`, moved into the current generation when it was in the old one. */
  get(key: string): V | undefined {
    const value = this.#recent.get(key);
    if (value !== undefined) return value;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#add(key, old);
    }
    return old;
  }

  /** The value of `key`, without touching its recency. */
  peek(key: string): V | undefined {
    return this.#recent.get(key) ?? this.#old.get(key);
  }

  /** Sets `key` in the current generation (a key of the old one moves). */
  set(key: string, value: V): void {
    if (this.#recent.has(key)) this.#recent.set(key, value);
    else this.#add(key, value);
  }

  /** Makes an existing `key` hold `value` where it is, without touching its recency; no-op for a missing key. */
  replace(key: string, value: V): void {
    if (this.#recent.has(key)) this.#recent.set(key, value);
    else if (this.#old.has(key)) this.#old.set(key, value);
  }

  /** Forgets `key`; true when it was held. */
  delete(key: string): boolean {
    const deleted = this.#recent.delete(key);
    if (deleted) this.#count--;
    return this.#old.delete(key) || deleted;
  }

  /** Every key and value held, the current generation first. */
  *entries(): Generator<[string, V]> {
    yield* this.#recent;
    for (const entry of this.#old) if (!this.#recent.has(entry[0])) yield entry;
  }

  /** Every key held, the current generation first. */
  *keys(): Generator<string> {
    yield* this.#recent.keys();
    for (const key of this.#old.keys()) if (!this.#recent.has(key)) yield key;
  }

  #add(key: string, value: V): void {
    this.#recent.set(key, value);
    this.#count++;
    if (this.#count >= this.#maxSize) {
      this.#count = 0;
      this.#swappedAt = Date.now();
      this.#old = this.#recent;
      this.#recent = new Map();
    }
  }
}
