/**
 * The proof-obligation contract shared by the spec-level encodings (models/smt/spec/) and the bytecode-level
 * symbolic executor (models/smt/symexec/). The prover (`models/smt/prove.ts`, `curve prove`) runs a list of
 * obligations and reports each verdict separately — the four verdicts of issue 5 plus `vacuous`, never
 * collapsed: only `proved` counts as a pass.
 */

/** The three invariant families of issue 5, plus the bytecode access-control facts. */
export type Family = 'safe-debit' | 'reservation-bounds' | 'margin-math' | 'access-control';

/** Where the obligation is stated: over the formulas of spec/perp.md, or over compiled CurveVM bytecode. */
export type Level = 'spec' | 'bytecode';

export type Verdict =
  | 'proved' // the negated property is unsat and its assumptions are sat (a witness exists)
  | 'counterexample' // sat, and the model was replayed concretely and the violation reproduced
  | 'unknown' // timeout or solver gave up: never a pass
  | 'partial' // some paths not covered (e.g. a path bound hit): `reason` says which
  | 'vacuous'; // the assumptions are unsatisfiable or the guarded path unreachable: a failure

export interface Counterexample {
  /** Solver model: variable name → value (decimal or 0x hex). */
  readonly model: Readonly<Record<string, string>>;
  /** Set once the model was re-executed on the concrete VM (or the model) and the violation reproduced. */
  readonly reproduced: boolean;
  /** Path of the regression conformance vector written for it, if any. */
  readonly vector?: string;
}

export interface ObligationResult {
  readonly verdict: Verdict;
  /** Human explanation for anything but `proved` (e.g. which path bound was hit). */
  readonly reason?: string;
  /** The negated property as SMT-LIB2 (the certificate other solvers re-check); empty when not applicable. */
  readonly smt2: string;
  /**
   * The non-vacuity queries as SMT-LIB2, each expected `sat`: the assumptions alone, then each guarded path
   * (certificates beside `smt2`; optional for levels that do not produce them).
   */
  readonly witnessSmt2?: readonly string[];
  /** A satisfying assignment of the assumptions alone (the non-vacuity witness). */
  readonly witness?: Readonly<Record<string, string>>;
  readonly counterexample?: Counterexample;
  /** Paths explored (bytecode level). */
  readonly paths?: number;
}

/** Options a run passes to every obligation. Time budgets are solver limits, not wall-clock reads. */
export interface ProveOptions {
  /**
   * Per-query budget in milliseconds of a quiet machine: every query runs under `checkWithin` (models/smt/z3.ts,
   * spec/proofs.md PROOF-RUN-006), i.e. a z3 resource limit of `RLIMIT_PER_MS` × this, with a wall-clock
   * safety net of `WALL_FACTOR` × this.
   */
  readonly timeoutMs: number;
}

export interface Obligation {
  /** Stable id, named after the rule: e.g. `SAFE-DEBIT/P7/expiry`, `MARGIN/RM1/im-monotone`. */
  readonly id: string;
  readonly family: Family;
  readonly level: Level;
  /** PERP_DESIGN.md invariant ids this obligation establishes (P7, S5, RM1, …). */
  readonly invariants: readonly string[];
  /** spec/perp.md (or spec/curvevm.md) rule ids it is stated over. */
  readonly rules: readonly string[];
  readonly description: string;
  run(opts: ProveOptions): Promise<ObligationResult>;
}
