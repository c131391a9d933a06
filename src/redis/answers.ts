import type { SharedHit, SharedMiss, SharedRead, SharedWait } from '../cache/tier.js';

type Decided = SharedHit | SharedMiss;
/** How a wait handed out is settled. */
type Settle = { resolve(read: Decided): void; reject(error: unknown): void };

/**
 * The answers of one shared read (`readShared`), decided entry by entry as Redis and the bus answer. They are handed
 * to the caller once: when all are decided, or earlier (`handOut`) with a {@link SharedWait} for each entry not
 * decided yet, settled when it is. An entry never decided is a plain miss (the caller fetches it).
 */
export class ReadAnswers {
  private readonly decided: (Decided | undefined)[];
  /** The waits handed out and not settled yet, by entry. */
  private waits: Map<number, Settle> | undefined;
  private resolve!: (reads: SharedRead[]) => void;
  private reject!: (error: unknown) => void;
  /** Settles once, with every answer (or a wait for it). */
  readonly handed = new Promise<SharedRead[]>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  /**
   * @param entryOf - for each locator asked, the index of the entry that answers it (a locator asked twice is
   *   answered by one entry).
   * @param plainMiss - the answer of an entry never decided.
   */
  constructor(
    private readonly entryOf: readonly number[],
    private readonly plainMiss: SharedMiss,
  ) {
    this.decided = entryOf.map(() => undefined);
  }

  isDecided(entry: number): boolean {
    return this.decided[entry] !== undefined;
  }

  get handedOut(): boolean {
    return this.waits !== undefined;
  }

  decide(entry: number, read: Decided): void {
    this.decided[entry] = read;
    const wait = this.waits?.get(entry);
    if (wait === undefined) return;
    this.waits!.delete(entry);
    wait.resolve(read);
  }

  /** Hands the answers out now: each entry not decided yet is a wait (one per entry, shared by its locators). */
  handOut(): void {
    const waits = new Map<number, Settle>();
    const waiting = new Map<number, SharedWait>();
    this.waits = waits;
    this.resolve(
      this.entryOf.map((entry) => {
        const decided = this.decided[entry];
        if (decided !== undefined) return decided;
        let wait = waiting.get(entry);
        if (wait === undefined) {
          const promise = new Promise<Decided>((resolve, reject) => waits.set(entry, { resolve, reject }));
          wait = { hit: false, waiting: promise };
          waiting.set(entry, wait);
        }
        return wait;
      }),
    );
  }

  /** The read is over: what is still undecided is a plain miss (the answers were maybe handed out already). */
  finish(): void {
    for (const [entry, wait] of this.waits ?? []) wait.resolve(this.decided[entry] ?? this.plainMiss);
    this.waits?.clear();
    this.resolve(this.entryOf.map((entry) => this.decided[entry] ?? this.plainMiss));
  }

  /** The read failed: the answers (or the waits, when handed out) reject. */
  fail(error: unknown): void {
    for (const wait of this.waits?.values() ?? []) wait.reject(error);
    this.waits?.clear();
    this.reject(error);
  }
}
