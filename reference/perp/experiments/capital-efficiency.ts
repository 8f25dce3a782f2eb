/**
 * Capital efficiency, go/no-go criterion 2 of PERP_DESIGN.md (P8, RM4, RM5): for canonical long/short
 * offsets across slabs, the Router's portfolio IM must stay within 5 % of a monolithic-exchange baseline,
 * IM_router ≤ 1.05 × IM_mono.
 *
 * Both sides are computed by the golden model on real states built by trading:
 * - IM_router: `portfolio(state, user).im` after the user's positions are opened on the venue's slabs
 *   (one route with one leg per holding, filled against a DLP maker);
 * - IM_mono, the baseline: the same NET position per underlying held on ONE monolithic book — for each
 *   oracle feed f, one slab with IMR r_f (the common IMR of the case's slabs on f; the largest — the
 *   strictest — when they differ) and a contract size dividing every slab's, holding N_f = Σ qty_i · contract_size_i base
 *   units — margined by the same model, `portfolio(mono, user).im` = Σ_f ⌈|N_f|·r_f·P_f / (10⁶·10⁴)⌉
 *   (PERP-MARGIN-002), checked against that formula (`imFormula`).
 * Also reported: IM_gross (Σ per-position IM, the RM4 upper bound) and IM_open, the IM the Router
 * demands while the hedge route is reserved but not committed (`imWorst`: the route filled as reserved or
 * not at all, PERP-MARGIN-002, PERP-RTR-003): the capital a user needs to put the hedge on in one route.
 */
import { commitRoute, exposuresOf, marginOf, nextRouteId, placeOrder, portfolio, requirement, reserveRoute, step } from '../model/index.ts';
import type { PerpState } from '../model/index.ts';
import { commitment } from '../../script/ids.ts';
import { BTC_FEED, BTC_PX, SOL_FEED, SOL_PX, T0, buildVenue, must, saltOf, type Leg, type SlabSpec } from './venue.ts';

export const CE_USER = 0x21n;
export const CE_MAKER = 0x11n;

export interface Holding {
  readonly slab: bigint;
  /** Signed contracts: > 0 long, < 0 short. */
  readonly qty: bigint;
  /** Fill this many ticks away from the oracle (the maker's quote), to vary entry prices. */
  readonly fillOffsetTicks?: bigint;
}

export interface CapitalCase {
  readonly name: string;
  readonly slabs: readonly SlabSpec[];
  readonly holdings: readonly Holding[];
  /** Whether criterion 2 applies (every canonical case is gated since PERP-MARGIN-002 nets across IMRs; a reported-only case may set false). */
  readonly gated: boolean;
}

export interface CapitalFigure {
  readonly name: string;
  readonly gated: boolean;
  readonly imRouter: bigint;
  readonly imMono: bigint;
  readonly imFormula: bigint;
  readonly imGross: bigint;
  readonly imOpen: bigint;
  /** IM_router / IM_mono (1 when both are 0; Infinity when only the baseline is 0). */
  readonly ratio: number;
  /** IM_router · 100 ≤ IM_mono · 105 (criterion 2). */
  readonly within5pct: boolean;
}

const slab = (id: bigint, over: Partial<SlabSpec> = {}): SlabSpec => ({ id, feed: SOL_FEED, ...over });
const A = 0xa1n;
const B = 0xb2n;
const C = 0xc3n;
const HALF = 0xd4n;
const LOW_IMR = 0xe5n;
const BTC1 = 0xf6n;
const BTC2 = 0xf7n;
const BTC_SPEC = { feed: BTC_FEED, contractSize: 1_000n, tick: 100_000n } as const;

/** The canonical cases (criterion 2), different IMRs on one underlying included (PERP-MARGIN-002 netting rule). */
export const CANONICAL_CASES: readonly CapitalCase[] = [
  { name: 'equal offsets on two slabs', slabs: [slab(A), slab(B)], holdings: [{ slab: A, qty: 10n }, { slab: B, qty: -10n }], gated: true },
  { name: 'partial offset on two slabs', slabs: [slab(A), slab(B)], holdings: [{ slab: A, qty: 10n }, { slab: B, qty: -7n }], gated: true },
  { name: 'three slabs, net long', slabs: [slab(A), slab(B), slab(C)], holdings: [{ slab: A, qty: 10n }, { slab: B, qty: -4n }, { slab: C, qty: -3n }], gated: true },
  { name: 'three slabs, net short', slabs: [slab(A), slab(B), slab(C)], holdings: [{ slab: A, qty: 5n }, { slab: B, qty: -8n }, { slab: C, qty: 1n }], gated: true },
  {
    name: 'different fill prices',
    slabs: [slab(A), slab(B)],
    holdings: [{ slab: A, qty: 10n, fillOffsetTicks: 20n }, { slab: B, qty: -7n, fillOffsetTicks: -30n }],
    gated: true,
  },
  { name: 'different contract sizes', slabs: [slab(A), slab(HALF, { contractSize: 500_000n })], holdings: [{ slab: HALF, qty: 20n }, { slab: A, qty: -10n }], gated: true },
  {
    name: 'two underlyings',
    slabs: [slab(A), slab(B), slab(BTC1, BTC_SPEC), slab(BTC2, BTC_SPEC)],
    holdings: [{ slab: A, qty: 10n }, { slab: B, qty: -6n }, { slab: BTC1, qty: 3n }, { slab: BTC2, qty: -1n }],
    gated: true,
  },
  { name: 'different IMRs, perfect hedge', slabs: [slab(A), slab(LOW_IMR, { imrBps: 400n })], holdings: [{ slab: A, qty: 10n }, { slab: LOW_IMR, qty: -10n }], gated: true },
  { name: 'different IMRs, net on the stricter slab', slabs: [slab(A), slab(LOW_IMR, { imrBps: 400n })], holdings: [{ slab: A, qty: 10n }, { slab: LOW_IMR, qty: -7n }], gated: true },
  { name: 'different IMRs, net on the looser slab', slabs: [slab(A), slab(LOW_IMR, { imrBps: 400n })], holdings: [{ slab: A, qty: -7n }, { slab: LOW_IMR, qty: 10n }], gated: true },
];

const oracleOf = (feed: bigint): bigint => (feed === BTC_FEED ? BTC_PX : SOL_PX);

function specOf(c: CapitalCase, id: bigint): SlabSpec {
  const s = c.slabs.find((x) => x.id === id);
  if (!s) throw new Error(`capital case '${c.name}': no slab ${id}`);
  return s;
}

/** Price of the maker's quote for a holding: the oracle per contract, plus the offset in ticks. */
function fillPx(s: SlabSpec, h: Holding): bigint {
  const cs = s.contractSize ?? 1_000_000n;
  const tick = s.tick ?? 1_000n;
  const px = (oracleOf(s.feed) * cs) / 1_000_000n + (h.fillOffsetTicks ?? 0n) * tick;
  return px - (px % tick);
}

/** Open `holdings` for CE_USER in one route (the maker quotes each leg's contra side first); returns the state and IM_open. */
function open(st0: PerpState, specs: (id: bigint) => SlabSpec, holdings: readonly Holding[], salt: number): { st: PerpState; imOpen: bigint } {
  let st = st0;
  const legs: Leg[] = [];
  for (const h of holdings) {
    if (h.qty === 0n) continue;
    const px = fillPx(specs(h.slab), h);
    const side = h.qty > 0n ? 0 : 1;
    st = must(step(st, (s) => placeMaker(s, h.slab, side === 0 ? 1 : 0, px, h.qty < 0n ? -h.qty : h.qty)), 'maker quote').state;
    legs.push({ slab: h.slab, side, qty: h.qty < 0n ? -h.qty : h.qty, limitPx: px });
  }
  if (legs.length === 0) return { st, imOpen: 0n };
  const s0 = saltOf(salt);
  const route = nextRouteId(st, CE_USER);
  const reqs = legs.map((l) => ({ ...l, instrument: 0n, commitment: commitment(route, 0n, BigInt(l.side), l.qty, l.limitPx, s0) }));
  const r = must(step(st, (s) => reserveRoute(s, CE_USER, reqs, 10_000n, T0)), 'hedge route reserve');
  const imOpen = portfolio(r.state, CE_USER, T0).imWorst;
  const chosen = r.out.legs.map((l, i) => ({ holdId: l.holdId, reveal: { side: (legs[i] as Leg).side, qty: (legs[i] as Leg).qty, limitPx: (legs[i] as Leg).limitPx, salt: s0 } }));
  return { st: must(commitRoute(r.state, CE_USER, r.out.routeId, chosen, T0), 'hedge route commit').state, imOpen };
}

/** The maker's quote, through the Router (margin-checked like any order). */
function placeMaker(s: PerpState, slabId: bigint, side: 0 | 1, px: bigint, qty: bigint): void {
  placeOrder(s, CE_MAKER, slabId, 0n, side, px, qty, T0);
}

const FUNDS = 10n ** 13n;

/** The monolithic baseline venue of a case: one slab per feed (see the file comment). */
function monoSpecs(c: CapitalCase): { specs: SlabSpec[]; holdings: Holding[] } {
  const feeds = [...new Set(c.slabs.map((s) => s.feed))];
  const specs: SlabSpec[] = [];
  const holdings: Holding[] = [];
  feeds.forEach((feed, i) => {
    const on = c.slabs.filter((s) => s.feed === feed);
    const sizes = on.map((s) => s.contractSize ?? 1_000_000n);
    const cs = sizes.reduce(gcd);
    const imr = on.map((s) => s.imrBps ?? 500n).reduce((a, b) => (a > b ? a : b));
    const id = 0x900n + BigInt(i);
    specs.push({ id, feed, contractSize: cs, tick: on[0]?.tick ?? 1_000n, imrBps: imr });
    const net = c.holdings.filter((h) => specOf(c, h.slab).feed === feed).reduce((t, h) => t + h.qty * (specOf(c, h.slab).contractSize ?? 1_000_000n), 0n);
    holdings.push({ slab: id, qty: net / cs });
  });
  return { specs, holdings };
}

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

/** Measure one case (see the file comment for every figure). */
export function measureCase(c: CapitalCase): CapitalFigure {
  const users = [CE_USER, CE_MAKER];
  const venue = buildVenue({ slabs: c.slabs, dlp: [CE_MAKER], users, funds: FUNDS });
  const { st, imOpen } = open(venue, (id) => specOf(c, id), c.holdings, 1);
  const mono = monoSpecs(c);
  const monoVenue = buildVenue({ slabs: mono.specs, dlp: [CE_MAKER], users, funds: FUNDS });
  const monoSt = open(monoVenue, (id) => mono.specs.find((s) => s.id === id) as SlabSpec, mono.holdings, 2).st;
  const imRouter = portfolio(st, CE_USER, T0).im;
  const imMono = portfolio(monoSt, CE_USER, T0).im;
  const imFormula = mono.specs.reduce((t, s, i) => t + marginOf((mono.holdings[i] as Holding).qty * (s.contractSize as bigint) * (s.imrBps as bigint), oracleOf(s.feed)), 0n);
  const imGross = requirement(exposuresOf(st, CE_USER, T0), (e) => e.qty, (e) => e.imrBps, 'gross');
  const ratio = imMono === 0n ? (imRouter === 0n ? 1 : Number.POSITIVE_INFINITY) : Number(imRouter) / Number(imMono);
  return { name: c.name, gated: c.gated, imRouter, imMono, imFormula, imGross, imOpen, ratio, within5pct: imRouter * 100n <= imMono * 105n };
}

/** Criterion 2 over the canonical cases. */
export function capitalEfficiency(cases: readonly CapitalCase[] = CANONICAL_CASES): { figures: CapitalFigure[]; pass: boolean } {
  const figures = cases.map(measureCase);
  return { figures, pass: figures.every((f) => !f.gated || f.within5pct) };
}
