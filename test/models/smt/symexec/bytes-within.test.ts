/**
 * S8's region view of a byte store (spec/symexec.md "S8: induction over segments"): `ByteStore.within`
 * drops a symbolic-address write only when its path condition confines it outside the region (`spanOf`),
 * and a load inside the region then still equals the full store's load on every model of that condition.
 */
import test from 'ava';
import { ByteStore, spanOf } from '../../../../models/smt/symexec/bytes.ts';
import { Words, type BV } from '../../../../models/smt/symexec/word.ts';
import { closeZ3, z3Context } from '../../../../models/smt/z3.ts';

test.after.always(async () => {
  await closeZ3();
});

const LIMIT = 1 << 20;

/** Is `f` valid (its negation unsat)? */
async function valid(w: Words, f: ReturnType<Words['ctx']['Bool']['val']>): Promise<boolean> {
  const s = new w.ctx.Solver();
  s.add(w.ctx.Not(f));
  return (await s.check()) === 'unsat';
}

test.serial('S8 spanOf bounds base + i·stride by the path condition i < C, also as ite(i < C, …, sentinel) and not without a bound', async (t) => {
  const w = new Words(await z3Context());
  const i = w.fresh('i');
  const addr = i.mul(24n).add(41n);
  t.deepEqual(spanOf(addr, 16, i.ult(4n), LIMIT), [[41n, 129n]]);
  t.deepEqual(spanOf(addr, 16, w.ctx.Not(i.uge(4n)), LIMIT), [[41n, 129n]]);
  // the compiler's checked index: out of range goes to an address the storage bound excludes
  const checked = w.ctx.If(i.ult(64n), i.mul(16n).add(153n), w.ctx.BitVec.val(1n << 64n, 128)) as BV;
  t.deepEqual(spanOf(checked, 16, true, LIMIT), undefined);
  t.deepEqual(spanOf(checked, 16, i.ult(64n), LIMIT), [[153n, 1177n]]);
  // the ite condition itself is not used: a looser path bound gives a looser span
  t.deepEqual(spanOf(checked, 16, i.ult(1000n), LIMIT), [[153n, 16153n]]);
  // no bound on i: the whole storage
  t.deepEqual(spanOf(addr, 16, i.ugt(4n), LIMIT), [[0n, BigInt(LIMIT)]]);
});

test.serial('S8 spanOf pushes bounds through a carry-free i + 1 and a checked read of element i + 1, never through a sum that may wrap', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const i = w.fresh('i');
  const next = i.add(1n);
  const carry = ctx.Eq(i.zeroExt(1).add(ctx.BitVec.val(1n, 128).zeroExt(1)).extract(128, 128), ctx.BitVec.val(0n, 1));
  // the executor's forms (step.ts): carries and storage bounds over one-bit zero extensions
  // dlp[i] = dlp[i + 1]: the read's storage bound passed, so its index check held
  const read = ctx.If(next.ult(64n), next.mul(16n).add(153n), ctx.BitVec.val(1n << 64n, 128)) as BV;
  const readOk = ctx.Not(read.zeroExt(1).add(ctx.BitVec.val(16n, 128).zeroExt(1)).ugt(BigInt(LIMIT)));
  const addr = i.mul(16n).add(153n);
  t.deepEqual(spanOf(addr, 16, ctx.And(carry, readOk), LIMIT), [[153n, 1161n]]);
  // without the carry fact i = 2^128 − 1 (i + 1 = 0) is possible: no bound on i
  t.deepEqual(spanOf(addr, 16, readOk, LIMIT), [[0n, BigInt(LIMIT)]]);
});

test.serial('S8 within drops a write confined outside the region and keeps one that may land inside; loads inside agree with the full store', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const i = w.fresh('i');
  const j = w.fresh('j');
  const k = w.fresh('k');
  const v = w.fresh('v');
  const st = ByteStore.symbolic(w, 'pre');
  const pcI = i.ult(4n);
  st.store(i.mul(24n).add(41n), 16, v, pcI, LIMIT); // outside [1000, 2000)
  const pcJ = ctx.And(pcI, j.ult(100n));
  st.store(j.mul(16n).add(900n), 16, v, pcJ, LIMIT); // [900, 2500): may land inside
  const inRegion = ctx.And(k.uge(1000n), k.ule(2000n - 16n));
  const full = w.bv(st.load(k, 16));
  const view = w.bv(st.within(1000, 2000).load(k, 16));
  t.true(await valid(w, ctx.Implies(ctx.And(pcJ, inRegion), view.eq(full))));
  // the kept write is visible in the view: dropping it too would change the load
  const pre = w.bv(ByteStore.symbolic(w, 'pre').load(k, 16));
  t.false(await valid(w, ctx.Implies(ctx.And(pcJ, inRegion), view.eq(pre))));
});
