/**
 * The netting rule of portfolio margin (spec/perp.md PERP-MARGIN-002; RM4, RM5, P8, go/no-go criterion 2):
 * per underlying, with a_i = qty_i·cs_i and r_i the ratio of exposure i's slab, N = Σ a_i, the net side the
 * exposures of N's sign, S = Σ_net side |a_i|·r_i and r* = max_net side r_i, the weight is
 * w = min(|N|·r*, S) (0 when N = 0); the requirement is margin(w, P) = ⌈|w|·P/(U·10⁴)⌉.
 *
 * The obligations state the weight's properties; the margin step composes with margin.ts: margin is
 * monotone in |w| (MARGIN/RM1/im-monotone) and sub-additive (MARGIN/RM4/gross-ge-net), so
 * w ≤ Σ |a_i|·r_i gives IM_router ≤ Σ per-position IM (RM4), w' ≤ w gives a lower IM (RM5), and
 * w ≤ |N|·max r_i gives IM_router ≤ the IM of the net position on one book at the strictest ratio.
 * Domain: bounded integers (QF_NIA), three exposures (two for the hedge plus the hedge itself).
 */
import type { Arith, Bool } from 'z3-solver';
import { netWeight } from '../../../reference/perp/model/margin.ts';
import { BPS, IntEnc, range, sbits } from './encoding.ts';
import type { SpecDef, Values } from './spec-obligation.ts';

type I = Arith<'main'>;
type B = Bool<'main'>;
/** |a| < 2^63 base units (qty < 2^39 contracts of cs ≤ 2^24), ratio ≤ 10⁴ bps. */
const A = sbits(64);
const R = range(0n, BPS);

/** PERP-MARGIN-002 as a term over exposures (a_i, r_i). */
function weight(e: IntEnc, xs: readonly (readonly [I, I])[]): I {
  const ctx = e.ctx;
  const n = xs.reduce((t, [a]) => t.add(a), e.n(0));
  const on = (a: I): B => ctx.If(n.gt(0), a.gt(0), a.lt(0)) as B;
  const s = xs.reduce((t, [a, r]) => t.add(ctx.If(on(a), e.abs(a).mul(r), e.n(0)) as I), e.n(0));
  const rs = xs.reduce((m, [a, r]) => e.max(m, ctx.If(on(a), r, e.n(0)) as I), e.n(0));
  return ctx.If(n.eq(0), e.n(0), e.min(e.abs(n).mul(rs), s)) as I;
}

const modelWeight = (x: Values, names: readonly (readonly [string, string])[]): bigint =>
  netWeight(names.map(([a, r]) => ({ a: x[a] as bigint, ratio: x[r] as bigint })));

const THREE = [['a1', 'r1'], ['a2', 'r2'], ['a3', 'r3']] as const;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

export const nettingDefs: readonly SpecDef[] = [
  {
    id: 'MARGIN/RM4/netting-weight-bounds',
    family: 'margin-math',
    invariants: ['RM4', 'RM5', 'P8'],
    rules: ['PERP-MARGIN-002'],
    description:
      'the netting weight of three exposures on one underlying is 0 for a perfect hedge, at most Σ |a_i|·r_i (the per-position sum: RM4), at most |N|·max r_i (the net on one book at the strictest ratio: criterion 2) and at least |N|·min r_i',
    bounds: '|a_i| < 2^63 base units, r_i ≤ 10⁴ bps',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const xs = THREE.map(([a, r]) => [v.int(a, A), v.int(r, R)] as const);
      const w = weight(e, xs);
      const n = xs.reduce((t, [a]) => t.add(a), e.n(0));
      const gross = xs.reduce((t, [a, r]) => t.add(e.abs(a).mul(r)), e.n(0));
      const rMax = xs.reduce((m, [, r]) => e.max(m, r), e.n(0));
      const rMin = xs.reduce((m, [, r]) => e.min(m, r), e.n(BPS));
      return {
        assume: [],
        reach: { offsetting: ctx.And((xs[0] as readonly [I, I])[0].gt(0), (xs[1] as readonly [I, I])[0].lt(0), n.neq(0)), 'perfect-hedge': ctx.And((xs[0] as readonly [I, I])[0].neq(0), n.eq(0)) },
        prove: ctx.And(ctx.Implies(n.eq(0), w.eq(0)), w.ge(0), w.le(gross), w.le(e.abs(n).mul(rMax)), w.ge(e.abs(n).mul(rMin))),
        terms: { w: { smt: w, model: (x) => modelWeight(x, THREE) } },
      };
    },
    replay(x) {
      const xs = THREE.map(([a, r]) => ({ a: x[a] as bigint, ratio: x[r] as bigint }));
      const w = netWeight(xs);
      const n = xs.reduce((t, y) => t + y.a, 0n);
      const gross = xs.reduce((t, y) => t + abs(y.a) * y.ratio, 0n);
      const rMax = xs.reduce((m, y) => (y.ratio > m ? y.ratio : m), 0n);
      const rMin = xs.reduce((m, y) => (y.ratio < m ? y.ratio : m), BPS);
      if (n === 0n && w !== 0n) return `a perfect hedge weighs ${w}`;
      return w >= 0n && w <= gross && w <= abs(n) * rMax && w >= abs(n) * rMin ? null : `weight ${w}: gross ${gross}, |N| ${abs(n)}, ratios ${rMin}..${rMax}`;
    },
  },
  {
    id: 'MARGIN/RM5/netting-hedge-lowers',
    family: 'margin-math',
    invariants: ['RM5', 'E2E3'],
    rules: ['PERP-MARGIN-002'],
    description: 'adding an exposure b opposite to the net N of two exposures, with |b| ≤ |N|, on a slab of any ratio never raises the netting weight (any ratios)',
    bounds: '|a_i|, |b| < 2^63 base units, ratios ≤ 10⁴ bps, b·N ≤ 0, |b| ≤ |N|',
    logic: 'QF_NIA',
    encode(ctx, v) {
      const e = new IntEnc(ctx);
      const [a1, r1, a2, r2, b, rb] = [v.int('a1', A), v.int('r1', R), v.int('a2', A), v.int('r2', R), v.int('b', A), v.int('rb', R)];
      const n = a1.add(a2);
      const before = weight(e, [[a1, r1], [a2, r2]]);
      const after = weight(e, [[a1, r1], [a2, r2], [b, rb]]);
      return {
        assume: [b.mul(n).le(0), e.abs(b).le(e.abs(n))],
        reach: { 'hedge-across-ratios': ctx.And(b.neq(0), rb.gt(r1), rb.gt(r2)) },
        prove: after.le(before),
      };
    },
    replay(x) {
      const xs = [{ a: x.a1 as bigint, ratio: x.r1 as bigint }, { a: x.a2 as bigint, ratio: x.r2 as bigint }];
      const [before, after] = [netWeight(xs), netWeight([...xs, { a: x.b as bigint, ratio: x.rb as bigint }])];
      return after > before ? `the hedge raised the weight ${before} → ${after}` : null;
    },
  },
];
