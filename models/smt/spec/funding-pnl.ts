/**
 * Margin-math family, funding, PnL and fees (spec/perp.md §6, §7.2, §8; RM6, RM7, S10, VAL1, NUM-005):
 * the funding premium never exceeds its cap, every interval is applied exactly once, funding payments sum
 * to zero, a fill changes the position's claim by exactly its cash flow (cost-basis PnL is exact, a full
 * close leaves cost 0), fees round up and never exceed the notional, and a fee split moves value without
 * creating it. Domain: bounded integers (QF_NIA, see encoding.ts); bounds per obligation.
 */
import type { Arith, Bool } from 'z3-solver';
import { BPS as MBPS, mulDivDown, mulDivUp } from '../../../reference/perp/model/arith.ts';
import { fundingTick } from '../../../reference/perp/model/funding.ts';
import { applyFill, fundingOwed, indexPx } from '../../../reference/perp/model/position.ts';
import { BPS, IntEnc, ORACLE_UNIT, bits, range, sbits, type Vars } from './encoding.ts';
import { ROUTER, feeds, instrument, position, slab } from './model-fixtures.ts';
import { json, type SpecDef, type Values } from './spec-obligation.ts';

type I = Arith<'main'>;

/** PERP-FUND-001's premium for one tick: cap = ⌊idx·cap_bps/10⁴⌋, premium = clamp(fair − idx, −cap, cap). */
function premiumEnc(e: IntEnc, idx: I, capBps: I, fair: I): { cap: I; premium: I } {
  const cap = e.mulDivDown(idx, capBps, e.n(BPS));
  const diff = fair.sub(idx);
  return { cap, premium: e.ctx.If(diff.gt(cap), cap, e.ctx.If(diff.lt(cap.neg()), cap.neg(), diff)) as I };
}

/** fundingTick on a one-instrument slab: oracle P, contract size cs, last trade px (0 = none), one interval due. */
function premiumModel(x: Values): bigint {
  const s = slab({ contractSize: x.cs as bigint, fundingIntervalMs: 1n, fundingCapBps: x.cap_bps as bigint });
  (s.instruments[0] as { lastTradePx: bigint }).lastTradePx = x.last_px as bigint;
  return fundingTick(s, ROUTER, feeds(x.P as bigint), 0n, 1n).ratePerContract;
}

export interface Fill {
  readonly qty: I;
  readonly cost: I;
  readonly realised: I;
  /** Range conditions of every intermediate the model checks with i128(…). */
  readonly fits: Bool<'main'>;
}

/**
 * PERP-POS-003 applyFill (funding already settled): the closing part c = min(|f|, |qty|) with
 * f_c = −sign(qty)·c removes the cost share ⌈cost·c/|qty|⌉ and realises −f_c·px − share; the rest opens.
 */
export function fillEnc(e: IntEnc, qty: I, cost: I, realised: I, f: I, px: I): Fill {
  const { ctx } = e;
  const closing = ctx.And(qty.neq(0), ctx.Xor(qty.gt(0), f.gt(0)));
  const c = e.min(e.abs(f), e.abs(qty));
  const fc = ctx.If(qty.gt(0), c.neg(), c) as I;
  const share = e.ceilDiv(cost.mul(c), e.abs(qty));
  const r = fc.neg().mul(px).sub(share);
  const cost1 = ctx.If(closing, cost.sub(share), cost) as I;
  const qty1 = ctx.If(closing, qty.add(fc), qty) as I;
  const open = ctx.If(closing, f.sub(fc), f) as I;
  const cost2 = cost1.add(open.mul(px));
  const realised2 = ctx.If(closing, realised.add(r), realised) as I;
  const fits = ctx.And(ctx.Implies(closing, ctx.And(e.i128(cost.mul(c)), e.i128(r), e.i128(cost1))), e.i128(cost2), e.i128(qty1.add(open)), e.i128(realised2));
  return { qty: qty1.add(open), cost: cost2, realised: realised2, fits };
}

/** The same fill on the golden model (applyFill on a position with settled funding). */
export function fillModel(qty: bigint, cost: bigint, realised: bigint, f: bigint, px: bigint): { qty: bigint; cost: bigint; realised: bigint } {
  const p = position(qty, cost, realised);
  applyFill(p, instrument(1n), f, px);
  return { qty: p.qty, cost: p.cost, realised: p.realised };
}

/** Fill bounds: |qty|, |f| ≤ 2^40 contracts, px < 2^46, |cost| ≤ |qty|·2^46 keep cost·c (the i128 intermediate of PERP-POS-003) in range. */
function fillVars(v: Vars, e: IntEnc, tag = ''): { qty: I; cost: I; realised: I; f: I; px: I; assume: Bool<'main'>[] } {
  const qty = v.int(`qty${tag}`, sbits(41));
  const cost = v.int(`cost${tag}`, sbits(88));
  const realised = v.int(`realised${tag}`, sbits(120));
  const f = v.int(`f${tag}`, sbits(41));
  const px = v.int(`px${tag}`, bits(46));
  return { qty, cost, realised, f, px, assume: [e.abs(cost).le(e.abs(qty).mul(e.n(1n << 46n)))] };
}

const FILL_BOUNDS = '|qty|, |f| ≤ 2^40 contracts, px < 2^46, |cost| ≤ |qty|·2^46 (what the i128 intermediate cost·c of PERP-POS-003 allows), |realised| < 2^119';

export const fundingPnlDefs: readonly SpecDef[] = [
  {
    id: 'MARGIN/RM6/funding-cap',
    family: 'margin-math',
    invariants: ['RM6', 'RM7'],
    rules: ['PERP-FUND-001', 'PERP-UNIT-004', 'PERP-NUM-005'],
    description: 'the funding premium never exceeds its cap: |premium| ≤ cap, cap·10⁴ ≤ idx·cap_bps (rounded down), the premium has the sign of fair − idx and equals it inside the cap',
    bounds: 'oracle P ∈ [1, 2^64) (a price of 0 is a stale feed, PERP-ORC-001), cs ∈ [1, 2^32], cap_bps ≤ 10⁴, last trade px < 2^96 (0 = none: fair = idx)',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [p, cs, capBps, last] = [v.int('P', range(1n, (1n << 64n) - 1n)), v.int('cs', range(1n, 1n << 32n)), v.int('cap_bps', range(0n, BPS)), v.int('last_px', bits(96))];
      const idx = p.mul(cs).div(e.n(ORACLE_UNIT));
      const fair = ctx.If(last.eq(0), idx, last) as I;
      const { cap, premium } = premiumEnc(e, idx, capBps, fair);
      const d = fair.sub(idx);
      return {
        assume: [],
        reach: { 'capped-up': d.gt(cap), 'capped-down': d.lt(cap.neg()) },
        prove: ctx.And(e.abs(premium).le(cap), cap.mul(e.n(BPS)).le(idx.mul(capBps)), premium.mul(d).ge(0), ctx.Implies(e.abs(d).le(cap), premium.eq(d))),
        terms: { premium: { smt: premium, model: premiumModel }, cap: { smt: cap, model: (x) => mulDivDown(indexPx(instrument(x.cs as bigint), x.P as bigint), x.cap_bps as bigint, MBPS) } },
      };
    },
    replay(x) {
      const pr = premiumModel(x);
      const cap = mulDivDown(indexPx(instrument(x.cs as bigint), x.P as bigint), x.cap_bps as bigint, MBPS);
      return (pr < 0n ? -pr : pr) > cap ? `premium ${pr} above cap ${cap}` : null;
    },
  },
  {
    id: 'MARGIN/RM6/funding-once',
    family: 'margin-math',
    invariants: ['RM6'],
    rules: ['PERP-FUND-001'],
    description: 'two ticks at now1 ≤ now2 apply n1 + n2 = ⌊now2/I⌋ − f0 intervals in total, each at most once (a repeated tick in the same interval is a no-op), and leave the last interval at ⌊now2/I⌋',
    bounds: 'interval I ∈ [1, 2^40] ms, now1 ≤ now2 < 2^64, the last applied interval f0 ≤ ⌊now1/I⌋ (never in the future)',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [iv, now1, now2, f0] = [v.int('interval', range(1n, 1n << 40n)), v.int('now1', bits(64)), v.int('now2', bits(64)), v.int('f0', bits(64))];
      const tick = (now: I, last: I): { n: I; last: I } => {
        const k = now.div(iv);
        const n = k.sub(last);
        return { n: ctx.If(n.gt(0), n, e.n(0)) as I, last: ctx.If(n.gt(0), k, last) as I };
      };
      const t1 = tick(now1, f0);
      const t2 = tick(now2, t1.last);
      const k2 = now2.div(iv);
      return {
        assume: [now1.le(now2), f0.le(now1.div(iv))],
        reach: { 'both-apply': ctx.And(t1.n.gt(0), t2.n.gt(0)), 'same-interval': ctx.And(now1.lt(now2), t2.n.eq(0)) },
        prove: ctx.And(t1.n.add(t2.n).eq(k2.sub(f0)), t2.last.eq(k2), t1.n.ge(0), t2.n.ge(0)),
      };
    },
    replay(x) {
      const s = slab({ contractSize: 1n, fundingIntervalMs: x.interval as bigint });
      const ins = s.instruments[0] as { fundingInterval: bigint };
      ins.fundingInterval = x.f0 as bigint;
      const f = feeds(1n);
      const n1 = fundingTick(s, ROUTER, f, 0n, x.now1 as bigint).intervals;
      const n2 = fundingTick(s, ROUTER, f, 0n, x.now2 as bigint).intervals;
      const k2 = (x.now2 as bigint) / (x.interval as bigint);
      return n1 + n2 !== k2 - (x.f0 as bigint) || ins.fundingInterval !== k2 ? `applied ${n1} + ${n2} intervals, expected ${k2 - (x.f0 as bigint)}` : null;
    },
  },
  {
    id: 'MARGIN/RM7/funding-zero-sum',
    family: 'margin-math',
    invariants: ['RM7', 'VAL3'],
    rules: ['PERP-FUND-003', 'PERP-FUND-004', 'PERP-CONS-003'],
    description: 'with open interest netting to zero (q1 + q2 + q3 = 0), a tick moving cum_funding changes the positions’ funding owed by amounts summing to exactly 0, each within i128',
    bounds: '|q_i| < 2^62, cumulative funding and position indexes |·| < 2^62',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [q1, q2, cum, cum2] = [v.int('q1', sbits(63)), v.int('q2', sbits(63)), v.int('cum', sbits(63)), v.int('cum2', sbits(63))];
      const idx = [v.int('idx1', sbits(63)), v.int('idx2', sbits(63)), v.int('idx3', sbits(63))];
      const q3 = q1.add(q2).neg();
      const qs = [q1, q2, q3];
      const owed = (q: I, c: I, i: I): I => q.mul(c.sub(i));
      const deltas = qs.map((q, i) => owed(q, cum2, idx[i] as I).sub(owed(q, cum, idx[i] as I)));
      return {
        assume: [e.inRange(q3, -(1n << 62n), (1n << 62n) - 1n)],
        reach: { moved: cum2.neq(cum) },
        prove: ctx.And((deltas[0] as I).add(deltas[1] as I).add(deltas[2] as I).eq(0), ...qs.map((q, i) => e.i128(owed(q, cum2, idx[i] as I)))),
        terms: { owed1: { smt: owed(q1, cum, idx[0] as I), model: (x) => fundingOwed(position(x.q1 as bigint, 0n, 0n, x.idx1 as bigint), instrument(1n, x.cum as bigint)) } },
      };
    },
    replay(x) {
      const qs = [x.q1 as bigint, x.q2 as bigint, -(x.q1 as bigint) - (x.q2 as bigint)];
      const ids = [x.idx1, x.idx2, x.idx3] as bigint[];
      const owed = (cum: bigint): bigint => qs.reduce((t, q, i) => t + fundingOwed(position(q, 0n, 0n, ids[i] as bigint), instrument(1n, cum)), 0n);
      const d = owed(x.cum2 as bigint) - owed(x.cum as bigint);
      return d === 0n ? null : `funding payments sum to ${d}`;
    },
  },
  {
    id: 'MARGIN/S10/fill-exact',
    family: 'margin-math',
    invariants: ['S10', 'VAL1', 'P9'],
    rules: ['PERP-POS-003'],
    description: 'any fill (open, reduce, close or flip) changes realised − cost by exactly the cash flow −f·px, moves qty by f, stays within i128, and a position left flat has cost exactly 0',
    bounds: FILL_BOUNDS,
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const a = fillVars(v, e);
      const o = fillEnc(e, a.qty, a.cost, a.realised, a.f, a.px);
      return {
        assume: a.assume,
        reach: { flip: ctx.And(a.qty.gt(0), a.f.lt(a.qty.neg())), 'full-close': ctx.And(a.qty.neq(0), a.f.eq(a.qty.neg())), partial: ctx.And(a.qty.gt(1), a.f.eq(-1)) },
        prove: ctx.And(o.fits, o.realised.sub(o.cost).eq(a.realised.sub(a.cost).sub(a.f.mul(a.px))), o.qty.eq(a.qty.add(a.f)), ctx.Implies(o.qty.eq(0), o.cost.eq(0))),
        terms: {
          qty: { smt: o.qty, model: (x) => fillOf(x).qty },
          cost: { smt: o.cost, model: (x) => fillOf(x).cost },
          realised: { smt: o.realised, model: (x) => fillOf(x).realised },
        },
      };
    },
    replay(x) {
      const o = fillOf(x);
      const [qty, cost, realised, f, px] = [x.qty, x.cost, x.realised, x.f, x.px] as bigint[] as [bigint, bigint, bigint, bigint, bigint];
      if (o.realised - o.cost !== realised - cost - f * px) return `realised − cost moved by ${o.realised - o.cost - (realised - cost)}, cash flow ${-f * px}`;
      if (o.qty !== qty + f || (o.qty === 0n && o.cost !== 0n)) return `qty ${o.qty}, cost ${o.cost}`;
      return null;
    },
  },
  {
    id: 'MARGIN/S10/round-trip',
    family: 'margin-math',
    invariants: ['S10'],
    rules: ['PERP-POS-003'],
    description: 'from flat, a fill f1 at px1 and its reverse f2 = −f1 at px2 leave qty = 0, cost = 0 and realised = Σ −f·px exactly',
    bounds: '|f1| ≤ 2^40, px1, px2 < 2^46',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [f1, px1, px2] = [v.int('f1', sbits(41)), v.int('px1', bits(46)), v.int('px2', bits(46))];
      const zero = e.n(0);
      const a = fillEnc(e, zero, zero, zero, f1, px1);
      const b = fillEnc(e, a.qty, a.cost, a.realised, f1.neg(), px2);
      return {
        assume: [],
        reach: { open: f1.neq(0) },
        prove: ctx.And(a.fits, b.fits, b.qty.eq(0), b.cost.eq(0), b.realised.eq(f1.mul(px1).neg().add(f1.mul(px2)))),
      };
    },
    replay(x) {
      const [f1, px1, px2] = [x.f1, x.px1, x.px2] as bigint[] as [bigint, bigint, bigint];
      const a = fillModel(0n, 0n, 0n, f1, px1);
      const b = fillModel(a.qty, a.cost, a.realised, -f1, px2);
      return b.qty === 0n && b.cost === 0n && b.realised === -f1 * px1 + f1 * px2 ? null : `round trip left ${json(b)}`;
    },
  },
  {
    id: 'MARGIN/NUM-005/fees-round-up',
    family: 'margin-math',
    invariants: ['S9', 'S12', 'M9'],
    rules: ['PERP-NUM-005', 'PERP-RES-002', 'PERP-FILL-003', 'PERP-LIQ-001'],
    description: 'fee = ⌈notional·bps/10⁴⌉ favours the protocol (fee·10⁴ ≥ notional·bps > (fee − 1)·10⁴), never exceeds the notional for bps ≤ 10⁴, and fits u128',
    bounds: 'notional any u128, bps ≤ 10⁴',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [n, bps] = [v.int('notional', bits(128)), v.int('bps', range(0n, BPS))];
      const fee = e.mulDivUp(n, bps, e.n(BPS));
      return {
        assume: [],
        reach: { inexact: fee.mul(e.n(BPS)).gt(n.mul(bps)) },
        prove: ctx.And(fee.mul(e.n(BPS)).ge(n.mul(bps)), n.mul(bps).gt(fee.sub(1).mul(e.n(BPS))), fee.le(n), e.u128(fee)),
        terms: { fee: { smt: fee, model: (x) => mulDivUp(x.notional as bigint, x.bps as bigint, MBPS) } },
      };
    },
    replay(x) {
      const fee = mulDivUp(x.notional as bigint, x.bps as bigint, MBPS);
      const nb = (x.notional as bigint) * (x.bps as bigint);
      return fee * MBPS >= nb && nb > (fee - 1n) * MBPS && fee <= (x.notional as bigint) ? null : `fee ${fee} of ${x.notional} at ${x.bps} bps`;
    },
  },
  {
    id: 'MARGIN/VAL1/maker-fill-conserves',
    family: 'margin-math',
    invariants: ['VAL1', 'S10', 'S12'],
    rules: ['PERP-FILL-003', 'PERP-CONS-001', 'PERP-POS-003'],
    description: 'one fill between a maker and a taker plus the maker fee moved from the maker’s realised into fees_accrued leaves Σ (realised − cost) + fees_accrued unchanged',
    bounds: FILL_BOUNDS + ' for both sides; q·px·bps within u128; bps ≤ 10⁴',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const m = fillVars(v, e, '_m');
      const [qt, ct, rt, bps, fees] = [v.int('qty_t', sbits(41)), v.int('cost_t', sbits(88)), v.int('realised_t', sbits(120)), v.int('bps', range(0n, BPS)), v.int('fees', bits(120))];
      const q = m.f.neg();
      const maker = fillEnc(e, m.qty, m.cost, m.realised, m.f, m.px);
      const taker = fillEnc(e, qt, ct, rt, q, m.px);
      const fee = e.mulDivUp(e.abs(q).mul(m.px), bps, e.n(BPS));
      const before = m.realised.sub(m.cost).add(rt.sub(ct)).add(fees);
      const after = maker.realised.sub(fee).sub(maker.cost).add(taker.realised.sub(taker.cost)).add(fees.add(fee));
      return {
        assume: [...m.assume, e.abs(ct).le(e.abs(qt).mul(e.n(1n << 46n)))],
        reach: { fill: m.f.neq(0) },
        // The ranges of each side's fill are MARGIN/S10/fill-exact's; this obligation is the conservation identity.
        prove: after.eq(before),
      };
    },
    replay(x) {
      const px = x.px_m as bigint;
      const mk = fillModel(x.qty_m as bigint, x.cost_m as bigint, x.realised_m as bigint, x.f_m as bigint, px);
      const tk = fillModel(x.qty_t as bigint, x.cost_t as bigint, x.realised_t as bigint, -(x.f_m as bigint), px);
      const q = x.f_m as bigint;
      const fee = mulDivUp((q < 0n ? -q : q) * px, x.bps as bigint, MBPS);
      const before = (x.realised_m as bigint) - (x.cost_m as bigint) + (x.realised_t as bigint) - (x.cost_t as bigint);
      const after = mk.realised - fee - mk.cost + tk.realised - tk.cost + fee;
      return after === before ? null : `claims moved by ${after - before}`;
    },
  },
];

function fillOf(x: Values): { qty: bigint; cost: bigint; realised: bigint } {
  return fillModel(x.qty as bigint, x.cost as bigint, x.realised as bigint, x.f as bigint, x.px as bigint);
}
