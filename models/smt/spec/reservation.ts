/**
 * Reservation-bounds family (spec/perp.md §7; S5, S8, S9, M4, M5, R2, E2E2, S11): reserved quantity never
 * exceeds an order's quantity however reserves interleave, a cancel gives back exactly its slices, a
 * commit fill keeps Σ slices = reserved ≤ qty, a successful walk fills exactly the requested quantity
 * within the limit, and the aggressor tax is non-negative, zero without overlap and at least a round
 * trip's gain. Domain: bounded integers. The single-order steps are linear (QF_LIA; a word is an integer
 * in [0, 2^128) and "no wrap" is the proved range of each result). They were first written over 128-bit
 * bit-vectors, but z3 (WASM) did not decide `w ≤ q − r ⇒ r + w ≤ q` for two interleaved reserves within
 * 30 s even on 64-bit domains zero-extended to 128 (QF_LIA: 2.5 s). The walk's notional and the tax
 * multiply and divide (QF_NIA).
 *
 * The concrete side runs the golden model: `reserve`, `cancelHold` and `fillOrder` on a slab whose ask
 * side holds the orders (model-fixtures.ts), and `taxFor` for the tax.
 */
import type { Arith, Bool } from 'z3-solver';
import { taxFor } from '../../../reference/perp/model/aggressor.ts';
import { fillOrder } from '../../../reference/perp/model/fill.ts';
import { cancelHold } from '../../../reference/perp/model/reserve.ts';
import { BPS, IntEnc, U128_MAX, bits, range } from './encoding.ts';
import { ROUTER, TAKER, askBook, reserveBuy, slab } from './model-fixtures.ts';
import type { SpecDef, Values } from './spec-obligation.ts';

type V = Arith<'main'>;
const QTY = range(1n, U128_MAX);
const FILL_QTY = range(1n, 1n << 126n);
const ORDER_BOUNDS = 'order qty ∈ [1, 2^128 − 1], reserved ≤ qty (S5 before the step), requested quantities ≥ 1; maker ≠ taker; the order priced at 1 within the limit';

/** The model's walk over one order: take = min(qty − reserved, want); reserve succeeds only when take = want (all or nothing). */
function takeEnc(ctx: IntEnc['ctx'], qty: V, reserved: V, want: V): { ok: Bool<'main'>; reserved: V } {
  const ok = want.le(qty.sub(reserved));
  return { ok, reserved: ctx.If(ok, reserved.add(want), reserved) as V };
}

function reservedAfter(x: Values, wants: readonly bigint[]): { reserved: bigint; ok: boolean[]; holds: (bigint | string)[] } {
  const { s, slots } = askBook([{ px: 1n, qty: x.qty as bigint, reserved: x.reserved as bigint }]);
  const holds = wants.map((w, i) => reserveBuy(s, w, 1n, BigInt(i + 1)));
  return { reserved: s.orders.slots[slots[0] as number]?.reservedQty ?? -1n, ok: holds.map((h) => typeof h === 'bigint'), holds };
}

/** PERP-AGG-001's tax of a sell leg against the bought volume (oq, oN), in two obligations. */
function taxDef(part: 'nonneg' | 'roundtrip', id: string, description: string): SpecDef {
  return {
    id,
    family: 'reservation-bounds',
    invariants: ['S11', 'M11', 'S9'],
    rules: ['PERP-AGG-001'],
    description,
    bounds: 'qty, bought qty ∈ [1, 2^40] (0 allowed for the bought qty); notionals < 2^86; arg_tax_bps ∈ [1, 10⁴]',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [qty, n, oq, oN, bps] = [v.int('qty', range(1n, 1n << 40n)), v.int('notional', bits(86)), v.int('oq', range(0n, 1n << 40n)), v.int('oN', bits(86)), v.int('bps', range(1n, BPS))];
      const o = e.min(qty, oq);
      const bpsPart = e.mulDivUp(n.mul(o), bps, qty.mul(e.n(BPS)));
      const gain = e.mulDivUp(n, o, qty).sub(ctx.If(oq.eq(0), e.n(0), o.mul(oN).div(oq)) as V);
      const tax = ctx.If(o.eq(0), e.n(0), bpsPart.add(e.max(e.n(0), gain))) as V;
      return {
        assume: part === 'roundtrip' ? [qty.eq(oq)] : [],
        reach: part === 'roundtrip' ? { profitable: n.gt(oN) } : { 'no-overlap': oq.eq(0), overlap: oq.gt(0) },
        prove: part === 'roundtrip' ? tax.ge(n.sub(oN)) : ctx.And(tax.ge(0), ctx.Implies(oq.eq(0), tax.eq(0)), e.u128(n.mul(o))),
        terms: { tax: { smt: tax, model: taxModel } },
      };
    },
    replay(x) {
      const tax = taxModel(x);
      if (part === 'nonneg') return tax < 0n || (x.oq === 0n && tax !== 0n) ? `tax ${tax}` : null;
      return x.qty === x.oq && tax < (x.notional as bigint) - (x.oN as bigint) ? `round trip gains ${(x.notional as bigint) - (x.oN as bigint)} but pays ${tax}` : null;
    },
  };
}

/** PERP-RES-001 over a three-level ask book, split in two obligations (the fill quantities; the notional). */
function walkDef(part: 'fills' | 'notional', id: string, invariants: string[], description: string): SpecDef {
  return {
    id,
    family: 'reservation-bounds',
    invariants,
    rules: ['PERP-RES-001', 'PERP-RES-002', 'PERP-NUM-005'],
    description,
    bounds: `free quantities, qty ∈ [1, 2^60], prices and limit ∈ [1, 2^64)${part === 'fills' ? ', px1 ≤ px2 ≤ px3' : ' in any order'}`,
    logic: part === 'fills' ? 'QF_LIA' : 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const qb = range(1n, 1n << 60n);
      const pb = range(1n, (1n << 64n) - 1n);
      const [qty, limit] = [v.int('qty', qb), v.int('limit', pb)];
      const avail = [v.int('a1', qb), v.int('a2', qb), v.int('a3', qb)];
      const px = [v.int('px1', pb), v.int('px2', pb), v.int('px3', pb)];
      let remaining: V = qty;
      let notional: V = e.n(0);
      let stopped: Bool<'main'> = ctx.Bool.val(false);
      const takes: V[] = [];
      for (let i = 0; i < 3; i++) {
        const p = px[i] as V;
        stopped = ctx.Or(stopped, p.gt(limit)); // an ask above the limit ends the walk (R2)
        const take = ctx.If(stopped, e.n(0), e.min(avail[i] as V, remaining)) as V;
        takes.push(take);
        remaining = remaining.sub(take);
        if (part === 'notional') notional = notional.add(take.mul(p));
      }
      const ok = remaining.eq(0);
      const t = takes as [V, V, V];
      const prove =
        part === 'fills'
          ? ctx.And(t[0].add(t[1]).add(t[2]).eq(qty), ...t.map((x, i) => ctx.And(x.ge(0), x.le(avail[i] as V), ctx.Implies(x.gt(0), (px[i] as V).le(limit)))))
          : ctx.And(e.u128(notional), notional.le(limit.mul(qty)), e.ceilDiv(notional, qty).le(limit));
      return {
        // Asks ascend (S6) — the notional bounds hold without it, and z3 decides them faster without it.
        assume: part === 'fills' ? [(px[0] as V).le(px[1] as V), (px[1] as V).le(px[2] as V)] : [],
        reach: { 'three-levels': ctx.And(ok, t[2].gt(0)), 'insufficient-depth': ctx.Not(ok) },
        prove: ctx.Implies(ok, prove),
        termDomain: ctx.And((px[0] as V).le(px[1] as V), (px[1] as V).le(px[2] as V)),
        terms: part === 'notional' ? { notional: { smt: ctx.If(ok, notional, e.n(-1)), model: (x) => walkModel(x).notional } } : { filled: { smt: ctx.If(ok, qty, e.n(-1)), model: (x) => walkModel(x).filled } },
      };
    },
    replay(x) {
      const w = walkModel(x);
      if (w.filled < 0n) return null;
      if (part === 'fills') return w.filled !== x.qty ? `filled ${w.filled} of ${x.qty}` : null;
      return w.notional > U128_MAX || w.notional > (x.limit as bigint) * (x.qty as bigint) ? `notional ${w.notional} beyond limit·qty` : null;
    },
  };
}

export const reservationDefs: readonly SpecDef[] = [
  {
    id: 'RESERVATION/S5/take-bounded',
    family: 'reservation-bounds',
    invariants: ['S5', 'M4', 'R2'],
    rules: ['PERP-RES-001'],
    description: 'a reserve against an order takes at most qty − reserved_qty, so 0 ≤ reserved_qty ≤ qty holds after it, without wrap',
    bounds: ORDER_BOUNDS,
    logic: 'QF_LIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [qty, reserved, want] = [v.int('qty', QTY), v.int('reserved', bits(128)), v.int('want', QTY)];
      const t = takeEnc(ctx, qty, reserved, want);
      return {
        assume: [reserved.le(qty)],
        reach: { taken: t.ok, 'insufficient-depth': ctx.Not(t.ok) },
        prove: ctx.And(t.reserved.le(qty), t.reserved.ge(reserved), ctx.Implies(t.ok, e.u128(reserved.add(want)))),
        terms: { reserved: { smt: t.reserved, model: (x) => reservedAfter(x, [x.want as bigint]).reserved } },
      };
    },
    replay(x) {
      const r = reservedAfter(x, [x.want as bigint]).reserved;
      return r > (x.qty as bigint) || r < (x.reserved as bigint) ? `reserved_qty ${r} outside [${x.reserved}, ${x.qty}]` : null;
    },
  },
  {
    id: 'RESERVATION/M5/concurrent-reserves',
    family: 'reservation-bounds',
    invariants: ['M5', 'S5', 'S8'],
    rules: ['PERP-RES-001'],
    description: 'two reserves on the same order, in either outcome, never over-reserve it: reserved_qty ≤ qty, and both succeed only when want1 + want2 ≤ qty − reserved',
    bounds: ORDER_BOUNDS,
    logic: 'QF_LIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [qty, reserved, w1, w2] = [v.int('qty', QTY), v.int('reserved', bits(128)), v.int('want1', QTY), v.int('want2', QTY)];
      const a = takeEnc(ctx, qty, reserved, w1);
      const b = takeEnc(ctx, qty, a.reserved, w2);
      const both = ctx.And(a.ok, b.ok);
      return {
        assume: [reserved.le(qty)],
        reach: { both, 'second-refused': ctx.And(a.ok, ctx.Not(b.ok)) },
        prove: ctx.And(b.reserved.le(qty), ctx.Implies(both, ctx.And(e.u128(w1.add(w2)), w1.add(w2).le(qty.sub(reserved))))),
        terms: { reserved: { smt: b.reserved, model: (x) => reservedAfter(x, [x.want1 as bigint, x.want2 as bigint]).reserved } },
      };
    },
    replay(x) {
      const r = reservedAfter(x, [x.want1 as bigint, x.want2 as bigint]);
      if (r.reserved > (x.qty as bigint)) return `over-reserved: ${r.reserved} > ${x.qty}`;
      if (r.ok[0] && r.ok[1] && (x.want1 as bigint) + (x.want2 as bigint) > (x.qty as bigint) - (x.reserved as bigint)) return 'both reserves succeeded beyond the free quantity';
      return null;
    },
  },
  {
    id: 'RESERVATION/M4/cancel-restores',
    family: 'reservation-bounds',
    invariants: ['M4', 'S8', 'R8'],
    rules: ['PERP-RES-003', 'PERP-RES-004'],
    description: 'with reserved_qty = s1 + s2 (two holds’ slices, S8), cancelling the first gives back exactly s1: reserved_qty = s2 ≤ qty, without underflow',
    bounds: ORDER_BOUNDS + '; s1 + s2 ≤ qty',
    logic: 'QF_LIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [qty, s1, s2] = [v.int('qty', QTY), v.int('s1', QTY), v.int('s2', QTY)];
      const reserved = s1.add(s2);
      const after = reserved.sub(s1);
      return {
        assume: [e.u128(s1.add(s2)), reserved.le(qty)],
        reach: { partial: reserved.lt(qty) },
        prove: ctx.And(s1.le(reserved), after.eq(s2), after.le(qty)),
        terms: { after: { smt: after, model: (x) => cancelFirst(x) } },
        termDomain: reserved.le(qty), // the fixture's second reserve fails beyond the order's quantity
      };
    },
    replay(x) {
      const r = cancelFirst(x);
      return r !== x.s2 ? `reserved_qty ${r} after the cancel, expected ${x.s2}` : null;
    },
  },
  {
    id: 'RESERVATION/S8/commit-fill-keeps',
    family: 'reservation-bounds',
    invariants: ['S8', 'S5', 'S9', 'R5'],
    rules: ['PERP-COMMIT-003', 'PERP-FILL-003'],
    description: 'a commit fill of a slice s1 on an order with reserved_qty = s1 + s2 ≥ s1 (the vanished-slice check) leaves qty − s1 and reserved_qty = s2 ≤ qty − s1',
    bounds: 'order qty, slices s1, s2 ∈ [1, 2^126] (positions are i128), s1 + s2 ≤ qty; maker ≠ taker; the order priced at 1',
    logic: 'QF_LIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      // Fills move positions, which are i128: quantities are bounded by 2^126 (a larger fill is ARITH_OVERFLOW in the model).
      const [qty, s1, s2] = [v.int('qty', FILL_QTY), v.int('s1', FILL_QTY), v.int('s2', FILL_QTY)];
      const reserved = s1.add(s2);
      const checkOk = reserved.ge(s1);
      const [qty2, res2] = [qty.sub(s1), reserved.sub(s1)];
      return {
        assume: [e.u128(s1.add(s2)), reserved.le(qty)],
        reach: { 'order-stays': reserved.lt(qty) },
        prove: ctx.And(checkOk, s1.le(qty), res2.eq(s2), res2.le(qty2)),
        terms: { reserved: { smt: res2, model: (x) => commitFirst(x).reserved }, qty: { smt: qty2, model: (x) => commitFirst(x).qty } },
      };
    },
    replay(x) {
      const r = commitFirst(x);
      return r.reserved !== x.s2 || r.reserved > r.qty ? `after the fill: reserved ${r.reserved}, qty ${r.qty}` : null;
    },
  },
  walkDef('fills', 'RESERVATION/S9/walk-fills-exactly', ['S9', 'M4', 'R2'], 'a successful walk over three ask levels (ascending, S6) takes exactly qty in total, each take within its order’s free quantity and only from orders priced ≤ limit'),
  walkDef('notional', 'RESERVATION/R2/notional-within-limit', ['R2', 'E2E2', 'S9'], 'the notional Σ take·px of a successful three-level walk fits u128, is ≤ limit·qty (cross-multiplied), and the buy VWAP ⌈notional/qty⌉ ≤ limit'),
  taxDef('nonneg', 'RESERVATION/S11/tax-zero-without-overlap', 'the aggressor tax of a sell leg is ≥ 0, and 0 without an opposite (buy) overlap in the same epoch; notional·overlap fits u128'),
  taxDef('roundtrip', 'RESERVATION/S11/tax-covers-roundtrip', 'a full round trip inside one epoch (sell qty = bought qty) pays a tax at least its gain notional − bought notional: the sandwich cannot profit'),
];

function cancelFirst(x: Values): bigint {
  const { s, slots } = askBook([{ px: 1n, qty: x.qty as bigint }]);
  const h1 = reserveBuy(s, x.s1 as bigint, 1n, 1n);
  reserveBuy(s, x.s2 as bigint, 1n, 2n);
  if (typeof h1 !== 'bigint') return -1n;
  cancelHold(s, ROUTER, h1);
  return s.orders.slots[slots[0] as number]?.reservedQty ?? -1n;
}

function commitFirst(x: Values): { reserved: bigint; qty: bigint } {
  const { s, slots } = askBook([{ px: 1n, qty: x.qty as bigint, reserved: (x.s1 as bigint) + (x.s2 as bigint) }]);
  const slot = slots[0] as number;
  fillOrder(s, s.instruments[0] as never, slot, TAKER, 0, x.s1 as bigint, true, 1n);
  const o = s.orders.slots[slot];
  return { reserved: o?.reservedQty ?? 0n, qty: o?.qty ?? 0n };
}

/** reserve on a three-level ask book: the reservation's notional and Σ slice qty, or −1 for both when the walk fails. */
function walkModel(x: Values): { notional: bigint; filled: bigint } {
  const lv = [1, 2, 3].map((i) => ({ px: x[`px${i}`] as bigint, qty: x[`a${i}`] as bigint }));
  const { s } = askBook(lv);
  const h = reserveBuy(s, x.qty as bigint, x.limit as bigint);
  const slot = typeof h === 'bigint' ? s.holdSlot.get(h) : undefined;
  const r = slot === undefined ? undefined : s.reservations.slots[slot];
  if (!r) return { notional: -1n, filled: -1n };
  let filled = 0n;
  for (let c = r.sliceHead; c !== -1; c = s.slices.slots[c]?.next ?? -1) filled += s.slices.slots[c]?.qty ?? 0n;
  return { notional: r.notional, filled };
}

function taxModel(x: Values): bigint {
  const s = slab({ contractSize: 1n, argTaxBps: x.bps as bigint });
  const entry = { account: TAKER, instrument: 0n, epoch: 0n, buyQty: x.oq as bigint, buyNotional: x.oN as bigint, sellQty: 0n, sellNotional: 0n };
  return taxFor(s, entry, 1, x.qty as bigint, x.notional as bigint);
}
