/**
 * Deciding one bytecode obligation (issue 5 "Verdicts", "No vacuous proofs"): the assumptions alone must
 * be satisfiable (a witness: the guarded path is reachable), else the verdict is `vacuous`; then the
 * assumptions with the violation must be unsatisfiable (`proved`). A satisfying model of the violation is
 * only a candidate: the caller replays it on the concrete VM and reports `counterexample` only when the
 * violation reproduces, else `unknown` with the reason. Solver timeouts are `unknown`, never a pass.
 */
import type { Model } from 'z3-solver';
import { checkWithin, type Z3Context } from '../z3.ts';
import type { ZBool } from './word.ts';

export type Decision =
  | { readonly kind: 'proved'; readonly smt2: string; readonly witness: Model<'main'> }
  | { readonly kind: 'violated'; readonly smt2: string; readonly witness: Model<'main'>; readonly model: Model<'main'> }
  | { readonly kind: 'vacuous'; readonly smt2: string }
  | { readonly kind: 'unknown'; readonly smt2: string; readonly reason: string };

export async function decide(ctx: Z3Context, assumptions: readonly (ZBool | boolean)[], violation: ZBool | boolean, timeoutMs: number): Promise<Decision> {
  const b = (x: ZBool | boolean): ZBool => (typeof x === 'boolean' ? ctx.Bool.val(x) : x);
  const base = new ctx.Solver();
  const neg = new ctx.Solver();
  // both solvers are released on every way out: the z3 WASM heap is not the JS heap, so the garbage
  // collector does not feel solvers kept alive until it runs (a whole suite in one context ran out of heap)
  try {
    for (const a of assumptions) base.add(b(a));
    for (const a of assumptions) neg.add(b(a));
    neg.add(b(violation));
    const smt2 = neg.toSmtlib2('unknown');
    const sane = await checkWithin(base, timeoutMs);
    if (sane.result === 'unsat') return { kind: 'vacuous', smt2 };
    if (sane.result === 'unknown') return { kind: 'unknown', smt2, reason: `the assumptions' satisfiability is unknown (${sane.reason})` };
    const witness = base.model();
    const r = await checkWithin(neg, timeoutMs);
    if (r.result === 'unsat') return { kind: 'proved', smt2, witness };
    if (r.result === 'unknown') return { kind: 'unknown', smt2, reason: `solver gave up (${r.reason})` };
    return { kind: 'violated', smt2, witness, model: neg.model() };
  } finally {
    base.release();
    neg.release();
  }
}
