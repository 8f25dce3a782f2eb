/**
 * Portfolio margin at the Router (spec/perp.md §10, PERP-MARGIN-*; P8, P9, RM1–RM5): equity is cash plus,
 * per position, realised − pending funding + unrealised PnL. Margin is computed per underlying — the
 * positions whose instruments read the same oracle feed — on the NET base-unit exposure, charged at the
 * strictest ratio of the slabs holding the net side and never above what those positions need alone
 * (`netWeight`, PERP-MARGIN-002): a perfect hedge needs 0 whatever the slabs' ratios (RM5), and the sum of
 * per-slab margins bounds it (RM4). The `gross` model sums per-position margins instead.
 */
import { BPS, abs, i128, max, min, mulDivUp } from './arith.ts';
import { oraclePrice } from './oracle.ts';
import { usedSlots } from './pool.ts';
import { fundingOwed, unrealised } from './position.ts';
import { ORACLE_UNIT, type Instrument, type PerpState, type SlabState } from './types.ts';

/** One position's contribution, with its instrument and oracle price. */
export interface Exposure {
  readonly slab: bigint;
  readonly ins: Instrument;
  readonly price: bigint;
  readonly imrBps: bigint;
  readonly mmrBps: bigint;
  qty: bigint;
  /** Worst-case extra buys / sells of the resting orders (unreserved quantity; for IM checks only). */
  buys: bigint;
  sells: bigint;
  /** Σ signed quantity of the open route legs (buy +, sell −): the routes filled as reserved. */
  legs: bigint;
  value: bigint;
  valueForIm: bigint;
}

export interface Portfolio {
  readonly equity: bigint;
  /** Equity counting unrealised profit as zero (PERP-MARGIN-003): the collateral new risk may use. */
  readonly imEquity: bigint;
  /** IM on positions only, and the worst IM over resting orders filled (either side) with the open routes filled as reserved or not at all (PERP-MARGIN-002). */
  readonly im: bigint;
  readonly imWorst: bigint;
  readonly mm: bigint;
  readonly exposures: readonly Exposure[];
}

function slabsOf(st: PerpState): [bigint, SlabState][] {
  return [...st.router.registry.keys()].flatMap((id) => {
    const s = st.slabs.get(id);
    return s ? [[id, s] as [bigint, SlabState]] : [];
  });
}

/** PERP-MARGIN-001: the user's exposures on every registered slab (positions, orders, open legs). */
export function exposuresOf(st: PerpState, user: bigint, now: bigint): Exposure[] {
  const out: Exposure[] = [];
  const find = (slab: bigint, s: SlabState, ins: Instrument): Exposure => {
    let e = out.find((x) => x.slab === slab && x.ins.index === ins.index);
    if (!e) {
      const price = oraclePrice(st.oracles, ins.feed, now).price;
      e = { slab, ins, price, imrBps: s.header.imrBps, mmrBps: s.header.mmrBps, qty: 0n, buys: 0n, sells: 0n, legs: 0n, value: 0n, valueForIm: 0n };
      out.push(e);
    }
    return e;
  };
  for (const [slab, s] of slabsOf(st)) {
    for (const [, p] of usedSlots(s.positions)) {
      if (p.owner !== user) continue;
      const ins = s.instruments[Number(p.instrument)] as Instrument;
      const e = find(slab, s, ins);
      const u = unrealised(p, ins, e.price);
      const base = p.realised - fundingOwed(p, ins);
      e.qty = p.qty;
      e.value = i128(base + u);
      e.valueForIm = i128(base + min(0n, u));
    }
    for (const [, o] of usedSlots(s.orders)) {
      if (o.owner !== user) continue;
      const e = find(slab, s, s.instruments[Number(o.instrument)] as Instrument);
      if (o.side === 0) e.buys += o.qty - o.reservedQty;
      else e.sells += o.qty - o.reservedQty;
    }
  }
  for (const r of st.router.routes.values()) {
    if (r.user !== user || r.status !== 'open') continue;
    for (const l of r.legs) {
      const s = st.slabs.get(l.slab);
      if (l.status !== 'open' || !s || !st.router.registry.has(l.slab)) continue;
      const e = find(l.slab, s, s.instruments[Number(l.instrument)] as Instrument);
      e.legs += l.side === 0 ? l.qty : -l.qty;
    }
  }
  return out;
}

/** PERP-MARGIN-002: ⌈|w|·P / (ORACLE_UNIT·10⁴)⌉ for a bps-weighted base-unit exposure w (rounds up: favours the protocol). */
export function marginOf(w: bigint, price: bigint): bigint {
  return mulDivUp(abs(w), price, ORACLE_UNIT * BPS);
}

type Pick = (e: Exposure) => bigint;

/** One exposure of an underlying: signed base units a = qty·cs and its slab's ratio (bps). */
export interface Weighted {
  readonly a: bigint;
  readonly ratio: bigint;
}

/**
 * PERP-MARGIN-002, the netting rule of one underlying: with N = Σ a_i, the net side is the sign of N;
 * S = Σ |a_i|·r_i over the exposures on the net side and r* = their largest ratio;
 * w = min(|N|·r*, S) (0 when N = 0). So a perfect hedge weighs 0 whatever the ratios; the net is charged
 * at the strictest ratio among the slabs that hold it (at least the monolithic IM of the net position at
 * that ratio) unless those positions alone need less; w ≤ S ≤ Σ |a_i|·r_i (RM4); and an opposite exposure
 * no larger than |N| leaves S and r* and lowers |N| (RM5). Exact integers: the one rounding is marginOf's.
 */
export function netWeight(xs: readonly Weighted[]): bigint {
  const n = xs.reduce((t, x) => t + x.a, 0n);
  if (n === 0n) return 0n;
  let s = 0n;
  let r = 0n;
  for (const x of xs) {
    if (x.a === 0n || x.a > 0n !== n > 0n) continue;
    s += abs(x.a) * x.ratio;
    r = max(r, x.ratio);
  }
  return min(abs(n) * r, s);
}

/** PERP-MARGIN-002: net model: per feed, margin of netWeight at the feed's price; gross model: Σ per position. */
export function requirement(exps: readonly Exposure[], qty: Pick, ratio: Pick, model: 'net' | 'gross'): bigint {
  if (model === 'gross') return exps.reduce((t, e) => t + marginOf(qty(e) * e.ins.contractSize * ratio(e), e.price), 0n);
  const groups = new Map<bigint, { xs: Weighted[]; price: bigint }>();
  for (const e of exps) {
    const g = groups.get(e.ins.feed) ?? { xs: [], price: e.price };
    g.xs.push({ a: qty(e) * e.ins.contractSize, ratio: ratio(e) });
    groups.set(e.ins.feed, g);
  }
  let t = 0n;
  for (const g of groups.values()) t += marginOf(netWeight(g.xs), g.price);
  return t;
}

/** PERP-MARGIN-003/004: the portfolio of `user` at `now` (ORACLE_STALE when a needed feed is stale). */
export function portfolio(st: PerpState, user: bigint, now: bigint): Portfolio {
  const exps = exposuresOf(st, user, now);
  const cash = st.router.cash.get(user) ?? 0n;
  const model = st.router.params.marginModel;
  const imr: Pick = (e) => e.imrBps;
  const im = requirement(exps, (e) => e.qty, imr, model);
  // PERP-MARGIN-002: the open routes filled as reserved (all legs: a hedge route offsets itself) or not at
  // all (a route may be cancelled or expire unchecked); resting orders at either side.
  const side = (routes: boolean): bigint => {
    const base = (e: Exposure): bigint => e.qty + (routes ? e.legs : 0n);
    return max(requirement(exps, (e) => base(e) + e.buys, imr, model), requirement(exps, (e) => base(e) - e.sells, imr, model));
  };
  const imWorst = max(side(false), side(true));
  return {
    equity: exps.reduce((t, e) => t + e.value, cash),
    imEquity: exps.reduce((t, e) => t + e.valueForIm, cash),
    im,
    imWorst,
    mm: requirement(exps, (e) => e.qty, (e) => e.mmrBps, model),
    exposures: exps,
  };
}
