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

/** `select(A, i·m + c)` of a free array A with numerals m, c: (A, i, m, c), else undefined. */
function recordSelect(ctx: Z3Context, e: Expr): { arr: Expr; i: Expr; key: string } | undefined {
  if (!ctx.isApp(e) || String(e.decl().name()) !== 'select') return undefined;
  const [arr, at] = e.children() as [Expr, Expr];
  if (!arr || !ctx.isConst(arr) || !at || String(at.decl().name()) !== 'bvadd') return undefined;
  const [mul, c] = at.children() as [Expr, Expr];
  if (!mul || !c || !ctx.isBitVecVal(c) || String(mul.decl().name()) !== 'bvmul') return undefined;
  const [i, m] = mul.children() as [Expr, Expr];
  if (!i || !m || !ctx.isBitVecVal(m)) return undefined;
  const v = (x: Expr): string => String((x as unknown as { value(): bigint }).value());
  return { arr, i, key: `${arr.id()}.${v(m)}.${v(c)}` };
}

/**
 * Record bytes abstracted: every `select(A, i·m + c)` of a free array (bytes.ts builds every exact
 * record address in this one shape) becomes `select(A_{m,c}, i′)` of a fresh array per (A, m, c), i′ the
 * index abstracted the same way (inner selects first, so a loaded slot used as an index stays one term).
 * Any model of the original gives one of this (A_{m,c}(i) := A(i·m + c)): a generalisation, so unsat
 * proves the original unsat. It spares the solver comparing every pair of record addresses through their
 * multiplications (the walks: a slot loaded from a slice indexes the orders pool).
 */
export function abstractRecords(ctx: Z3Context, formulas: readonly F[]): F[] {
  const pairs: [Expr, Expr][] = [];
  const seen = new Set<number>();
  const arrays = new Map<string, Expr>();
  const visit = (e: Expr): void => {
    if (seen.has(e.id())) return;
    seen.add(e.id());
    if (ctx.isApp(e)) for (const k of e.children() as Expr[]) visit(k);
    const r = recordSelect(ctx, e);
    if (!r) return;
    let a = arrays.get(r.key);
    if (!a) arrays.set(r.key, (a = ctx.Array.const(`record.${r.key}`, ctx.BitVec.sort((r.i as unknown as { size(): number }).size()), ctx.BitVec.sort(8)) as unknown as Expr));
    const i = pairs.length ? ctx.substitute(r.i, ...pairs) : r.i;
    pairs.push([e, (a as unknown as { select(x: Expr): Expr }).select(i)]);
  };
  for (const f of formulas) if (typeof f !== 'boolean') visit(f);
  if (pairs.length === 0) return [...formulas];
  return formulas.map((f) => (typeof f === 'boolean' ? f : (ctx.substitute(f, ...pairs) as ZBool)));
}
