/**
 * Go/no-go criterion 2 (capital efficiency; P8, RM4, RM5): IM_router ≤ 1.05 × the IM of the same net
 * position on one monolithic book, over the canonical cross-slab offsets of
 * reference/perp/experiments/capital-efficiency.ts and over random offsetting portfolios. With one IMR per
 * underlying the net model is exact: IM_router = IM_mono. With different IMRs (PERP-MARGIN-002 netting
 * rule) the net is charged at the strictest IMR of the slabs holding the net side, capped by what those
 * positions need alone: a perfect hedge needs 0, and IM_router ≤ IM_mono at the strictest IMR.
 */
import test from 'ava';
import fc from 'fast-check';
import { CANONICAL_CASES, capitalEfficiency, measureCase, type CapitalCase, type Holding } from '../../../reference/perp/experiments/capital-efficiency.ts';
import { BTC_FEED, SOL_FEED, SOL_PX, type SlabSpec } from '../../../reference/perp/experiments/venue.ts';

/** ⌈|net base units| · P · imr / (10⁶ · 10⁴)⌉ for SOL at the venue's oracle price, written out independently of the model. */
const solIm = (netBase: bigint, imrBps: bigint): bigint => {
  const n = (netBase < 0n ? -netBase : netBase) * SOL_PX * imrBps;
  const d = 1_000_000n * 10_000n;
  return (n + d - 1n) / d;
};

const EXPECTED_SOL_NET: Readonly<Record<string, bigint>> = {
  'equal offsets on two slabs': 0n,
  'partial offset on two slabs': 3_000_000n,
  'three slabs, net long': 3_000_000n,
  'three slabs, net short': -2_000_000n,
  'different fill prices': 3_000_000n,
  'different contract sizes': 0n,
};

const caseNamed = (name: string): CapitalCase => CANONICAL_CASES.find((c) => c.name === name) as CapitalCase;
const ONE_IMR = CANONICAL_CASES.filter((x) => x.gated && !x.slabs.some((s) => s.imrBps !== undefined && s.imrBps !== 500n));

test('criterion 2 — every canonical case is gated (different IMRs net since PERP-MARGIN-002)', (t) => {
  t.true(CANONICAL_CASES.every((c) => c.gated));
  t.is(CANONICAL_CASES.length - ONE_IMR.length, 3);
});

for (const c of ONE_IMR) {
  test(`RM5 P8 criterion 2 — ${c.name}: IM_router = IM_mono (so ≤ 1.05 × the monolithic baseline)`, (t) => {
    const f = measureCase(c);
    t.true(f.within5pct, `${f.imRouter} vs ${f.imMono}`);
    t.is(f.imRouter, f.imMono, 'one IMR per underlying: the net model is exact');
    t.is(f.imMono, f.imFormula, 'the monolithic book margins as PERP-MARGIN-002 says');
    t.true(f.imGross >= f.imRouter, 'RM4: Σ per-position IM bounds the net IM');
    t.true(f.imGross > f.imRouter, 'RM5: the cross-slab offset lowers IM below the per-slab sum');
    const net = EXPECTED_SOL_NET[c.name];
    if (net !== undefined) t.is(f.imRouter, solIm(net, 500n), 'against the hand-written formula');
  });
}

test('RM5 criterion 2 — two underlyings margin per feed: SOL net 4 and BTC net 2 contracts', (t) => {
  const f = measureCase(CANONICAL_CASES.find((c) => c.name === 'two underlyings') as CapitalCase);
  // BTC: 2 contracts of 1,000 base units at 60,000 USDC per 10⁶ base units, 5 % IMR = 6 USDC.
  t.is(f.imRouter, solIm(4_000_000n, 500n) + 6_000_000n);
});

test('RM5 PERP-MARGIN-002 criterion 2 — a ±10 SOL hedge across slabs of 500 and 400 bps IMR needs 0 IM, as on one book', (t) => {
  const f = measureCase(caseNamed('different IMRs, perfect hedge'));
  t.is(f.imMono, 0n);
  t.is(f.imRouter, 0n);
  t.true(f.within5pct);
  t.is(f.imGross, solIm(10_000_000n, 500n) + solIm(10_000_000n, 400n));
});

test('PERP-MARGIN-002 criterion 2 — net 3 SOL long held on the 500 bps slab (short 7 on 400 bps): charged at 500 bps, = the monolithic book at the strictest IMR', (t) => {
  const f = measureCase(caseNamed('different IMRs, net on the stricter slab'));
  t.is(f.imRouter, solIm(3_000_000n, 500n));
  t.is(f.imRouter, f.imMono);
});

test('PERP-MARGIN-002 criterion 2 — net 3 SOL long held on the 400 bps slab (short 7 on 500 bps): charged at 400 bps, below the monolithic book at 500 bps (ratio 0.8)', (t) => {
  const f = measureCase(caseNamed('different IMRs, net on the looser slab'));
  t.is(f.imRouter, solIm(3_000_000n, 400n));
  t.is(f.imMono, solIm(3_000_000n, 500n));
  t.true(f.within5pct);
  t.is(f.ratio, 0.8);
});

test('P8 criterion 2 — opening a hedge in one route needs no IM while it is open: the route counts filled as reserved or not at all (PERP-MARGIN-002)', (t) => {
  const f = measureCase(CANONICAL_CASES[0] as CapitalCase);
  t.is(f.imRouter, 0n);
  t.is(f.imOpen, 0n);
  const mixed = measureCase(caseNamed('different IMRs, perfect hedge'));
  t.is(mixed.imOpen, 0n);
  const partial = measureCase(caseNamed('partial offset on two slabs'));
  t.is(partial.imOpen, partial.imRouter, 'a partial hedge needs the IM of its net while open');
});

test('RM5 criterion 2 — capitalEfficiency() passes over every canonical case', (t) => {
  const r = capitalEfficiency();
  t.true(r.pass);
  t.is(r.figures.length, CANONICAL_CASES.length);
  t.true(r.figures.every((f) => f.within5pct));
});

// ── property: random offsetting portfolios within the bounds ────────────────────────────────────────

const SOL_SLABS = [0xa1n, 0xa2n, 0xa3n, 0xa4n];
const BTC_SLABS = [0xb1n, 0xb2n];

const arbCase = fc
  .record({
    sol: fc.array(fc.record({ qty: fc.integer({ min: -12, max: 12 }), half: fc.boolean(), offset: fc.integer({ min: -20, max: 20 }) }), { minLength: 2, maxLength: 4 }),
    btc: fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 2 }),
  })
  .map(({ sol, btc }): CapitalCase => {
    const slabs: SlabSpec[] = [];
    const holdings: Holding[] = [];
    sol.forEach((h, i) => {
      const id = SOL_SLABS[i] as bigint;
      slabs.push({ id, feed: SOL_FEED, contractSize: h.half ? 500_000n : 1_000_000n });
      holdings.push({ slab: id, qty: BigInt(h.qty), fillOffsetTicks: BigInt(h.offset) });
    });
    btc.forEach((q, i) => {
      const id = BTC_SLABS[i] as bigint;
      slabs.push({ id, feed: BTC_FEED, contractSize: 1_000n, tick: 100_000n });
      holdings.push({ slab: id, qty: BigInt(q) });
    });
    return { name: 'random', slabs, holdings, gated: true };
  });

test('RM5 RM4 P8 criterion 2 — random portfolios over 2–4 SOL slabs (+ BTC) with one IMR per underlying: IM_router = IM_mono ≤ 1.05 × IM_mono', (t) => {
  fc.assert(
    fc.property(arbCase, (c) => {
      const f = measureCase(c);
      return f.within5pct && f.imRouter === f.imMono && f.imMono === f.imFormula && f.imGross >= f.imRouter;
    }),
    { numRuns: 25 },
  );
  t.pass();
});

/** PERP-MARGIN-002 written out independently: the SOL weight of holdings (signed base units, IMR). */
function solNetWeight(xs: readonly { a: bigint; imr: bigint }[]): bigint {
  const n = xs.reduce((t, x) => t + x.a, 0n);
  if (n === 0n) return 0n;
  const side = xs.filter((x) => (n > 0n ? x.a > 0n : x.a < 0n));
  const sum = side.reduce((t, x) => t + (x.a < 0n ? -x.a : x.a) * x.imr, 0n);
  const strictest = side.reduce((m, x) => (x.imr > m ? x.imr : m), 0n);
  const atStrictest = (n < 0n ? -n : n) * strictest;
  return atStrictest < sum ? atStrictest : sum;
}

const arbMixed = fc
  .array(fc.record({ qty: fc.integer({ min: -12, max: 12 }), half: fc.boolean(), imr: fc.constantFrom(400n, 500n, 600n) }), { minLength: 2, maxLength: 4 })
  .map((sol): CapitalCase => ({
    name: 'random IMRs',
    slabs: sol.map((h, i) => ({ id: SOL_SLABS[i] as bigint, feed: SOL_FEED, contractSize: h.half ? 500_000n : 1_000_000n, imrBps: h.imr })),
    holdings: sol.map((h, i) => ({ slab: SOL_SLABS[i] as bigint, qty: BigInt(h.qty) })),
    gated: true,
  }));

test('RM4 RM5 PERP-MARGIN-002 criterion 2 — random portfolios over 2–4 SOL slabs with different IMRs: IM_router = the netting rule written out, ≤ IM_mono at the strictest IMR, ≤ Σ per-position IM', (t) => {
  fc.assert(
    fc.property(arbMixed, (c) => {
      const f = measureCase(c);
      const xs = c.holdings.map((h, i) => ({ a: h.qty * ((c.slabs[i] as SlabSpec).contractSize as bigint), imr: (c.slabs[i] as SlabSpec).imrBps as bigint }));
      const want = solIm(solNetWeight(xs), 1n);
      return f.imRouter === want && f.imRouter <= f.imMono && f.within5pct && f.imGross >= f.imRouter;
    }),
    { numRuns: 25 },
  );
  t.pass();
});
