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
  // the ite's own condition bounds its branch
  t.deepEqual(spanOf(checked, 16, i.ult(1000n), LIMIT), [[153n, 1177n]]);
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

test.serial('S8 within with record fields drops a write inside the pool at other record offsets only', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const j = w.fresh('j');
  const k = w.fresh('k');
  const v = w.fresh('v');
  // records of 10 bytes from 1000; the loads read field [0, 3) of record k < 50
  const rec = { stride: 10, fields: [[0, 3]] as const };
  const field = k.mul(10n).add(1000n);
  const kIn = k.ult(50n);
  const pc = j.ult(50n);
  const other = ByteStore.symbolic(w, 'pre');
  other.store(w.fresh('x'), 1, 0n); // array mode
  const pre = w.bv(other.load(field, 3));
  other.store(ctx.If(pc, j.mul(10n).add(1000n), ctx.BitVec.val(1n << 64n, 128)) as BV, 2, v, pc, LIMIT); // offsets 0, 1: hits the field
  const hits = other.within(1000, 1500, rec);
  t.false(await valid(w, ctx.Implies(ctx.And(pc, kIn), w.bv(hits.load(field, 3)).eq(pre))));
  const apart = ByteStore.symbolic(w, 'pre');
  apart.store(w.fresh('x'), 1, 0n);
  apart.store(ctx.If(pc, j.mul(10n).add(1003n), ctx.BitVec.val(1n << 64n, 128)) as BV, 2, v, pc, LIMIT); // offsets 3, 4
  const view = apart.within(1000, 1500, rec);
  t.true(await valid(w, ctx.Implies(ctx.And(pc, kIn), w.bv(view.load(field, 3)).eq(w.bv(apart.load(field, 3))))));
  t.true(await valid(w, ctx.Implies(kIn, w.bv(view.load(field, 3)).eq(pre))));
});
