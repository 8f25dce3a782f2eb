/**
 * Margin-math family, numbers and margin (spec/perp.md §2, §10.2, §10.4; RM1–RM5, RM3, L3, P8, NUM-005):
 * mul_div bracketing, signed floor/ceil division, the margin requirement ⌈|w|·P/(U·10⁴)⌉ (monotone, zero
 * when flat, IM ≥ MM, sub-additive so gross ≥ net, lowered by a hedge), the maintenance check and the
 * liquidation band. Domain: bounded integers (QF_NIA) — products of two variables and divisions are
 * undecidable in practice for bit-blasting (encoding.ts); every range is declared per variable and the
 * no-overflow of each product is part of the proved property where the model checks it. Comparisons of
 * quotients are stated cross-multiplied (q·d against a·b), as a risk engine writes them.
 */
import { BPS as MBPS, ceilDiv, floorDiv, mulDivDown, mulDivUp } from '../../../reference/perp/model/arith.ts';
import { outsideKillBand } from '../../../reference/perp/model/commit.ts';
import { marginOf } from '../../../reference/perp/model/margin.ts';
import { indexPx, unrealised } from '../../../reference/perp/model/position.ts';
import type { Arith } from 'z3-solver';
import { BPS, IntEnc, ORACLE_UNIT, U128_MAX, bits, range, sbits } from './encoding.ts';
import { instrument, position } from './model-fixtures.ts';
import type { SpecDef, Values } from './spec-obligation.ts';

type I = Arith<'main'>;
const K = ORACLE_UNIT * BPS;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
/** PERP-MARGIN-002 as a term: ⌈|w|·P / (U·10⁴)⌉. */
const margin = (e: IntEnc, w: I, p: I): I => e.mulDivUp(e.abs(w), p, e.n(K));
const W = sbits(128);
const PRICE = bits(64);
/** Exposure bounds: |w| ≤ 2^96 (qty·cs·ratio_bps, e.g. 2^48 · 2^24 · 2^14) and P < 2^64 keep |w|·P/(U·10⁴) inside u128 (2^100 does not: a reproduced ARITH_OVERFLOW). */
const WB = sbits(98);

/** MM − (unrealised PnL) of a position of exposure A = qty·cs and cost (realised and cash are constants and cancel out). */
function shortfall(e: IntEnc, a: I, mmr: I, cost: I): (p: I) => I {
  return (p) => margin(e, a.mul(mmr), p).sub(e.floorDiv(a.mul(p).sub(cost.mul(e.n(ORACLE_UNIT))), e.n(ORACLE_UNIT)));
}

/** The same on the golden model: marginOf and unrealised of a position of qty = A, cs = 1. */
function shortfallModel(x: Values, p: bigint): bigint {
  const a = x.A ?? -(x.B as bigint);
  return marginOf(a * (x.mmr as bigint), p) - unrealised(position(a, x.cost as bigint), instrument(1n), p);
}

export const marginDefs: readonly SpecDef[] = [
  {
    id: 'MARGIN/NUM-002/mul-div-bracket',
    family: 'margin-math',
    invariants: ['NUM-005', 'RM3'],
    rules: ['PERP-NUM-002', 'PERP-NUM-005'],
    description: 'mul_div_up ≥ exact ≥ mul_div_down, cross-multiplied: down·d ≤ a·b ≤ up·d, up − down ≤ 1, and equal exactly when d divides a·b',
    bounds: 'a, b, d any u128 with d > 0 and ⌈a·b/d⌉ ≤ 2^128 − 1 (the MULDIV no-overflow condition)',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [a, b, d] = [v.int('a', bits(128)), v.int('b', bits(128)), v.int('d', range(1n, U128_MAX))];
      const down = e.mulDivDown(a, b, d);
      const up = e.mulDivUp(a, b, d);
      const p = a.mul(b);
      return {
        assume: [e.u128(up)],
        reach: { inexact: up.neq(down) },
        prove: ctx.And(down.mul(d).le(p), p.le(up.mul(d)), up.sub(down).le(1), ctx.Eq(up.eq(down), down.mul(d).eq(p))),
        terms: { down: { smt: down, model: (x) => mulDivDown(x.a as bigint, x.b as bigint, x.d as bigint) }, up: { smt: up, model: (x) => mulDivUp(x.a as bigint, x.b as bigint, x.d as bigint) } },
      };
    },
    replay(x) {
      const [a, b, d] = [x.a as bigint, x.b as bigint, x.d as bigint];
      const [dn, up] = [mulDivDown(a, b, d), mulDivUp(a, b, d)];
      return dn * d <= a * b && a * b <= up * d && up - dn <= 1n ? null : `mul_div(${a}, ${b}, ${d}): down ${dn}, up ${up}`;
    },
  },
  {
    id: 'MARGIN/NUM-003/floor-ceil-div',
    family: 'margin-math',
    invariants: ['S10', 'P9'],
    rules: ['PERP-NUM-003'],
    description: 'floor_div rounds toward −∞ and ceil_div toward +∞: q·d ≤ n < (q+1)·d and (c−1)·d < n ≤ c·d',
    bounds: 'n any i128, d ∈ [1, 2^128 − 1]',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [n, d] = [v.int('n', W), v.int('d', range(1n, U128_MAX))];
      const q = e.floorDiv(n, d);
      const c = e.ceilDiv(n, d);
      return {
        assume: [],
        reach: { negative: n.lt(0) },
        prove: ctx.And(q.mul(d).le(n), n.lt(q.add(1).mul(d)), c.sub(1).mul(d).lt(n), n.le(c.mul(d)), e.i128(q), e.i128(c)),
        terms: { floor: { smt: q, model: (x) => floorDiv(x.n as bigint, x.d as bigint) }, ceil: { smt: c, model: (x) => ceilDiv(x.n as bigint, x.d as bigint) } },
      };
    },
    replay(x) {
      const [n, d] = [x.n as bigint, x.d as bigint];
      const [q, c] = [floorDiv(n, d), ceilDiv(n, d)];
      return q * d <= n && n < (q + 1n) * d && (c - 1n) * d < n && n <= c * d ? null : `floor/ceil of ${n}/${d}: ${q}, ${c}`;
    },
  },
  {
    id: 'MARGIN/RM1/im-monotone',
    family: 'margin-math',
    invariants: ['RM1', 'P8'],
    rules: ['PERP-MARGIN-002'],
    description: 'the margin requirement is non-decreasing in |w|: |w1| ≤ |w2| ⇒ margin(w1, P) ≤ margin(w2, P)',
    bounds: 'w1, w2 signed, |w| ≤ 2^97 (qty·cs·ratio_bps); P < 2^64',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [w1, w2, p] = [v.int('w1', WB), v.int('w2', WB), v.int('P', PRICE)];
      const [m1, m2] = [margin(e, w1, p), margin(e, w2, p)];
      return {
        assume: [e.abs(w1).le(e.abs(w2))],
        reach: { 'opposite-signs': w1.mul(w2).lt(0) },
        prove: ctx.And(m1.le(m2), e.u128(m2)),
        terms: { m1: { smt: m1, model: (x) => marginOf(x.w1 as bigint, x.P as bigint) }, m2: { smt: m2, model: (x) => marginOf(x.w2 as bigint, x.P as bigint) } },
      };
    },
    replay(x) {
      const [m1, m2] = [marginOf(x.w1 as bigint, x.P as bigint), marginOf(x.w2 as bigint, x.P as bigint)];
      return abs(x.w1 as bigint) <= abs(x.w2 as bigint) && m1 > m2 ? `margin ${m1} > ${m2}` : null;
    },
  },
  {
    id: 'MARGIN/RM2/im-zero-flat-and-reduce',
    family: 'margin-math',
    invariants: ['RM2'],
    rules: ['PERP-MARGIN-002'],
    description: 'IM(qty = 0) = 0, and reducing |qty| (qty·cs·imr) never raises IM',
    bounds: '|qty| < 2^63 contracts, cs ∈ [1, 2^24], imr ≤ 10⁴ bps, P < 2^64',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [q, q2, cs, imr, p] = [v.int('qty', sbits(64)), v.int('qty2', sbits(64)), v.int('cs', range(1n, 1n << 24n)), v.int('imr', range(0n, BPS)), v.int('P', PRICE)];
      const im = (x: I): I => margin(e, x.mul(cs).mul(imr), p);
      return {
        assume: [e.abs(q2).le(e.abs(q))],
        reach: { reduce: ctx.And(q2.neq(0), e.abs(q2).lt(e.abs(q))) },
        prove: ctx.And(im(e.n(0)).eq(0), im(q2).le(im(q))),
        terms: { im: { smt: im(q), model: (x) => marginOf((x.qty as bigint) * (x.cs as bigint) * (x.imr as bigint), x.P as bigint) } },
      };
    },
    replay(x) {
      const im = (q: bigint): bigint => marginOf(q * (x.cs as bigint) * (x.imr as bigint), x.P as bigint);
      if (im(0n) !== 0n) return 'IM of a flat position is not 0';
      return abs(x.qty2 as bigint) <= abs(x.qty as bigint) && im(x.qty2 as bigint) > im(x.qty as bigint) ? 'reducing raised IM' : null;
    },
  },
  {
    id: 'MARGIN/RM2/im-ge-mm',
    family: 'margin-math',
    invariants: ['RM2', 'RM3', 'P8'],
    rules: ['PERP-MARGIN-002'],
    description: 'with imr ≥ mmr the initial margin is at least the maintenance margin for every position and price',
    bounds: '|qty| < 2^63, cs ∈ [1, 2^24], mmr ≤ imr ≤ 10⁴, P < 2^64',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [q, cs, imr, mmr, p] = [v.int('qty', sbits(64)), v.int('cs', range(1n, 1n << 24n)), v.int('imr', range(0n, BPS)), v.int('mmr', range(0n, BPS)), v.int('P', PRICE)];
      const im = margin(e, q.mul(cs).mul(imr), p);
      const mm = margin(e, q.mul(cs).mul(mmr), p);
      return {
        assume: [mmr.le(imr)],
        reach: { strict: ctx.And(mmr.lt(imr), q.neq(0), p.gt(0)) },
        prove: im.ge(mm),
        terms: { im: { smt: im, model: (x) => marginOf((x.qty as bigint) * (x.cs as bigint) * (x.imr as bigint), x.P as bigint) }, mm: { smt: mm, model: (x) => marginOf((x.qty as bigint) * (x.cs as bigint) * (x.mmr as bigint), x.P as bigint) } },
      };
    },
    replay(x) {
      const f = (r: bigint): bigint => marginOf((x.qty as bigint) * (x.cs as bigint) * r, x.P as bigint);
      return (x.mmr as bigint) <= (x.imr as bigint) && f(x.imr as bigint) < f(x.mmr as bigint) ? 'IM < MM' : null;
    },
  },
  {
    id: 'MARGIN/RM4/gross-ge-net',
    family: 'margin-math',
    invariants: ['RM4', 'P8'],
    rules: ['PERP-MARGIN-002'],
    description: 'margin is sub-additive: margin(w1 + w2, P) ≤ margin(w1, P) + margin(w2, P), so Σ per-position (gross) ≥ the net requirement',
    bounds: 'w1, w2 signed, |w| ≤ 2^97; P < 2^64',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [w1, w2, p] = [v.int('w1', WB), v.int('w2', WB), v.int('P', PRICE)];
      const net = margin(e, w1.add(w2), p);
      return {
        assume: [],
        reach: { offsetting: w1.mul(w2).lt(0) },
        prove: net.le(margin(e, w1, p).add(margin(e, w2, p))),
        terms: { net: { smt: net, model: (x) => marginOf((x.w1 as bigint) + (x.w2 as bigint), x.P as bigint) } },
      };
    },
    replay(x) {
      const [w1, w2, p] = [x.w1 as bigint, x.w2 as bigint, x.P as bigint];
      return marginOf(w1 + w2, p) > marginOf(w1, p) + marginOf(w2, p) ? 'net margin above gross' : null;
    },
  },
  {
    id: 'MARGIN/RM5/hedge-lowers-im',
    family: 'margin-math',
    invariants: ['RM5', 'E2E3'],
    rules: ['PERP-MARGIN-002'],
    description: 'adding an opposite exposure no larger than twice the existing one (another slab, same feed) does not raise the net requirement',
    bounds: 'w1, w2 signed, |w| ≤ 2^97, opposite signs, |w2| ≤ 2|w1|; P < 2^64',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [w1, w2, p] = [v.int('w1', WB), v.int('w2', WB), v.int('P', PRICE)];
      return {
        assume: [w1.mul(w2).le(0), e.abs(w2).le(e.abs(w1).mul(2))],
        reach: { hedge: ctx.And(w1.gt(0), w2.lt(0)) },
        prove: margin(e, w1.add(w2), p).le(margin(e, w1, p)),
      };
    },
    replay(x) {
      const [w1, w2, p] = [x.w1 as bigint, x.w2 as bigint, x.P as bigint];
      return marginOf(w1 + w2, p) > marginOf(w1, p) ? 'the hedge raised IM' : null;
    },
  },
  {
    id: 'MARGIN/P9/unrealised-floor',
    family: 'margin-math',
    invariants: ['P9', 'S10'],
    rules: ['PERP-POS-004', 'PERP-NUM-005'],
    description: 'unrealised PnL = ⌊(qty·cs·P − cost·U)/U⌋ never overflows i128 and rounds against the trader: u·U ≤ qty·cs·P − cost·U < (u+1)·U',
    bounds: '|qty| < 2^47 contracts, cs ∈ [1, 2^24], P < 2^48, |cost| < 2^98',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [q, cs, p, cost] = [v.int('qty', sbits(48)), v.int('cs', range(1n, 1n << 24n)), v.int('P', bits(48)), v.int('cost', sbits(99))];
      const x = q.mul(cs).mul(p).sub(cost.mul(e.n(ORACLE_UNIT)));
      const u = e.floorDiv(x, e.n(ORACLE_UNIT));
      return {
        assume: [],
        reach: { loss: x.lt(0) },
        prove: ctx.And(e.i128(x), u.mul(e.n(ORACLE_UNIT)).le(x), x.lt(u.add(1).mul(e.n(ORACLE_UNIT)))),
        terms: { unrealised: { smt: u, model: (y) => unrealised(position(y.qty as bigint, y.cost as bigint), instrument(y.cs as bigint), y.P as bigint) } },
      };
    },
    replay(y) {
      const u = unrealised(position(y.qty as bigint, y.cost as bigint), instrument(y.cs as bigint), y.P as bigint);
      const x = (y.qty as bigint) * (y.cs as bigint) * (y.P as bigint) - (y.cost as bigint) * ORACLE_UNIT;
      return u * ORACLE_UNIT <= x && x < (u + 1n) * ORACLE_UNIT ? null : `unrealised ${u} not the floor of ${x}/U`;
    },
  },
  ...(['long', 'short'] as const).map(
    (side): SpecDef => ({
      id: `MARGIN/RM3/threshold-monotone-${side}`,
      family: 'margin-math',
      invariants: ['RM3', 'L1'],
      rules: ['PERP-LIQ-002', 'PERP-MARGIN-002', 'PERP-POS-004'],
      description:
        side === 'long'
          ? 'for a long, the maintenance shortfall MM − equity is non-increasing in price up to one unit of rounding: shortfall(P1) ≥ shortfall(P2) − 1 for P1 ≤ P2 (liquidatable at P2 by more than one unit ⇒ liquidatable at every lower price). Exact monotonicity is false: floor and ceil step apart (spec/proofs.md §4 gives the counterexample)'
          : 'for a short, the maintenance shortfall MM − equity is exactly non-decreasing in price (liquidatable at P1 ⇒ liquidatable at every higher price)',
      bounds: `the exposure A = qty·cs (qty and cs enter only through their product) with ${side === 'long' ? '0 < A' : '0 < B = −A'} ≤ 2^71; mmr ≤ 10⁴; P1 ≤ P2 = P1 + dP < 2^48; |cost| ≤ 2^98; cash and realised are constants and cancel out`,
      logic: 'QF_NIA',
      encode(ctx, v) {
        const e = new IntEnc(ctx);
        const lim = 1n << 71n;
        // The short is declared through its size B = −A > 0 (z3's nonlinear solver decides the positive form far faster).
        const a = side === 'long' ? v.int('A', range(1n, lim)) : v.int('B', range(1n, lim)).neg();
        const [mmr, p1, cost] = [v.int('mmr', range(0n, BPS)), v.int('P1', bits(48)), v.int('cost', sbits(99))];
        // For the short, P2 = P1 + dP with the move dP ≥ 0 as its own variable (the products expand to
        // B·P1 + B·dP): z3 decides that form in < 1 s and times out on a free P2; the long is the reverse.
        const p2 = side === 'long' ? v.int('P2', bits(48)) : p1.add(v.int('dP', bits(48)));
        const sf = shortfall(e, a, mmr, cost);
        return {
          assume: [p1.le(p2), p2.lt(e.n(1n << 48n))],
          reach: { 'price-moves': p1.lt(p2) },
          prove: side === 'long' ? sf(p1).ge(sf(p2).sub(1)) : sf(p1).le(sf(p2)),
          terms: { shortfall: { smt: sf(p1), model: (x) => shortfallModel(x, x.P1 as bigint) } },
        };
      },
      replay(x) {
        const p2 = x.P2 ?? (x.P1 as bigint) + (x.dP as bigint);
        const [s1, s2] = [shortfallModel(x, x.P1 as bigint), shortfallModel(x, p2)];
        if (x.A !== undefined && s1 < s2 - 1n) return `long shortfall ${s1} at ${x.P1} < ${s2} − 1 at ${p2}`;
        if (x.B !== undefined && s1 > s2) return `short shortfall ${s1} at ${x.P1} > ${s2} at ${p2}`;
        return null;
      },
    }),
  ),
  {
    id: 'MARGIN/L3/band-inward',
    family: 'margin-math',
    invariants: ['L3', 'R10'],
    rules: ['PERP-LIQ-001', 'PERP-NUM-005', 'PERP-UNIT-004'],
    description: 'the liquidation band [⌈idx·(10⁴−band)/10⁴⌉, ⌊idx·(10⁴+band)/10⁴⌋] is rounded inward, contains idx, and both bounds are monotone in the oracle price',
    bounds: 'P1 ≤ P2 < 2^64, cs ∈ [1, 2^32], band ≤ 2^32 bps',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [p1, p2, cs, band] = [v.int('P1', PRICE), v.int('P2', PRICE), v.int('cs', range(1n, 1n << 32n)), v.int('band', bits(32))];
      const b = e.n(BPS);
      const idxOf = (p: I): I => p.mul(cs).div(e.n(ORACLE_UNIT));
      const lo = (i: I): I => e.mulDivUp(i, b.sub(e.min(band, b)), b);
      const hi = (i: I): I => e.mulDivDown(i, b.add(band), b);
      const [i1, i2] = [idxOf(p1), idxOf(p2)];
      return {
        assume: [p1.le(p2)],
        reach: { narrow: band.lt(b) },
        prove: ctx.And(lo(i1).le(i1), i1.le(hi(i1)), lo(i1).mul(b).ge(i1.mul(b.sub(e.min(band, b)))), hi(i1).mul(b).le(i1.mul(b.add(band))), i1.le(i2), lo(i1).le(lo(i2)), hi(i1).le(hi(i2))),
        terms: {
          idx: { smt: i1, model: (x) => indexPx(instrument(x.cs as bigint), x.P1 as bigint) },
          lo: { smt: lo(i1), model: (x) => mulDivUp(indexPx(instrument(x.cs as bigint), x.P1 as bigint), MBPS - ((x.band as bigint) < MBPS ? (x.band as bigint) : MBPS), MBPS) },
          hi: { smt: hi(i1), model: (x) => mulDivDown(indexPx(instrument(x.cs as bigint), x.P1 as bigint), MBPS + (x.band as bigint), MBPS) },
        },
      };
    },
    replay(x) {
      const band = x.band as bigint;
      const f = (p: bigint): bigint[] => {
        const i = indexPx(instrument(x.cs as bigint), p);
        return [mulDivUp(i, MBPS - (band < MBPS ? band : MBPS), MBPS), i, mulDivDown(i, MBPS + band, MBPS)];
      };
      const [l1, i1, h1] = f(x.P1 as bigint) as [bigint, bigint, bigint];
      const [l2, , h2] = f(x.P2 as bigint) as [bigint, bigint, bigint];
      return l1 <= i1 && i1 <= h1 && l1 <= l2 && h1 <= h2 ? null : `band [${l1}, ${h1}] around ${i1}`;
    },
  },
  {
    id: 'MARGIN/M10/kill-band-exact',
    family: 'margin-math',
    invariants: ['M10', 'R7'],
    rules: ['PERP-COMMIT-004', 'PERP-UNIT-004'],
    description: 'the division-free kill band |worst − idx|·10⁴ > band·idx rejects exactly the prices farther than ⌊idx·band/10⁴⌋ from the index, so a router pre-check with the rounded band agrees',
    bounds: 'worst, idx < 2^64, band ≤ 2^32 bps',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [worst, idx, band] = [v.int('worst', bits(64)), v.int('idx', bits(64)), v.int('band', bits(32))];
      const outside = e.abs(worst.sub(idx)).mul(e.n(BPS)).gt(band.mul(idx));
      return {
        assume: [],
        reach: { inside: ctx.And(ctx.Not(outside), worst.neq(idx)), outside },
        prove: ctx.Eq(outside, e.abs(worst.sub(idx)).gt(e.mulDivDown(idx, band, e.n(BPS)))),
        terms: { outside: { smt: outside, model: (x) => outsideKillBand(x.worst as bigint, x.idx as bigint, x.band as bigint) } },
      };
    },
    replay(x) {
      const out = outsideKillBand(x.worst as bigint, x.idx as bigint, x.band as bigint);
      return out !== abs((x.worst as bigint) - (x.idx as bigint)) > mulDivDown(x.idx as bigint, x.band as bigint, MBPS) ? 'the cross-multiplied band and the rounded band disagree' : null;
    },
  },
];
