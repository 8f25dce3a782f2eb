/**
 * Nonlinear terms abstracted (spec/symexec.md "S8: induction over segments"): every product, quotient or
 * remainder of two non-literal words and every multiplication overflow check is replaced by a fresh
 * variable, consistently in all the formulas. A model of the original formulas gives one of the
 * abstraction (each fresh variable takes its term's value), so unsatisfiability of the abstraction
 * proves the original unsatisfiable; a model of the abstraction proves nothing by itself (a
 * counterexample is still only one the VM replays). Why: the walks' `notional + take·px` carry check
 * sits in the join conditions of the very stores S8 probes, and z3 bit-blasts its 128-bit multiplier.
 */
import type { Expr as ZExpr } from 'z3-solver';
import type { Z3Context } from '../z3.ts';
import type { ZBool } from './word.ts';

type Expr = ZExpr<'main'>;
type F = ZBool | boolean;

const NONLINEAR = new Set(['bvmul', 'bvudiv', 'bvurem', 'bvudiv_i', 'bvurem_i', 'bvumul_noovfl']);

/** Is `e` a product/quotient/remainder/overflow check of two non-literal operands? */
export function isNonlinear(ctx: Z3Context, e: Expr): boolean {
  if (!ctx.isApp(e)) return false;
  const kids = e.children() as Expr[];
  return NONLINEAR.has(String(e.decl().name())) && kids.filter((k) => !ctx.isBitVecVal(k)).length >= 2;
}

/**
 * The formulas with their maximal nonlinear terms replaced by fresh variables: a generalisation
 * (unchanged when there is nothing to abstract).
 */
export function abstractNonlinear(ctx: Z3Context, formulas: readonly F[]): F[] {
  const found = new Map<number, [Expr, Expr]>();
  const seen = new Set<number>();
  let n = 0;
  const visit = (e: Expr): void => {
    if (seen.has(e.id())) return;
    seen.add(e.id());
    if (isNonlinear(ctx, e)) {
      found.set(e.id(), [e, ctx.isBool(e) ? ctx.Bool.const(`nonlinear.b${n++}`) : ctx.BitVec.const(`nonlinear.w${n++}`, (e as unknown as { size(): number }).size())]);
      return;
    }
    if (ctx.isApp(e)) for (const k of e.children() as Expr[]) visit(k);
  };
  for (const f of formulas) if (typeof f !== 'boolean') visit(f);
  if (found.size === 0) return [...formulas];
  const pairs = [...found.values()];
  return formulas.map((f) => (typeof f === 'boolean' ? f : (ctx.substitute(f, ...pairs) as ZBool)));
}
