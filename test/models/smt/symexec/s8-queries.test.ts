/**
 * The query transformations of S8's segment triples (spec/symexec.md "S8: induction over segments"):
 * ends without their gas bound (gas-free.ts: equisatisfiable only when the limit occurs nowhere else and
 * only positively), the nonlinear abstraction and the record abstraction (nonlinear.ts: generalisations —
 * unsat carries over to the original, sat does not). The whole loop (selectors per end, both transformations) is exercised by
 * the S8 fixtures of reservation-counterexample.test.ts, decided both ways.
 */
import test from 'ava';
import { withoutGasBound } from '../../../../models/smt/symexec/gas-free.ts';
import { abstractNonlinear, abstractRecords } from '../../../../models/smt/symexec/nonlinear.ts';
import { Words, type BV, type ZBool } from '../../../../models/smt/symexec/word.ts';
import { closeZ3, z3Context } from '../../../../models/smt/z3.ts';

test.after.always(async () => {
  await closeZ3();
});

async function sat(w: Words, fs: readonly (ZBool | boolean)[]): Promise<string> {
  const s = new w.ctx.Solver();
  try {
    for (const f of fs) s.add(typeof f === 'boolean' ? w.ctx.Bool.val(f) : f);
    return await s.check();
  } finally {
    s.release();
  }
}

test.serial('S8 withoutGasBound drops ¬(limit < used) in positive position only; the result with limit = max implies the original', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const limit = w.fresh('gas_limit');
  const used = w.fresh('a').add(w.fresh('b'));
  const p = w.fresh('x').ugt(3n);
  const end = ctx.And(p, ctx.Not(limit.ult(used)));
  const g = withoutGasBound(ctx, limit, [end, ctx.Or(end, ctx.Not(p))]);
  if (!g) return t.fail('no transformation');
  t.is(await sat(w, [g.formulas[0] as ZBool, g.pinned, ctx.Not(end)]), 'unsat', 'a model with limit = max satisfies the original');
  t.is(await sat(w, [ctx.Not(ctx.Implies(end, g.formulas[0] as ZBool))]), 'unsat', 'the original implies the result');
  // the limit elsewhere (an out-of-gas end, a GAS read): no transformation
  t.is(withoutGasBound(ctx, limit, [end, limit.ult(used)]), undefined);
  t.is(withoutGasBound(ctx, limit, [ctx.Not(end)]), undefined, 'under a negation the bound is not monotone');
  t.is(withoutGasBound(ctx, limit, [ctx.And(p, ctx.Not(limit.ult(limit.add(1n))))]), undefined, 'the used gas mentions the limit');
});

test.serial('S8 abstractNonlinear replaces products of two words by fresh variables: unsat carries over, a model need not', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const x = w.fresh('x');
  const y = w.fresh('y');
  const z = w.fresh('z');
  const prod = x.mul(y);
  // unsat whatever the product is: still unsat abstracted
  const [a, b] = abstractNonlinear(ctx, [prod.ugt(z), z.uge(prod)]);
  t.is(await sat(w, [a as ZBool, b as ZBool]), 'unsat');
  // unsat only by the product's meaning: the abstraction is satisfiable (a generalisation)
  const [c, d] = abstractNonlinear(ctx, [prod.eq(ctx.BitVec.val(7n, 128)), x.eq(ctx.BitVec.val(0n, 128))]);
  t.is(await sat(w, [prod.eq(ctx.BitVec.val(7n, 128)), x.eq(ctx.BitVec.val(0n, 128))]), 'unsat');
  t.is(await sat(w, [c as ZBool, d as ZBool]), 'sat');
  // a product by a constant is linear: kept
  const lin = x.mul(107n).ugt(z);
  t.is((abstractNonlinear(ctx, [lin])[0] as ZBool).id(), lin.id());
});

test.serial('S8 abstractRecords maps select(A, i·m + c) to a per-field array at i, the index abstracted first: congruence kept, aliasing across shapes lost (a generalisation)', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const A = ctx.Array.const('pre', ctx.BitVec.sort(32), ctx.BitVec.sort(8)) as unknown as { select(x: BV): BV };
  const i = ctx.BitVec.const('i', 32) as BV;
  const j = ctx.BitVec.const('j', 32) as BV;
  const rec = (x: BV, c: bigint): BV => A.select(x.mul(107n).add(c)) as BV;
  // a slot loaded from one record indexes another: the same term on both sides after abstraction
  const slot = rec(j, 3n).zeroExt(24) as BV;
  const f1 = [rec(slot, 5n).neq(rec(i, 5n)), i.eq(slot)];
  t.is(await sat(w, f1), 'unsat');
  t.is(await sat(w, abstractRecords(ctx, f1)), 'unsat', 'congruence through an abstracted index');
  // one byte through two shapes (record i at offset 112 = record i + 1 at offset 5): the link is lost
  const f2 = [rec(i, 112n).neq(A.select(i.add(1n).mul(107n).add(5n)))];
  t.is(await sat(w, f2), 'unsat');
  t.is(await sat(w, abstractRecords(ctx, f2)), 'sat');
});
