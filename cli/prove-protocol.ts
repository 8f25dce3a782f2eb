/**
 * What the prover pool (cli/prove-pool.ts) and its worker processes (cli/prove-worker.ts) say to each other,
 * and how both build the same obligation list from the venue and template texts (spec/proofs.md PROOF-RUN-*).
 */
import type { TemplateSet } from '../reference/compiler/compile.ts';
import type { Obligation } from '../models/smt/obligation.ts';
import type { ProveEntry } from '../models/smt/prove.ts';

/** The argument the pool starts cli/prove-worker.ts with: without it (e.g. imported by a test) that file does nothing. */
export const WORKER_FLAG = '--curve-prove-worker';

export interface WorkerInit {
  readonly type: 'init';
  readonly venue: { readonly file: string; readonly text: string };
  readonly templates: TemplateSet;
  /** Per-query budget (quiet-machine ms; a z3 resource limit, PROOF-RUN-006). */
  readonly timeoutMs: number;
  /**
   * A module exporting `obligations(init): Promise<Obligation[]>` to use instead of the venue's (the pool's
   * tests run obligations that crash, hang or throw); absent: the venue's obligations (obligationsOf).
   */
  readonly source?: string;
}

/** What the pool sends: `init` once, then `run` per obligation (index into the full list), `quit` at the end. */
export type ToWorker = WorkerInit | { readonly type: 'run'; readonly index: number; readonly id: string } | { readonly type: 'quit' };

/** What a worker answers. */
export type FromWorker =
  | { readonly type: 'ready'; readonly solver: string; readonly ids: readonly string[] }
  | { readonly type: 'result'; readonly index: number; readonly entry: ProveEntry; readonly rssMb: number }
  | { readonly type: 'crash'; readonly message: string; readonly rssMb: number };

/** The obligations of a venue from its texts: the spec level, then the bytecode of its Router and Slabs. */
export async function obligationsOf(venue: WorkerInit['venue'], templates: TemplateSet): Promise<Obligation[]> {
  const [{ specObligations }, { bytecodeObligations }] = await Promise.all([import('../models/smt/spec/index.ts'), import('../models/smt/symexec/index.ts')]);
  return [...specObligations(), ...bytecodeObligations(venue.text, templates, venue.file)];
}
