/**
 * What the perp bench (bench/perp.ts, PFM1) needs from an engine: a slab book it can fill, and the
 * reserve → fund → commit → release cycle split into its steps so each can be timed alone. Two engines
 * implement it: the compiled templates on CurveVM (bench/perp-vm.ts) and the golden model
 * (bench/perp-model.ts).
 */

export type BenchSide = 0 | 1;

/** One reserve → commit pair, prepared before timing (ids, commitment hash). */
export interface Prepared {
  readonly n: number;
  readonly user: bigint;
  readonly side: BenchSide;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly salt: Uint8Array;
}

export interface BenchBook {
  readonly engine: 'vm' | 'model';
  /** Usable order slots of the slab's order pool. */
  readonly capacity: number;
  /** A LIVE maker order (a DLP maker: posted LIVE at once, M7). */
  post(owner: bigint, side: BenchSide, px: bigint, qty: bigint): void;
  /** Everything a pair needs that is not the work being measured (route id, commitment hash). */
  prepare(n: number, user: bigint, side: BenchSide, qty: bigint, limitPx: bigint, salt: Uint8Array): Prepared;
  /** slab reserve (timed as reserve latency). */
  reserve(p: Prepared): void;
  /** Router: escrow credit by max_charge and a cap for it. */
  fund(p: Prepared): void;
  /** slab commit through the cap (timed as commit latency). */
  commit(p: Prepared): void;
  /** Router: burn the cap, refund what is left of the escrow. */
  release(p: Prepared): void;
  /** Optional (VM): the cheapest entry call there is (a read), to time the fixed cost of one call. */
  noop?(): void;
  /**
   * Optional (VM): while on, calls run traced (slowly, never timed) and their executed instructions,
   * gas and hottest opcodes are recorded per entry; `traced()` returns them.
   */
  trace?(on: boolean): void;
  traced?(): Readonly<Record<string, TracedCall>>;
}

/** One traced call: executed instructions, gas, and the most executed opcodes. */
export interface TracedCall {
  readonly instructions: number;
  readonly gas: number;
  readonly top_ops: Readonly<Record<string, number>>;
}

export interface BenchVenue {
  readonly book: BenchBook;
  /** Deposit collateral for a taker. */
  fundUser(user: bigint, amount: bigint): void;
}
