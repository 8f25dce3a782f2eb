/**
 * S8's record view of a byte store (spec/symexec.md "S8: induction over segments"): a concrete-address
 * load looks its bytes up through the writes that may touch them (`byteAt`), a store address has a
 * linear form `idx·m + c` when its path condition establishes one (`linearOf`), and a record-field load
 * (`fieldLoad`) resolves each write as `ite(written record = k, byte, earlier)`. Each must equal the full
 * store's load on every model of the path condition (z3-checked), and a write that may hit must show.
 */
import test from 'ava';
import { ByteStore } from '../../../../models/smt/symexec/bytes.ts';
import { linearOf } from '../../../../models/smt/symexec/linear.ts';
import { Words, type BV, type ZBool } from '../../../../models/smt/symexec/word.ts';
import { closeZ3, z3Context } from '../../../../models/smt/z3.ts';

test.after.always(async () => {
  await closeZ3();
});

const LIMIT = 1 << 20;
const SENTINEL = 1n << 64n;

/** Is `f` valid (its negation unsat)? */
async function valid(w: Words, f: ZBool): Promise<boolean> {
  const s = new w.ctx.Solver();
  try {
    s.add(w.ctx.Not(f));
    return (await s.check()) === 'unsat';
  } finally {
    s.release();
  }
}

/** The executor's storage bound of a `width`-byte access at `addr` (step.ts: addr + width ≤ limit, one bit wider). */
const inStorage = (w: Words, addr: BV, width: number): ZBool => w.ctx.Not(addr.zeroExt(1).add(w.ctx.BitVec.val(BigInt(width), 128).zeroExt(1)).ugt(BigInt(LIMIT)));

/** The compiler's checked index: `base + i·stride` when i < cap, else an address above every storage. */
const checked = (w: Words, i: BV, cap: bigint, stride: bigint, base: bigint): BV => w.ctx.If(i.ult(cap), i.mul(stride).add(base), w.ctx.BitVec.val(SENTINEL, 128)) as BV;

test.serial('S8 linearOf reads a checked index as idx·stride + c under the storage bound, and gives no form without it or when a sum may wrap', async (t) => {
  const w = new Words(await z3Context());
  const i = w.fresh('i');
  const addr = checked(w, i, 64n, 107n, 1513n).add(59n);
  const lin = linearOf(addr, 16, inStorage(w, addr, 16), LIMIT);
  t.truthy(lin);
  t.is(lin?.idx.id(), i.id());
  t.is(lin?.m, 107n);
  t.is(lin?.c, 1572n);
  t.is(lin?.idxMax, 63n);
  // without the storage bound the sentinel branch is possible: no form
  t.is(linearOf(addr, 16, i.ugt(3n), LIMIT), undefined);
  // an unbounded index: i·107 may wrap
  const raw = i.mul(107n).add(1513n);
  t.is(linearOf(raw, 16, inStorage(w, raw, 16), LIMIT), undefined);
  // a bound in the path condition suffices
  t.is(linearOf(raw, 16, w.ctx.And(i.ult(10n), inStorage(w, raw, 16)), LIMIT)?.idxMax, 9n);
});

test.serial('S8 byteAt: a concrete load after a confined symbolic write skips it and equals the full store on the write path condition', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const i = w.fresh('i');
  const v = w.fresh('v');
  const st = ByteStore.symbolic(w, 'pre');
  st.store(3n, 8, 77n); // a concrete header write (overlay)
  const rec = checked(w, i, 64n, 16n, 1000n);
  const pc = inStorage(w, rec, 16);
  st.store(rec, 16, v, pc, LIMIT); // array mode from here: the record write lies in [1000, 2024)
  st.store(5n, 1, 9n); // a concrete write after it
  const header = st.load(2n, 8);
  // bytes 3..8 are the concrete writes' (77 little-endian, then 9 at byte 5), byte 2 the pre-state's
  t.false(typeof header === 'bigint');
  const pre = ByteStore.symbolic(w, 'pre');
  const expect = w.bv(pre.load(2n, 1)).add(w.bv(((77n & 0xffn) << 8n) | (9n << 24n)));
  t.true(await valid(w, w.bv(header).eq(expect)), 'no select of the record write left');
  // a concrete load inside the record's range keeps the write (a select of the array after it)
  const inside = w.bv(st.load(1016n, 16));
  t.false(await valid(w, ctx.Implies(pc, inside.eq(w.bv(pre.load(1016n, 16))))), 'the record write may land at 1016');
});

test.serial('S8 fieldLoad equals the full store on every model of the path condition: records written by index, by index + 1 and by concrete address', async (t) => {
  const w = new Words(await z3Context());
  const ctx = w.ctx;
  const i = w.fresh('i');
  const j = w.fresh('j');
  const k = w.fresh('k', 32);
  const v = w.fresh('v');
  const u = w.fresh('u');
  // 8 records of 20 bytes from 100; field [4, 8) is read
  const pool = { lo: 100, stride: 20, cap: 8 };
  const rec = { stride: 20, fields: [[4, 4]] as const };
  const st = ByteStore.symbolic(w, 'pre');
  st.store(124n, 4, 0x01020304n); // record 1's field, concrete
  const a = checked(w, i, 8n, 20n, 100n).add(4n); // orders[i].field
  const pcA = inStorage(w, a, 4);
  st.store(a, 4, v, pcA, LIMIT);
  const b = j.mul(20n).add(124n); // record j + 1's field (the linear form's q = 1)
  const pc = ctx.And(pcA, j.ult(7n), inStorage(w, b, 4));
  st.store(b, 4, u, pc, LIMIT);
  const other = checked(w, j, 8n, 20n, 100n).add(12n); // orders[j] at offset 12: not the field
  const pcO = ctx.And(pc, inStorage(w, other, 4));
  st.store(other, 4, v, pcO, LIMIT);
  const view = w.bv(st.fieldLoad(pool, k, 4, 4, rec));
  const full = w.bv(st.load(k.zeroExt(96).mul(20n).add(104n), 4));
  t.true(await valid(w, ctx.Implies(ctx.And(pcO, k.ult(8n)), view.eq(full))));
  // the view is not the pre-state: the writes show through their index conditions
  t.true(await valid(w, ctx.Implies(ctx.And(pcO, k.ult(8n), j.eq(ctx.BitVec.val(2n, 128)), k.eq(ctx.BitVec.val(3n, 32))), view.eq(w.bv(u).extract(31, 0).zeroExt(96)))));
  t.false(await valid(w, ctx.Implies(ctx.And(pcO, k.ult(8n)), view.eq(w.bv(ByteStore.symbolic(w, 'pre').load(k.zeroExt(96).mul(20n).add(104n), 4))))));
});
