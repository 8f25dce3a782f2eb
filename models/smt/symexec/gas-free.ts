/**
 * Ends without their gas bound (spec/symexec.md "S8: induction over segments"). Every end of a symbolic
 * run is split by gas (explore.ts `finish`): an `ok` end carries the conjunct ¬(limit < used), `used` the
 * ite-merged gas of every path into it — terms of 10^5 characters in the walks' loop segments, which z3
 * bit-blasts although they only say "the limit sufficed". When the free gas limit occurs in the formulas
 * only inside such conjuncts, in positive position (under ∧ and ∨ only), and in no `used`, the formulas
 * are monotone in the limit: a model stays a model with limit = 2^128 − 1, where every such conjunct is
 * true. So each may be replaced by `true` — the result is equisatisfiable with the original, and any of
 * its models with limit = 2^128 − 1 is a model of the original (`pinned`: that equation, to be assumed so
 * the models say so, e.g. for a replay).
 */
import type { Z3Context } from '../z3.ts';
import type { BV, ZBool } from './word.ts';

type F = ZBool | boolean;

/** The formulas with every ¬(limit < used) replaced by true, or undefined when the limit occurs elsewhere. */
export function withoutGasBound(ctx: Z3Context, limit: BV, formulas: readonly F[]): { formulas: F[]; pinned: ZBool } | undefined {
  const probe = ctx.BitVec.const('gas-free.probe', limit.size());
  const mentions = (e: ZBool | BV): boolean => ctx.substitute(e, [limit, probe]).id() !== e.id();
  const memo = new Map<number, ZBool | undefined>();
  const split = (b: ZBool): boolean => {
    if (!ctx.isNot(b)) return false;
    const lt = b.children()[0] as ZBool;
    const kids = lt.children() as unknown as BV[];
    return String(lt.decl().name()) === 'bvult' && kids.length === 2 && (kids[0] as BV).id() === limit.id() && !mentions(kids[1] as BV);
  };
  const walk = (b: ZBool): ZBool | undefined => {
    const hit = memo.get(b.id());
    if (memo.has(b.id())) return hit;
    let out: ZBool | undefined;
    if (split(b)) out = ctx.Bool.val(true);
    else if (ctx.isAnd(b) || ctx.isOr(b)) {
      const kids = (b.children() as ZBool[]).map(walk);
      out = kids.some((k) => k === undefined) ? undefined : ctx.isAnd(b) ? ctx.And(...(kids as ZBool[])) : ctx.Or(...(kids as ZBool[]));
    } else out = mentions(b) ? undefined : b;
    memo.set(b.id(), out);
    return out;
  };
  const out: F[] = [];
  for (const f of formulas) {
    if (typeof f === 'boolean') {
      out.push(f);
      continue;
    }
    const g = walk(f);
    if (g === undefined) return undefined;
    out.push(g);
  }
  return { formulas: out, pinned: limit.eq(ctx.BitVec.val((1n << BigInt(limit.size())) - 1n, limit.size())) };
}
