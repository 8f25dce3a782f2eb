/**
 * The operations of the full-venue differential (spec/perp.md §14), as data: an `Op` names one user
 * action or host event with small integer parameters (user, slab and route picks are indices taken
 * modulo what exists, so any venue and any state accept any op). `applyOp` runs it on both sides of a
 * `VenuePair`; `describeOp` names it for failure reports; `randomOp` draws one from a seeded PRNG (the
 * gate's and soak's drivers), while the property test draws the same records with fast-check.
 * Covered: deposits (incl. beyond the wallet), withdrawals (incl. beyond cash and free collateral), DLP/REG
 * maker orders and cancels, one- and two-slab routes with commit variants (PERP-ROUTE-004/005: right
 * reveal, wrong salt, subset, unknown and duplicate holds, wrong user, empty), vanished slices, route
 * cancels (repeated, wrong user), route floods (PERP-ROUTE-008), expiry sweeps, batch opens, oracle moves,
 * spikes, zero prices and silences (failover), funding ticks, settlements, liquidations through the
 * grace window with deficit cover, crashes against the largest position, and governance.
 */
import { commitment } from '../../script/ids.ts';
import type { Prng } from '../../lib/prng.ts';
import * as M from '../model/index.ts';
import type { VenuePair } from './venue-pair.ts';

export type Variant = 'last' | 'all' | 'first' | 'wrongSalt' | 'unknownHold' | 'dupHold' | 'otherUser' | 'none';
export const VARIANTS: readonly Variant[] = ['all', 'all', 'all', 'first', 'wrongSalt', 'unknownHold', 'dupHold', 'otherUser', 'none'];
export type OracleKind = 'move' | 'spike' | 'backupOnly' | 'zero';
export type GovKind = 'fees' | 'dlp' | 'stale' | 'restore' | 'notGov';

export interface LegPick {
  readonly i: number;
  readonly side: 0 | 1;
  readonly qty: bigint;
  /** Limit offset in ticks beyond the slab's index price (negative: inside it). */
  readonly lim: number;
}

export type Op =
  | { readonly k: 'deposit'; readonly u: number; readonly amt: bigint; readonly dt: bigint }
  | { readonly k: 'withdraw'; readonly u: number; readonly share: bigint; readonly dt: bigint }
  | { readonly k: 'place'; readonly u: number; readonly i: number; readonly side: 0 | 1; readonly off: number; readonly qty: bigint; readonly offTick: boolean; readonly dt: bigint }
  | { readonly k: 'cancelOrder'; readonly n: number; readonly other: boolean; readonly dt: bigint }
  | { readonly k: 'reserve'; readonly u: number; readonly legs: readonly LegPick[]; readonly ttl: bigint; readonly salt: number; readonly dt: bigint }
  | { readonly k: 'commit'; readonly n: number; readonly v: Variant; readonly dt: bigint }
  | { readonly k: 'cancelRoute'; readonly n: number; readonly other: boolean; readonly times: number; readonly dt: bigint }
  | { readonly k: 'expire'; readonly dt: bigint }
  | { readonly k: 'batch'; readonly i: number; readonly dt: bigint }
  | { readonly k: 'oracle'; readonly kind: OracleKind; readonly f: number; readonly d: number; readonly up: boolean; readonly dt: bigint }
  | { readonly k: 'funding'; readonly i: number; readonly dt: bigint }
  | { readonly k: 'settle'; readonly u: number; readonly dt: bigint }
  | { readonly k: 'liquidate'; readonly u: number; readonly follow: boolean; readonly cover: boolean; readonly dt: bigint }
  | { readonly k: 'crash'; readonly cover: boolean }
  | { readonly k: 'governance'; readonly kind: GovKind; readonly i: number; readonly maker: bigint; readonly taker: bigint; readonly u: number; readonly on: boolean }
  | { readonly k: 'flood'; readonly u: number; readonly n: number; readonly salt: number }
  | { readonly k: 'vanish'; readonly n: number; readonly dt: bigint }
  | { readonly k: 'round'; readonly m: number; readonly u: number; readonly i: number; readonly side: 0 | 1; readonly qty: bigint; readonly off: number; readonly salt: number; readonly two: boolean };

export const saltOf = (n: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7 + 1) & 0xff);
/** Finished routes kept for stale-id commits and cancels (PERP-ROUTE-009). */
const KNOWN_ROUTES = 64;
const pick = <T>(xs: readonly T[], k: number): T | undefined => (xs.length ? xs[k % xs.length] : undefined);
const userAt = (p: VenuePair, u: number): bigint => p.users[u % p.users.length] as bigint;
/** Takers and the first maker (a DLP account trading as a taker). */
const takerAt = (p: VenuePair, u: number): bigint => {
  const t = [...p.setup.takers, ...p.setup.makers.slice(0, 1)];
  return t[u % t.length] as bigint;
};
const makerAt = (p: VenuePair, m: number): bigint => p.setup.makers[m % p.setup.makers.length] as bigint;
const otherThan = (p: VenuePair, u: bigint): bigint => p.users.find((x) => x !== u) as bigint;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
/** Prices are words: an offset below zero becomes 0 (ZERO_PX on both sides). */
const nonNeg = (x: bigint): bigint => (x < 0n ? 0n : x);
/** The failover feeds of `feed` that no slab reads directly: they mirror its moves (a slab's own feed keeps its own price). */
function mirrors(p: VenuePair, feed: bigint): bigint[] {
  const own = new Set(p.vm.slabs.map((s) => s.params.instruments[0]?.feed));
  return (p.vm.setup.feeds.find((f) => f.feed === feed)?.failover ?? []).filter((b) => !own.has(b));
}

export function describeOp(op: Op): string {
  const { k, ...rest } = op;
  return `${k}(${Object.entries(rest)
    .map(([n, v]) => `${n}=${Array.isArray(v) ? `[${(v as LegPick[]).map((l) => `${l.i}:${l.side}:${l.qty}@${l.lim}`).join(' ')}]` : String(v)}`)
    .join(',')})`;
}

/** Fresh prices on every feed when the slab feeds are older than 1.5 s (rounds and floods want a live book). */
function refresh(p: VenuePair): void {
  for (const f of p.vm.setup.feeds) {
    const q = p.st.oracles.get(f.feed);
    if (q && q.price > 0n && q.publishTime + 1_500n < p.now) p.publish(f.feed, q.price);
  }
}

function place(p: VenuePair, u: bigint, i: number, side: 0 | 1, px: bigint, qty: bigint, what = 'place'): void {
  const id = p.slab(i).id;
  const at = nonNeg(px);
  let placed: M.Placed | undefined;
  p.both(what, () => p.vm.placeOrder(u, id, 0n, side, at, qty, p.now), (s) => (placed = M.placeOrder(s, u, id, 0n, side, at, qty, p.now)), (o) => ({ orderId: o.orderId, state: o.state }));
  if (placed) p.orders.push({ user: u, slab: id, id: placed.orderId });
}

/** PERP-ROUTE-001: reserve a route of the given legs; the VM's next route id must equal the model's (CS-ID-003). */
function reserve(p: VenuePair, u: bigint, legs: readonly LegPick[], ttl: bigint, salt: number): void {
  const routeId = M.nextRouteId(p.st, u);
  const vmId = p.vm.nextRouteId(u, p.now);
  if (vmId !== routeId) throw new Error(`CS-ID-003 next route id: VM ${vmId}, model ${routeId}`);
  const reveals = legs.map((l, n) => {
    const t = p.slab(l.i).ins.tick;
    return { side: l.side, qty: l.qty, limitPx: nonNeg(l.side === 0 ? p.base(l.i) + BigInt(l.lim) * t : p.base(l.i) - BigInt(l.lim) * t), salt: saltOf(salt + n) };
  });
  const req: M.LegRequest[] = legs.map((l, n) => {
    const r = reveals[n] as M.Chosen['reveal'];
    return { slab: p.slab(l.i).id, instrument: 0n, side: l.side, qty: l.qty, limitPx: r.limitPx, commitment: commitment(routeId, 0n, BigInt(l.side), l.qty, r.limitPx, r.salt) };
  });
  let out: { legs: readonly { holdId: bigint }[] } | undefined;
  p.both('reserveRoute', () => p.vm.reserveRoute(u, req, ttl, p.now), (s) => (out = M.reserveRoute(s, u, req, ttl, p.now)), (o) => o.routeId);
  out?.legs.forEach((l, n) => p.reveals.set(l.holdId, reveals[n] as M.Chosen['reveal']));
  const made = p.st.router.routes.get(routeId);
  if (out && made) p.known.push(made);
  if (p.known.length > KNOWN_ROUTES) p.known.shift();
}

/** PERP-ROUTE-004/005 (E2E1, M6, R4, R5, P7, S9): commit a known route, honestly or with a fault. */
function commit(p: VenuePair, n: number, v: Variant): void {
  // every recorded route is open (PERP-ROUTE-007); one pick in four may name a finished, freed route (PERP-ROUTE-009)
  const open = [...p.st.router.routes.values()];
  const r = v === 'last' ? open[open.length - 1] : pick(open.length && n % 4 !== 3 ? open : p.known, n);
  if (!r) return;
  const u = v === 'otherUser' ? otherThan(p, r.user) : r.user;
  let chosen: M.Chosen[] = r.legs.map((l) => ({ holdId: l.holdId, reveal: p.reveals.get(l.holdId) as M.Chosen['reveal'] }));
  if (v === 'first') chosen = chosen.slice(0, 1);
  if (v === 'wrongSalt') chosen = chosen.map((c, j) => (j === chosen.length - 1 ? { ...c, reveal: { ...c.reveal, salt: saltOf(999_999) } } : c));
  if (v === 'unknownHold') chosen = [...chosen.slice(0, 1), { holdId: 0x1234n, reveal: (chosen[0] as M.Chosen).reveal }];
  if (v === 'dupHold') chosen = [chosen[0] as M.Chosen, chosen[0] as M.Chosen];
  if (v === 'none') chosen = [];
  p.bothResult(`commitRoute(${v})`, () => p.vm.commitRoute(u, r.routeId, chosen, p.now), (st) => M.commitRoute(st, u, r.routeId, chosen, p.now), (o) => o.reduce((n, c) => n + c.filled, 0n));
}

/** PERP-LIQ-002/003 (RM3, L1–L3, E2E3, E2E4): the coordinator, optionally through the grace window with depth at the index, then the deficit cover. */
function liquidate(p: VenuePair, u: bigint, follow: boolean, cover: boolean): void {
  const gov = p.setup.governance;
  const once = (): string => {
    let action = '';
    const v = p.both('liquidate', () => p.vm.liquidate(gov, u, p.now), (s) => (action = M.liquidate(s, u, p.now).action), (a) => a);
    if (v.ok && action === '') throw new Error('internal assertion failed: liquidate without a model action');
    return action;
  };
  if (once() === 'margin_call' && follow) {
    p.now += p.vm.routerParams.graceMs + 100n;
    for (const f of p.vm.setup.feeds) p.publish(f.feed, p.st.oracles.get(f.feed)?.price || (p.start.get(f.feed) ?? 1n));
    for (let i = 0; i < p.slabIds.length; i++) for (const side of [0, 1] as const) place(p, makerAt(p, 0), i, side, p.base(i), 6n, 'liquidity');
    p.now += 60n;
    for (const id of p.slabIds) p.both('openBatch', () => p.vm.openBatch(id, 0n, p.now), (s) => M.openBatch(s, id, 0n, p.now), (o) => o);
    once();
  }
  if (cover) p.both('coverDeficit', () => p.vm.coverDeficit(u, p.now), (s) => M.coverDeficit(s, u), (o) => o);
}


export function applyOp(p: VenuePair, op: Op): void {
  const asset = p.asset;
  const gov = p.setup.governance;
  if ('dt' in op) p.now += op.dt;
  switch (op.k) {
    case 'deposit': {
      const u = userAt(p, op.u);
      p.both('deposit', () => p.vm.deposit(u, asset, op.amt, p.now), (s) => M.deposit(s, u, asset, op.amt));
      return;
    }
    case 'withdraw': {
      const u = userAt(p, op.u);
      const cash = M.cashOf(p.st, u);
      const amt = cash <= 0n ? op.share : (cash * op.share) / 4n + (op.share === 5n ? 1n : 0n);
      p.both('withdraw', () => p.vm.withdraw(u, asset, amt, p.now), (s) => M.withdraw(s, u, asset, amt, p.now));
      return;
    }
    case 'place':
      place(p, userAt(p, op.u), op.i, op.side, p.base(op.i) + BigInt(op.off) * p.slab(op.i).ins.tick + (op.offTick ? 1n : 0n), op.qty);
      return;
    case 'cancelOrder': {
      const o = pick(p.orders, op.n);
      if (!o) return;
      const u = op.other ? otherThan(p, o.user) : o.user;
      p.both('cancelOrder', () => p.vm.cancelOrder(u, o.slab, o.id, p.now), (s) => M.cancelOrder(s, u, o.slab, o.id));
      return;
    }
    case 'reserve':
      reserve(p, takerAt(p, op.u), op.legs, op.ttl, op.salt);
      return;
    case 'commit':
      commit(p, op.n, op.v);
      return;
    case 'cancelRoute': {
      const open = [...p.st.router.routes.values()];
      const r = pick(open.length && op.n % 3 !== 2 ? open : p.known, op.n);
      const u = r ? (op.other ? otherThan(p, r.user) : r.user) : gov;
      const id = r?.routeId ?? 0x77n;
      for (let i = 0; i < op.times; i++) p.both('cancelRoute', () => p.vm.cancelRoute(u, id, p.now), (s) => M.cancelRoute(s, u, id).cancelled, (o) => o);
      return;
    }
    case 'expire':
      p.both('expireRoutes', () => p.vm.expireRoutes(gov, p.now), (s) => M.expireRoutes(s, p.now), (o) => o);
      return;
    case 'batch': {
      const id = p.slab(op.i).id;
      p.both('openBatch', () => p.vm.openBatch(id, 0n, p.now), (s) => M.openBatch(s, id, 0n, p.now), (o) => o);
      return;
    }
    case 'oracle': {
      // a slab feed moves a few ticks, spikes ±15 % (a thin-feed pump) or publishes zero; its failovers follow, or only they publish (silence)
      const f = pick(p.vm.setup.feeds.filter((x) => x.failover.length > 0 || p.vm.slabs.some((s) => s.params.instruments[0]?.feed === x.feed)), op.f);
      if (!f) return;
      const cur = p.st.oracles.get(f.feed)?.price || (p.start.get(f.feed) ?? 1n);
      const step = cur / 20_000n || 1n;
      const price = op.kind === 'zero' ? 0n : op.kind === 'spike' ? (cur * (op.up ? 115n : 85n)) / 100n : cur + BigInt(op.d) * step;
      if (op.kind !== 'backupOnly') p.publish(f.feed, price);
      for (const b of mirrors(p, f.feed)) p.publish(b, price === 0n ? cur : price);
      return;
    }
    case 'funding': {
      const id = p.slab(op.i).id;
      p.both('tickFunding', () => p.vm.tickFunding(id, 0n, p.now), (s) => M.tickFunding(s, id, 0n, p.now), (o) => o);
      return;
    }
    case 'settle': {
      const u = userAt(p, op.u);
      p.both('settle', () => p.vm.settle(u, p.now), (s) => M.settle(s, u), (o) => o);
      return;
    }
    case 'liquidate':
      liquidate(p, takerAt(p, op.u), op.follow, op.cover);
      return;
    case 'crash': {
      let worst: { u: bigint; q: bigint; feed: bigint } | undefined;
      for (const s of p.st.slabs.values())
        for (const pos of s.positions.slots)
          if (pos && p.setup.takers.includes(pos.owner) && (!worst || abs(pos.qty) > abs(worst.q))) worst = { u: pos.owner, q: pos.qty, feed: s.instruments[0]?.feed ?? 0n };
      if (!worst || worst.q === 0n) return;
      p.now += 10n;
      const w = worst;
      const cur = p.st.oracles.get(w.feed)?.price || (p.start.get(w.feed) ?? 1n);
      const px = (cur * (w.q > 0n ? 85n : 115n)) / 100n;
      p.publish(w.feed, px);
      for (const b of mirrors(p, w.feed)) p.publish(b, px);
      liquidate(p, w.u, true, op.cover);
      return;
    }
    case 'governance': {
      const { id } = p.slab(op.i);
      const own = p.vm.slabs[op.i % p.vm.slabs.length]?.module.hash as string;
      const other = p.vm.slabs[(op.i + 1) % p.vm.slabs.length]?.module.hash as string;
      const u = userAt(p, op.u);
      if (op.kind === 'fees') p.both('setSlabFees', () => p.vm.setSlabFees(gov, id, op.maker, op.taker, p.now), (s) => M.setSlabFees(s, gov, id, op.maker, op.taker));
      if (op.kind === 'dlp') p.both('setDlp', () => p.vm.setDlp(gov, id, u, op.on, p.now), (s) => M.setDlp(s, gov, id, u, op.on));
      if (op.kind === 'stale' || op.kind === 'restore') {
        const h = op.kind === 'stale' ? other : own;
        p.both('setSlabVersion', () => p.vm.setSlabVersion(gov, id, h, p.now), (s) => M.setSlabVersion(s, gov, id, h));
      }
      if (op.kind === 'notGov') p.both('approveVersion', () => p.vm.approveVersion(u, own, p.now), (s) => M.approveVersion(s, u, own));
      return;
    }
    case 'flood': {
      const u = op.u % 2 === 0 ? makerAt(p, 1) : takerAt(p, 0);
      refresh(p);
      for (let i = 0; i < p.slabIds.length; i++) place(p, makerAt(p, 0), i, 1, p.base(i), 5n, 'flood.place');
      for (let n = 0; n < op.n; n++) reserve(p, u, [{ i: n % p.slabIds.length, side: 0, qty: 1n, lim: 1 }], 1_000n + BigInt(n), op.salt + n);
      return;
    }
    case 'vanish': {
      // a maker cancels an order a reservation holds slices of; the route's commit meets a vanished slice (R5, ADV2)
      const open = [...p.st.router.routes.values()].filter((r) => r.status === 'open');
      const r = pick(open, op.n);
      const l = r?.legs.find((x) => x.status === 'open');
      const s = l && p.st.slabs.get(l.slab);
      const slot = l && s?.holdSlot.get(l.holdId);
      const res = s && slot !== undefined ? s.reservations.slots[slot] : undefined;
      const slice = s && res && res.sliceHead >= 0 ? s.slices.slots[res.sliceHead] : undefined;
      const order = s && slice ? s.orders.slots[slice.orderSlot] : undefined;
      if (!r || !l || !order) return;
      p.both('vanish.cancelOrder', () => p.vm.cancelOrder(order.owner, l.slab, order.id, p.now), (x) => M.cancelOrder(x, order.owner, l.slab, order.id));
      commit(p, open.indexOf(r), 'all');
      return;
    }
    case 'round': {
      // an honest round: a maker posts, a taker reserves against it (one slab or two) and commits at once
      refresh(p);
      const slabs = op.two ? [0, 1] : [op.i];
      for (const i of slabs) place(p, makerAt(p, op.m), i, op.side === 0 ? 1 : 0, p.base(i) + BigInt(op.off) * p.slab(i).ins.tick, op.qty, 'round.place');
      const before = p.st.router.routes.size;
      reserve(p, takerAt(p, op.u), slabs.map((i) => ({ i, side: op.side, qty: op.qty, lim: 3 })), 2_000n, op.salt);
      if (p.st.router.routes.size > before) commit(p, p.st.router.routes.size - 1, 'last');
      return;
    }
  }
}

/** Weighted op kinds for seeded drivers (the property test uses the same mix). */
export const OP_WEIGHTS: readonly (readonly [Op['k'], number])[] = [
  ['deposit', 1], ['withdraw', 1], ['place', 3], ['cancelOrder', 1], ['reserve', 3], ['commit', 3], ['vanish', 1], ['cancelRoute', 1], ['expire', 1],
  ['batch', 2], ['oracle', 3], ['funding', 1], ['settle', 1], ['liquidate', 1], ['crash', 1], ['governance', 1], ['flood', 1], ['round', 4],
];

function dtOf(g: Prng): bigint {
  const w = g.below(17);
  return w < 12 ? BigInt(g.range(1, 60)) : w < 16 ? BigInt(g.range(50, 400)) : BigInt(g.range(1_000, 2_600));
}

const side = (g: Prng): 0 | 1 => (g.below(2) === 0 ? 0 : 1);

/** One op drawn from a seeded PRNG, with the property test's parameter ranges. */
export function randomOp(g: Prng): Op {
  const total = OP_WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let x = g.below(total);
  const kind = (OP_WEIGHTS.find(([, w]) => (x -= w) < 0) ?? OP_WEIGHTS[0])?.[0] as Op['k'];
  const u = g.below(8);
  const i = g.below(2);
  switch (kind) {
    case 'deposit':
      return { k: kind, u, amt: g.pick([0n, BigInt(g.range(1, 100_000_000)), 10n ** 12n]), dt: dtOf(g) };
    case 'withdraw':
      return { k: kind, u, share: g.pick([0n, 1n, 2n, 4n, 5n]), dt: dtOf(g) };
    case 'place':
      return { k: kind, u, i, side: side(g), off: g.range(-4, 4), qty: BigInt(g.range(1, 5)), offTick: g.chance(1, 11), dt: dtOf(g) };
    case 'cancelOrder':
      return { k: kind, n: g.below(64), other: g.chance(1, 2), dt: dtOf(g) };
    case 'reserve':
      return { k: kind, u, legs: Array.from({ length: g.range(1, 2) }, () => ({ i: g.below(2), side: side(g), qty: BigInt(g.range(1, 4)), lim: g.range(-1, 5) })), ttl: g.chance(1, 7) ? g.pick([0n, 10n ** 9n]) : BigInt(g.range(200, 3_000)), salt: g.below(1_000), dt: dtOf(g) };
    case 'commit':
      return { k: kind, n: g.below(64), v: g.pick(VARIANTS), dt: dtOf(g) };
    case 'cancelRoute':
      return { k: kind, n: g.below(64), other: g.chance(1, 2), times: g.range(1, 2), dt: dtOf(g) };
    case 'expire':
      return { k: kind, dt: dtOf(g) };
    case 'batch':
    case 'funding':
      return { k: kind, i, dt: dtOf(g) };
    case 'oracle':
      return { k: kind, kind: g.pick<OracleKind>(['move', 'move', 'spike', 'backupOnly', 'zero']), f: g.below(4), d: g.range(-6, 6), up: g.chance(1, 2), dt: dtOf(g) };
    case 'settle':
      return { k: kind, u, dt: dtOf(g) };
    case 'liquidate':
      return { k: kind, u, follow: g.chance(1, 2), cover: g.chance(1, 2), dt: dtOf(g) };
    case 'crash':
      return { k: kind, cover: g.chance(1, 2) };
    case 'governance':
      return { k: kind, kind: g.pick<GovKind>(['fees', 'dlp', 'stale', 'restore', 'notGov']), i, maker: BigInt(g.range(0, 12)), taker: BigInt(g.range(0, 27)), u, on: g.chance(1, 2) };
    case 'flood':
      return { k: kind, u, n: g.range(3, 10), salt: g.below(1_000) };
    case 'vanish':
      return { k: kind, n: g.below(64), dt: dtOf(g) };
    case 'round':
      return { k: kind, m: g.below(2), u, i, side: side(g), qty: BigInt(g.range(1, 4)), off: g.range(-2, 2), salt: g.below(1_000), two: g.chance(1, 2) };
  }
}
