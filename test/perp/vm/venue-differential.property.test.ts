/**
 * The full-venue differential (spec/perp.md §14; PERP-OBS-001, E2E1–E2E4): random command sequences run
 * on the golden model and on the compiled venue on CurveVM — the Router template calling two slab
 * modules — through venue-harness.ts. Commands: deposits (incl. beyond the wallet), withdrawals (incl.
 * beyond free collateral), maker orders of DLP and REG accounts and their cancels, one- and two-slab
 * routes (reserve; commit with the right reveal, a wrong salt, a subset, an unknown hold, the wrong user,
 * after expiry, after a maker cancel vanished a slice; cancels, repeated and by the wrong user), expiry
 * sweeps, batch opens, oracle moves, spikes and silences (failover), funding ticks, settlements,
 * liquidations and deficit cover. After every step: the same outcome (ok or §12 code), equal observe()
 * snapshots, and the model's invariant checker (P/S/M/RM/VAL ids) clean on both sides. Failures shrink
 * and print their seed (fast-check).
 */
import test from 'ava';
import fc from 'fast-check';
import { commitment } from '../../../reference/script/ids.ts';
import * as M from '../../../reference/perp/model/index.ts';
import { BACKUP, FEED, GOV, MAKERS, Pair, PX, TAKERS, TICK, USDC, USERS } from './venue-harness.ts';

type Cmd = fc.Command<object, Pair>;

/** Runs per CI invocation (~10 s); `npm run venue-diff` runs a long campaign (VENUE_DIFF_RUNS). */
const RUNS = Number(process.env.VENUE_DIFF_RUNS ?? 25);

const cmd = (name: string, run: (p: Pair) => void): Cmd => ({ check: () => true, run: (_m, p) => run(p), toString: () => name });

const user = fc.constantFrom(...USERS);
const taker = fc.constantFrom(...TAKERS, MAKERS[0]);
const slabIx = fc.constantFrom(0, 1);
const dt = fc.oneof({ weight: 12, arbitrary: fc.bigInt(1n, 60n) }, { weight: 4, arbitrary: fc.bigInt(50n, 400n) }, { weight: 1, arbitrary: fc.bigInt(1_000n, 2_600n) });

const slab = (p: Pair, i: number): bigint => p.slabIds[i] as bigint;
const saltOf = (n: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7 + 1) & 0xff);
const pick = <T>(xs: readonly T[], k: number): T | undefined => (xs.length ? xs[k % xs.length] : undefined);

const deposit = fc.record({ u: user, amt: fc.oneof(fc.constant(0n), fc.bigInt(1n, 100_000_000n), fc.constant(10n ** 12n)), dt }).map((c) =>
  cmd(`deposit(${c.u},${c.amt})`, (p) => {
    p.now += c.dt;
    p.both('deposit', () => p.vm.deposit(c.u, USDC, c.amt, p.now), (s) => M.deposit(s, c.u, USDC, c.amt));
  }),
);

/** Withdrawals of a share of cash, all of it, or more than cash (PERP-RTR-002; P9, RM2). */
const withdraw = fc.record({ u: user, share: fc.constantFrom(0n, 1n, 2n, 4n, 5n), dt }).map((c) =>
  cmd(`withdraw(${c.u},${c.share}/4)`, (p) => {
    p.now += c.dt;
    const cash = M.cashOf(p.st, c.u);
    const amt = cash <= 0n ? c.share : (cash * c.share) / 4n + (c.share === 5n ? 1n : 0n);
    p.both('withdraw', () => p.vm.withdraw(c.u, USDC, amt, p.now), (s) => M.withdraw(s, c.u, USDC, amt, p.now));
  }),
);

const place = fc.record({ u: user, i: slabIx, side: fc.constantFrom(0, 1), off: fc.integer({ min: -4, max: 4 }), qty: fc.bigInt(1n, 5n), offTick: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), dt }).map((c) =>
  cmd(`place(${c.u},${c.i},${c.side},${c.off},${c.qty}${c.offTick ? ',off-tick' : ''})`, (p) => {
    p.now += c.dt;
    const px = p.base + BigInt(c.off) * TICK + (c.offTick ? 1n : 0n);
    const id = slab(p, c.i);
    let placed: M.Placed | undefined;
    p.both('place', () => p.vm.placeOrder(c.u, id, 0n, c.side, px, c.qty, p.now), (s) => (placed = M.placeOrder(s, c.u, id, 0n, c.side, px, c.qty, p.now)));
    if (placed) p.orders.push({ user: c.u, slab: id, id: placed.orderId });
  }),
);

const cancelOrder = fc.record({ k: fc.nat(), other: fc.boolean(), dt }).map((c) =>
  cmd(`cancelOrder(${c.k}${c.other ? ',other' : ''})`, (p) => {
    p.now += c.dt;
    const o = pick(p.orders, c.k);
    if (!o) return;
    const u = c.other ? (USERS.find((x) => x !== o.user) as bigint) : o.user;
    p.both('cancelOrder', () => p.vm.cancelOrder(u, o.slab, o.id, p.now), (s) => M.cancelOrder(s, u, o.slab, o.id));
  }),
);

interface LegArb {
  readonly i: number;
  readonly side: 0 | 1;
  readonly qty: bigint;
  readonly lim: number;
}
const leg = fc.record({ i: slabIx, side: fc.constantFrom(0 as const, 1 as const), qty: fc.bigInt(1n, 4n), lim: fc.integer({ min: -1, max: 5 }) });

/** Reserve a route of one or two legs (PERP-ROUTE-001; R1, R2, M4). */
function reserve(p: Pair, u: bigint, legs: readonly LegArb[], ttl: bigint, salt: number): void {
  const routeId = M.nextRouteId(p.st, u);
  const vmId = p.vm.nextRouteId(u, p.now);
  if (vmId !== routeId) throw new Error(`CS-ID-003 next route id: VM ${vmId}, model ${routeId}`);
  const reveals = legs.map((l, k) => ({ side: l.side, qty: l.qty, limitPx: l.side === 0 ? p.base + BigInt(l.lim) * TICK : p.base - BigInt(l.lim) * TICK, salt: saltOf(salt + k) }));
  const req: M.LegRequest[] = legs.map((l, k) => {
    const r = reveals[k] as M.Chosen['reveal'];
    return { slab: slab(p, l.i), instrument: 0n, side: l.side, qty: l.qty, limitPx: r.limitPx, commitment: commitment(routeId, 0n, BigInt(l.side), l.qty, r.limitPx, r.salt) };
  });
  let out: { legs: readonly { holdId: bigint }[] } | undefined;
  p.both('reserveRoute', () => p.vm.reserveRoute(u, req, ttl, p.now), (s) => (out = M.reserveRoute(s, u, req, ttl, p.now)));
  out?.legs.forEach((l, k) => p.reveals.set(l.holdId, reveals[k] as M.Chosen['reveal']));
}

const reserveCmd = fc.record({ u: taker, legs: fc.array(leg, { minLength: 1, maxLength: 2 }), ttl: fc.oneof({ weight: 6, arbitrary: fc.bigInt(200n, 3_000n) }, { weight: 1, arbitrary: fc.constantFrom(0n, 5_001n) }), salt: fc.nat(1_000), dt }).map((c) =>
  cmd(`reserve(${c.u},[${c.legs.map((l) => `${l.i}:${l.side}:${l.qty}@${l.lim}`).join(' ')}],ttl=${c.ttl})`, (p) => {
    p.now += c.dt;
    reserve(p, c.u, c.legs, c.ttl, c.salt);
  }),
);

type Variant = 'last' | 'all' | 'first' | 'wrongSalt' | 'unknownHold' | 'dupHold' | 'otherUser' | 'none';
const variant = fc.constantFrom<Variant>('all', 'all', 'all', 'first', 'wrongSalt', 'unknownHold', 'dupHold', 'otherUser', 'none');

/** Commit a known route (PERP-ROUTE-004/005; E2E1, M6, R4, R5, P7, S9). */
function commit(p: Pair, k: number, v: Variant): void {
  const routes = [...p.st.router.routes.values()];
  const open = routes.filter((r) => r.status === 'open');
  const r = v === 'last' ? routes[routes.length - 1] : pick(open.length && k % 4 !== 3 ? open : routes, k);
  if (!r) return;
  const u = v === 'otherUser' ? (USERS.find((x) => x !== r.user) as bigint) : r.user;
  let chosen: M.Chosen[] = r.legs.map((l) => ({ holdId: l.holdId, reveal: p.reveals.get(l.holdId) as M.Chosen['reveal'] }));
  if (v === 'first') chosen = chosen.slice(0, 1);
  if (v === 'wrongSalt') chosen = chosen.map((c, j) => (j === chosen.length - 1 ? { ...c, reveal: { ...c.reveal, salt: saltOf(999_999) } } : c));
  if (v === 'unknownHold') chosen = [...chosen.slice(0, 1), { holdId: 0x1234n, reveal: (chosen[0] as M.Chosen).reveal }];
  if (v === 'dupHold') chosen = [chosen[0] as M.Chosen, chosen[0] as M.Chosen];
  if (v === 'none') chosen = [];
  p.bothResult(`commitRoute(${v})`, () => p.vm.commitRoute(u, r.routeId, chosen, p.now), (st) => M.commitRoute(st, u, r.routeId, chosen, p.now));
}

const commitCmd = fc.record({ k: fc.nat(), v: variant, dt }).map((c) =>
  cmd(`commit(${c.k},${c.v})`, (p) => {
    p.now += c.dt;
    commit(p, c.k, c.v);
  }),
);

const cancelRoute = fc.record({ k: fc.nat(), other: fc.boolean(), times: fc.constantFrom(1, 2), dt }).map((c) =>
  cmd(`cancelRoute(${c.k}${c.other ? ',other' : ''},x${c.times})`, (p) => {
    p.now += c.dt;
    const r = pick([...p.st.router.routes.values()], c.k);
    const u = r ? (c.other ? (USERS.find((x) => x !== r.user) as bigint) : r.user) : GOV;
    const id = r?.routeId ?? 0x77n;
    for (let i = 0; i < c.times; i++) p.both('cancelRoute', () => p.vm.cancelRoute(u, id, p.now), (s) => M.cancelRoute(s, u, id).cancelled);
  }),
);

const expire = fc.record({ dt }).map((c) =>
  cmd(`expire(+${c.dt})`, (p) => {
    p.now += c.dt;
    p.both('expireRoutes', () => p.vm.expireRoutes(GOV, p.now), (s) => M.expireRoutes(s, p.now));
  }),
);

const batch = fc.record({ i: slabIx, dt }).map((c) =>
  cmd(`batch(${c.i})`, (p) => {
    p.now += c.dt;
    p.both('openBatch', () => p.vm.openBatch(slab(p, c.i), 0n, p.now), (s) => M.openBatch(s, slab(p, c.i), 0n, p.now));
  }),
);

/** Oracle moves (a few ticks), spikes (±15 %, a thin-feed pump), silences of the main feed (the backup serves, PERP-ORC-002). */
const oracle = fc.record({ kind: fc.constantFrom('move', 'move', 'spike', 'backupOnly', 'zero'), d: fc.integer({ min: -6, max: 6 }), up: fc.boolean(), dt }).map((c) =>
  cmd(`oracle(${c.kind},${c.d},${c.up})`, (p) => {
    p.now += c.dt;
    const cur = p.st.oracles.get(FEED)?.price ?? PX;
    const price = c.kind === 'zero' ? 0n : c.kind === 'spike' ? (cur * (c.up ? 115n : 85n)) / 100n : cur + BigInt(c.d) * 500n;
    if (c.kind !== 'backupOnly') p.publish(FEED, price);
    p.publish(BACKUP, price === 0n ? PX : price);
  }),
);

const funding = fc.record({ i: slabIx, dt }).map((c) =>
  cmd(`funding(${c.i})`, (p) => {
    p.now += c.dt;
    p.both('tickFunding', () => p.vm.tickFunding(slab(p, c.i), 0n, p.now), (s) => M.tickFunding(s, slab(p, c.i), 0n, p.now));
  }),
);

const settle = fc.record({ u: user, dt }).map((c) =>
  cmd(`settle(${c.u})`, (p) => {
    p.now += c.dt;
    p.both('settle', () => p.vm.settle(c.u, p.now), (s) => M.settle(s, c.u));
  }),
);

/** The coordinator (PERP-LIQ-002; RM3, L1–L3, E2E3) and the insurance payout (PERP-LIQ-003, E2E4). */
function liquidateRun(p: Pair, u: bigint, follow: boolean, cover: boolean): void {
  const once = (): string => {
    let action = '';
    const v = p.both('liquidate', () => p.vm.liquidate(GOV, u, p.now), (s) => (action = M.liquidate(s, u, p.now).action));
    if (v.ok && action === '') throw new Error('liquidate: no model action');
    return action;
  };
  if (once() === 'margin_call' && follow) {
    // past the grace window (L1), with fresh prices and maker depth at the index on both sides of both slabs (L3)
    p.now += 600n;
    const px = p.st.oracles.get(FEED)?.price ?? PX;
    p.publish(FEED, px);
    p.publish(BACKUP, px);
    for (const id of p.slabIds)
      for (const side of [0, 1]) {
        let placed: M.Placed | undefined;
        p.both('liquidity', () => p.vm.placeOrder(MAKERS[0], id, 0n, side, p.base, 6n, p.now), (s) => (placed = M.placeOrder(s, MAKERS[0], id, 0n, side, p.base, 6n, p.now)));
        if (placed) p.orders.push({ user: MAKERS[0], slab: id, id: placed.orderId });
      }
    p.now += 60n;
    for (const id of p.slabIds) p.both('openBatch', () => p.vm.openBatch(id, 0n, p.now), (s) => M.openBatch(s, id, 0n, p.now));
    once();
  }
  if (cover) p.both('coverDeficit', () => p.vm.coverDeficit(u, p.now), (s) => M.coverDeficit(s, u));
}

const liquidate = fc.record({ u: taker, cover: fc.boolean(), follow: fc.boolean(), dt }).map((c) =>
  cmd(`liquidate(${c.u}${c.cover ? ',cover' : ''}${c.follow ? ',after-grace' : ''})`, (p) => {
    p.now += c.dt;
    liquidateRun(p, c.u, c.follow, c.cover);
  }),
);

/** A crash against the largest taker position (±15 % on both feeds, a thin-feed move), then the coordinator through the grace window (RM3, L1–L3, E2E3, E2E4). */
const crash = fc.record({ cover: fc.boolean() }).map((c) =>
  cmd(`crash(${c.cover ? 'cover' : ''})`, (p) => {
    let worst: { u: bigint; q: bigint } | undefined;
    for (const s of p.st.slabs.values())
      for (const pos of s.positions.slots) if (pos && (TAKERS as readonly bigint[]).includes(pos.owner) && (!worst || (pos.qty < 0n ? -pos.qty : pos.qty) > (worst.q < 0n ? -worst.q : worst.q))) worst = { u: pos.owner, q: pos.qty };
    if (!worst || worst.q === 0n) return;
    p.now += 10n;
    const cur = p.st.oracles.get(FEED)?.price ?? PX;
    const px = (cur * (worst.q > 0n ? 85n : 115n)) / 100n;
    p.publish(FEED, px);
    p.publish(BACKUP, px);
    liquidateRun(p, worst.u, true, c.cover);
  }),
);

/** Governance (PERP-REG-004..006; P10, P11, S2, ADV3): fees within or above the caps, DLP edits, a slab's registry version set to another approved version (the slab goes stale, STALE_VERSION) and back. */
const governance = fc.record({ kind: fc.constantFrom('fees', 'dlp', 'stale', 'restore', 'notGov'), i: slabIx, maker: fc.bigInt(0n, 12n), taker: fc.bigInt(0n, 27n), u: user, on: fc.boolean() }).map((c) =>
  cmd(`governance(${c.kind},${c.i})`, (p) => {
    const id = slab(p, c.i);
    const other = p.vm.slabs[1 - c.i]?.module.hash as string;
    const own = p.vm.slabs[c.i]?.module.hash as string;
    if (c.kind === 'fees') p.both('setSlabFees', () => p.vm.setSlabFees(GOV, id, c.maker, c.taker, p.now), (s) => M.setSlabFees(s, GOV, id, c.maker, c.taker));
    if (c.kind === 'dlp') p.both('setDlp', () => p.vm.setDlp(GOV, id, c.u, c.on, p.now), (s) => M.setDlp(s, GOV, id, c.u, c.on));
    if (c.kind === 'stale' || c.kind === 'restore') {
      const h = c.kind === 'stale' ? other : own;
      p.both('setSlabVersion', () => p.vm.setSlabVersion(GOV, id, h, p.now), (s) => M.setSlabVersion(s, GOV, id, h));
    }
    if (c.kind === 'notGov') p.both('approveVersion', () => p.vm.approveVersion(c.u, own, p.now), (s) => M.approveVersion(s, c.u, own));
  }),
);

/** Many one-lot routes of one user across both slabs: the open-route bound (PERP-ROUTE-008, OPEN_ROUTES_LIMIT), then expiry sweeps of at most EXPIRE_MAX. */
const flood = fc.record({ u: fc.constantFrom(MAKERS[1], TAKERS[0]), n: fc.integer({ min: 3, max: 10 }), salt: fc.nat(1_000) }).map((c) =>
  cmd(`flood(${c.u},${c.n})`, (p) => {
    const f = p.st.oracles.get(FEED);
    if (f && f.publishTime + 1_500n < p.now) {
      p.publish(FEED, f.price);
      p.publish(BACKUP, f.price);
    }
    for (const id of p.slabIds) {
      let placed: M.Placed | undefined;
      p.both('flood.place', () => p.vm.placeOrder(MAKERS[0], id, 0n, 1, p.base, 5n, p.now), (s) => (placed = M.placeOrder(s, MAKERS[0], id, 0n, 1, p.base, 5n, p.now)));
      if (placed) p.orders.push({ user: MAKERS[0], slab: id, id: placed.orderId });
    }
    for (let k = 0; k < c.n; k++) reserve(p, c.u, [{ i: k % 2, side: 0, qty: 1n, lim: 1 }], 1_000n + BigInt(k), c.salt + k);
  }),
);

/** A maker cancels an order a reservation holds slices of; the route's commit then meets a vanished slice (R5, ADV2). */
const vanish = fc.record({ k: fc.nat(), dt }).map((c) =>
  cmd(`vanish(${c.k})`, (p) => {
    p.now += c.dt;
    const open = [...p.st.router.routes.values()].filter((r) => r.status === 'open');
    const r = pick(open, c.k);
    const l = r?.legs.find((x) => x.status === 'open');
    const s = l && p.st.slabs.get(l.slab);
    const slot = l && s?.holdSlot.get(l.holdId);
    const res = s && slot !== undefined ? s.reservations.slots[slot] : undefined;
    const slice = s && res && res.sliceHead >= 0 ? s.slices.slots[res.sliceHead] : undefined;
    const order = s && slice ? s.orders.slots[slice.orderSlot] : undefined;
    if (!r || !l || !order) return;
    p.both('vanish.cancelOrder', () => p.vm.cancelOrder(order.owner, l.slab, order.id, p.now), (x) => M.cancelOrder(x, order.owner, l.slab, order.id));
    commit(p, open.indexOf(r), 'all');
  }),
);

/** A whole honest round: a maker posts on one slab, a taker reserves against it and commits at once (fills, fees, taxes, trades). */
const round = fc.record({ m: fc.constantFrom(...MAKERS), u: fc.constantFrom(...TAKERS), i: slabIx, side: fc.constantFrom(0 as const, 1 as const), qty: fc.bigInt(1n, 4n), off: fc.integer({ min: -2, max: 2 }), salt: fc.nat(1_000), two: fc.boolean() }).map((c) =>
  cmd(`round(${c.m},${c.u},${c.i},${c.side},${c.qty},${c.off}${c.two ? ',two-slab' : ''})`, (p) => {
    const f = p.st.oracles.get(FEED);
    if (f && f.publishTime + 1_500n < p.now) {
      p.publish(FEED, f.price);
      p.publish(BACKUP, f.price);
    }
    const px = p.base + BigInt(c.off) * TICK;
    const slabs = c.two ? [0, 1] : [c.i];
    for (const i of slabs) {
      let placed: M.Placed | undefined;
      p.both('round.place', () => p.vm.placeOrder(c.m, slab(p, i), 0n, 1 - c.side, px, c.qty, p.now), (s) => (placed = M.placeOrder(s, c.m, slab(p, i), 0n, 1 - c.side, px, c.qty, p.now)));
      if (placed) p.orders.push({ user: c.m, slab: slab(p, i), id: placed.orderId });
    }
    const before = p.st.router.routes.size;
    reserve(p, c.u, slabs.map((i) => ({ i, side: c.side, qty: c.qty, lim: 3 })), 2_000n, c.salt);
    if (p.st.router.routes.size > before) commit(p, p.st.router.routes.size - 1, 'last');
  }),
);

const commands = [deposit, withdraw, place, place, place, cancelOrder, reserveCmd, reserveCmd, reserveCmd, commitCmd, commitCmd, commitCmd, vanish, cancelRoute, expire, batch, batch, oracle, oracle, oracle, funding, settle, liquidate, crash, governance, flood, round, round, round, round];

test('OBS1 E2E1 E2E2 E2E3 E2E4 P1–P11 RM1–RM7 the venue on CurveVM (router + 2 slabs + feeds) equals the golden model after every step of random command sequences', (t) => {
  let steps = 0;
  let lastError = '';
  const outcomes = new Map<string, number>();
  const genesis = new Pair();
  try {
    fc.assert(
      fc.property(fc.array(fc.oneof(...commands), { minLength: 1, maxLength: 45, size: 'max' }), (cmds) => {
        const p = genesis.fork();
        try {
          fc.modelRun(() => ({ model: {}, real: p }), cmds);
        } catch (e) {
          lastError = e instanceof Error ? e.message : String(e);
          throw e;
        }
        steps += p.steps;
        for (const [k, n] of p.outcomes) outcomes.set(k, (outcomes.get(k) ?? 0) + n);
      }),
      { numRuns: RUNS },
    );
  } catch (e) {
    t.fail(`${e instanceof Error ? e.message : String(e)}\nlast failure of the shrunk sequence: ${lastError}`);
    return;
  }
  t.log(`${steps} compared steps; outcomes: ${[...outcomes].sort().map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  t.pass();
});
