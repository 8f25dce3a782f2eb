/**
 * The executor interface (spec/sequencer.md §4, SEQ-EXE-*): what the sequencer needs from whatever runs
 * the perp operations of a batch: the golden model (model-executor.ts) or CurveVM with the compiled
 * Router/Slab modules (vm-executor.ts; equal roots, SEQ-EXE-005). The sequencer never looks
 * inside: it calls `boundary` then `apply` per intent, asks for `entries` to build the state root, and
 * keeps `snapshot` values as the durable copy a restarted node restores from.
 */
import type { StateEntry } from '../lib/state-tree.ts';
import type { Intent } from './intent.ts';

/** The JSON-able outcome of one intent (bigints as 0x hex in `out`). */
export interface IntentReceipt {
  readonly id: string;
  readonly account: bigint;
  readonly nonce: bigint;
  readonly kind: Intent['body']['kind'];
  readonly ok: boolean;
  /** Error name when !ok (a perp error name or a sequencer code such as BAD_NONCE). */
  readonly error?: string;
  readonly out?: Readonly<Record<string, string>>;
}

/** What a batch boundary did (SEQ-TTL-*, SEQ-WIN-*, SEQ-STALE-*). */
export interface BoundaryReport {
  /** Routes cancelled because their caps expired (F1), ids in hex. */
  readonly expired: readonly string[];
  /** (slab, instrument) batch opens, `slab/instrument` in hex. */
  readonly opened: readonly string[];
  readonly nowStale: readonly string[];
  readonly nowHealthy: readonly string[];
}

export interface BatchExecutor {
  /** SEQ-EXE-001: the boundary work at block time `now`, before the block's intents. */
  boundary(now: bigint): BoundaryReport;
  /** SEQ-EXE-002: one admitted intent whose nonce the ledger has already checked; all-or-nothing. */
  apply(intent: Intent, id: string, now: bigint): IntentReceipt;
  /** SEQ-ROOT-001: the state as sorted-able (key, value) entries; keys are unique. */
  entries(): StateEntry[];
  /** SEQ-EXE-003: a durable copy; restore(snapshot()) gives back an executor with equal entries. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  /** An independent copy (speculative execution of a proposal). */
  fork(): BatchExecutor;
  /** The state invariants that hold after every batch (empty = none violated). */
  checkInvariants(now: bigint): string[];
}
