/**
 * What the gate needs from the parts that produce evidence it does not compute itself (spec/gate.md
 * GATE-PROD-*): the prover, the soak runner, the benchmarks, the VM-vs-model differential driver and the
 * test runner. The CLI wires each to its real implementation; one that does not exist is left undefined
 * and its stage reports "no evidence" — never a stand-in with made-up figures.
 */
import type { TemplateSet } from '../reference/compiler/compile.ts';
import type { CompiledModule } from '../reference/compiler/artifact.ts';
import type { VenueConfig } from '../reference/script/venue.ts';
import type { Figure } from './types.ts';

/** One proof obligation's result (models/smt/obligation.ts), with its wall-clock time from the prover. */
export interface ProofResult {
  readonly id: string;
  readonly family: string;
  readonly level: string;
  /** PERP_DESIGN.md invariant ids it establishes. */
  readonly invariants: readonly string[];
  /** The module it was stated over (bytecode level), if any. */
  readonly module?: string;
  /** proved | counterexample | unknown | partial | vacuous: only `proved` passes. */
  readonly verdict: string;
  readonly seconds: number;
  readonly reason?: string;
  /** false when the prover never reached it (budget, crash): `unknown`, and pending in the matrix. */
  readonly decided?: boolean;
}

export interface ProofRun {
  readonly solver: string;
  /** Every obligation of the venue; one the prover did not decide (budget, crash) is `unknown` with why. */
  readonly obligations: readonly ProofResult[];
  /** Per module name, the sha256 of its proof certificate (MAN-PROOF-001), when the prover wrote one. */
  readonly certificates: Readonly<Record<string, string>>;
  /** The proof bundle (models/smt/certificate.ts) when the run completed: its hash and JSON text. */
  readonly bundle?: { readonly hash: string; readonly json: string };
  /** Why the run did not complete (time budget, prover error), when it did not. */
  readonly stopped?: string;
}

/** The venue the prover is given (texts), the per-query solver timeout and the stage's time budget. */
export interface ProveInput {
  readonly venue: { readonly file: string; readonly text: string };
  readonly templates: TemplateSet;
  /** Module names and kinds of the compiled venue (the proof-hash slots). */
  readonly modules: readonly { readonly name: string; readonly kind: string }[];
  readonly timeoutMs: number;
  readonly budgetSeconds: number;
  progress(line: string): void;
}

export interface SoakViolation {
  readonly checker: string;
  readonly invariant?: string;
  readonly message: string;
}

export interface SoakSeedResult {
  readonly seed: number;
  readonly events: number;
  readonly simulatedMs: number;
  readonly violations: readonly SoakViolation[];
}

export interface SoakRun {
  readonly seeds: readonly SoakSeedResult[];
  /** The invariant checkers the soak ran, and the invariant ids each checks. */
  readonly checkers: readonly { readonly name: string; readonly invariants: readonly string[] }[];
}

/** One VM-vs-model mismatch, with the seed that reproduces it. */
export interface VmDiffMismatch {
  readonly seed: number;
  readonly step: number;
  /** The operation of that step. */
  readonly op: string;
  readonly message: string;
}

/** The compiled venue and the seeded sequences the VM-vs-model driver runs. */
export interface VmDiffInput {
  readonly venue: VenueConfig;
  readonly modules: readonly CompiledModule[];
  readonly seed: number;
  readonly sequences: number;
  readonly steps: number;
  progress(line: string): void;
}

export interface VmDiffRun {
  readonly sequences: number;
  /** Steps run on both sides and compared. */
  readonly steps: number;
  /** Of those, the steps that succeeded on both sides. */
  readonly ok: number;
  readonly mismatches: readonly VmDiffMismatch[];
  /** Invariant ids the driver compares (observables equal on both sides). */
  readonly invariants: readonly string[];
}

export interface TestRunResult {
  /** TAP 13 text of the run (ava --tap). */
  readonly tap: string;
}

export interface Producers {
  readonly prove?: (input: ProveInput) => Promise<ProofRun>;
  readonly soak?: (o: { readonly seeds: readonly number[]; readonly events: number }) => Promise<SoakRun>;
  readonly vmBench?: () => Promise<{ readonly workloads: readonly Readonly<Record<string, number | string>>[] }>;
  readonly perpBench?: (o: { readonly scale: 'quick' | 'full' }) => Promise<Readonly<Record<string, Figure | undefined>>>;
  readonly vmDifferential?: (o: VmDiffInput) => Promise<VmDiffRun>;
  readonly tests?: (files: readonly string[]) => Promise<TestRunResult>;
}
