import type { RedisConnection } from './client.js';
import type { DerivedKey } from './crypto.js';
import type { FillWatch } from './fills.js';
import type { Guard } from './guard.js';
import type { NameMemo } from './names.js';

/** What a read and its commits need from the tier. */
export interface ReadContext {
  readonly connection: RedisConnection;
  readonly guard: Guard;
  readonly namespace: string;
  readonly prefix: string;
  readonly keys: readonly DerivedKey[];
  readonly ttlMs: number;
  readonly jitter: number;
  readonly leaseMs: number;
  /** The memo of names (see names.ts). */
  readonly nameMemo: NameMemo;
  /** Caps `freshForMs` of hits (while the bus is down, in-process copies must not outlive what they may miss). */
  freshCap(): number;
  /** Watches `names` for their `filled` messages on the bus (see fills.ts), until the watch is closed. */
  watchFills(names: readonly string[]): FillWatch;
  /** The longest a lease waiter goes without looking at Redis (`POLL_MS` in read.ts, or longer while the bus is up). */
  pollMs(): number;
  onProblem(kind: 'tampered' | 'oversized', cause?: unknown): void;
  /** Told the namespace's epoch after each read that Redis answered. */
  onEpoch?(epoch: string): void;
}

/** Where a fetch stands: the epoch and invalidation sequence it read at, and its place in the order of fetches. */
export interface Generation {
  readonly epoch: string;
  readonly seq: string;
  readonly order: string;
}
