/** RM1–RM7, L1–L3, F1–F3, ADV1–ADV3, E2E1–E2E4, GOV1, OBS1, PFM2 (spec/invariants.md). */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { commit } from '../../../reference/perp/model/commit.ts';
import { alloc, newPool, release } from '../../../reference/perp/model/pool.ts';
import { ALICE, BOB, CAROL, DLP, GOV, PX, ROUTER, SLAB_A, SLAB_B, SOL_FEED, SOL_BACKUP, T0, TICK, USDC, V2, book, legs, ok, post, reveal, slab, slabParams, trade, venue } from './helpers.ts';

const im = (st: M.PerpState, u: bigint, now = T0): bigint => M.portfolio(st, u, now).im;
const buy = (st: M.PerpState, u: bigint, slabId: bigint, qty: bigint, now = T0) => trade(st, u, [{ slab: slabId, side: 0, qty, limitPx: PX + 3n * TICK }], now);
const sell = (st: M.PerpState, u: bigint, slabId: bigint, qty: bigint, now = T0) => trade(st, u, [{ slab: slabId, side: 1, qty, limitPx: PX - 3n * TICK }], now);
const price = (st: M.PerpState, px: bigint, at: bigint) => M.step(st, (s) => (M.publishPrice(s, SOL_FEED, px, at), M.publishPrice(s, SOL_BACKUP, px, at)));

test('RM1 IM grows with |exposure|; RM2 closing reduces it and flat is zero', (t) => {
  let st = book(venue());
  const ims: bigint[] = [];
  for (const q of [1n, 2n, 5n]) {
    st = ok(t, buy(st, ALICE, SLAB_A, q)).state;
    ims.push(im(st, ALICE));
  }
  t.true(ims[0]! < ims[1]! && ims[1]! < ims[2]!);
  st = ok(t, sell(st, ALICE, SLAB_A, 4n)).state;
  t.true(im(st, ALICE) < ims[2]!);
  st = ok(t, sell(st, ALICE, SLAB_A, 4n)).state;
  t.is(im(st, ALICE), 0n);
});

test('RM3 liquidation only when equity < MM', (t) => {
  let st = ok(t, buy(book(venue({ funds: 10n ** 8n })), ALICE, SLAB_A, 10n)).state;
  const healthy = M.step(st, (s) => M.liquidate(s, ALICE, T0));
  t.is(healthy.ok ? '' : healthy.error, 'NOT_LIQUIDATABLE');
  st = ok(t, price(st, PX - 10n ** 7n, T0 + 1n)).state;
  const pf = M.portfolio(st, ALICE, T0 + 1n);
  t.true(pf.equity < pf.mm);
  t.deepEqual(ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 1n))).out, { action: 'margin_call' });
});

test('RM4 Σ per-slab IM ≥ router IM; RM5 opposite exposures across slabs reduce IM', (t) => {
  let st = book(book(venue()), SLAB_B);
  st = ok(t, buy(st, ALICE, SLAB_A, 6n)).state;
  const single = im(st, ALICE);
  st = ok(t, sell(st, ALICE, SLAB_B, 4n)).state;
  const exps = M.exposuresOf(st, ALICE, T0);
  const gross = M.requirement(exps, (e) => e.qty, (e) => e.imrBps, 'gross');
  t.true(gross >= im(st, ALICE));
  t.true(im(st, ALICE) < single);
  t.deepEqual(M.checkInvariants(st, { now: T0 }), []);
});

test('RM6 funding is applied exactly once per interval', (t) => {
  let st = ok(t, buy(book(venue()), ALICE, SLAB_A, 5n)).state;
  const hour = 3_600_000n;
  const at = (T0 / hour + 1n) * hour;
  st = ok(t, price(st, PX, at)).state;
  const f1 = ok(t, M.step(st, (s) => M.tickFunding(s, SLAB_A, 0n, at)));
  t.is(f1.out.intervals, 1n);
  t.is(f1.out.ratePerContract, TICK); // last trade one tick above the index, under the cap
  const f2 = ok(t, M.step(f1.state, (s) => M.tickFunding(s, SLAB_A, 0n, at + 10n)));
  t.is(f2.out.intervals, 0n);
  st = ok(t, price(f2.state, PX, at + 2n * hour)).state;
  const f3 = ok(t, M.step(st, (s) => M.tickFunding(s, SLAB_A, 0n, at + 2n * hour)));
  t.is(f3.out.intervals, 2n);
  t.is(f3.out.ratePerContract, 0n);
});

test('RM7 router net funding equals the sum of slab funding deltas (zero-sum, exact)', (t) => {
  let st = ok(t, buy(book(venue()), ALICE, SLAB_A, 5n)).state;
  st = ok(t, sell(st, BOB, SLAB_A, 3n)).state;
  const hour = 3_600_000n;
  const at = (T0 / hour + 1n) * hour;
  st = ok(t, price(st, PX, at)).state;
  const eq = (s: M.PerpState) => [ALICE, BOB, DLP].map((u) => M.portfolio(s, u, at).equity);
  const before = eq(st);
  st = ok(t, M.step(st, (s) => M.tickFunding(s, SLAB_A, 0n, at))).state;
  const after = eq(st);
  const deltas = after.map((x, i) => x - before[i]!);
  t.is(deltas.reduce((a, b) => a + b, 0n), 0n);
  t.true(deltas[0]! > 0n); // the last trade was below the index: longs receive
  t.deepEqual(M.checkInvariants(st, { now: at }), []);
});

test('L1 grace window: when margin is restored the slab does not liquidate', (t) => {
  let st = ok(t, buy(book(venue({ funds: 10n ** 8n })), ALICE, SLAB_A, 10n)).state;
  st = ok(t, price(st, PX - 10n ** 7n, T0 + 1n)).state;
  st = ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 1n))).state;
  t.deepEqual(ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 2n))).out, { action: 'grace' });
  st = ok(t, M.step(st, (s) => M.deposit(s, ALICE, USDC, 10n ** 8n))).state;
  st = ok(t, price(st, PX - 10n ** 7n, T0 + 10_000n)).state;
  const r = ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 10_000n)));
  t.deepEqual(r.out, { action: 'restored' });
  t.is(M.positionsOf(r.state, ALICE)[0]!.p.qty, 10n);
});

test('L2 liquidation never debits beyond cap or escrow: open routes are released, caps burned', (t) => {
  let st = ok(t, buy(book(venue({ funds: 10n ** 8n })), ALICE, SLAB_A, 10n)).state;
  st = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [{ slab: SLAB_A, side: 1, qty: 1n, limitPx: PX - 3n * TICK }]), 100_000n, T0))).state;
  st = ok(t, price(st, PX - 10n ** 7n, T0 + 1n)).state;
  st = ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 1n))).state;
  st = ok(t, price(st, PX - 10n ** 7n, T0 + 6_000n)).state;
  const r = ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 6_000n)));
  t.is(M.escrow(r.state.custody, ALICE, SLAB_A, USDC).balance, 0n);
  t.true([...r.state.custody.caps.values()].every((c) => c.burned && c.remaining <= c.amountMax));
  t.deepEqual(M.checkInvariants(r.state, { now: T0 + 6_000n }), []);
});

test('L3 liquidation fills only within the band around the index', (t) => {
  let st = ok(t, buy(book(venue({ funds: 10n ** 8n })), ALICE, SLAB_A, 10n)).state;
  const low = PX - 10n ** 7n;
  st = ok(t, post(st, DLP, SLAB_A, 0, low - 1_000n * TICK, 50n)).state; // 1 % under the new index: inside 2 %
  st = ok(t, post(st, DLP, SLAB_A, 0, low - 5_000n * TICK, 50n)).state; // 5 % under: outside
  st = ok(t, price(st, low, T0 + 1n)).state;
  st = ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 1n))).state;
  st = ok(t, price(st, low, T0 + 6_000n)).state;
  const r = ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 6_000n)));
  const liq = slab(r.state).trades.filter((x) => x && x.holdId === 0n);
  t.true(liq.length > 0);
  t.true(liq.every((x) => x!.px * 10_000n >= low * (10_000n - 200n)));
});

test('F1 an expired reservation makes commit fail deterministically with escrow returned', (t) => {
  const st = book(venue());
  const spec = { slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK };
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [spec]), 100n, T0)));
  const c1 = M.commitRoute(r.state, ALICE, r.out.routeId, [{ holdId: r.out.legs[0]!.holdId, reveal: reveal(spec) }], T0 + 100n);
  const c2 = M.commitRoute(r.state, ALICE, r.out.routeId, [{ holdId: r.out.legs[0]!.holdId, reveal: reveal(spec) }], T0 + 100n);
  t.is(c1.ok ? '' : c1.error, 'RESERVATION_EXPIRED');
  t.deepEqual(M.observe(c1.state), M.observe(c2.state));
  t.is(M.escrow(c1.state.custody, ALICE, SLAB_A, USDC).balance, 0n);
  t.is(M.cashOf(c1.state, ALICE), M.cashOf(st, ALICE));
  const swept = ok(t, M.step(r.state, (s) => M.expireRoutes(s, T0 + 100n)));
  t.is(swept.out, 1);
});

test('F2 cancel is idempotent across a restart (identical snapshot roots)', (t) => {
  const st = book(venue());
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }]), 10_000n, T0)));
  const once = ok(t, M.step(r.state, (s) => M.cancelRoute(s, ALICE, r.out.routeId))).state;
  const restarted = structuredClone(once);
  // PERP-ROUTE-009: the repeat finds no route (its record was freed) and changes nothing
  const again = M.step(restarted, (s) => M.cancelRoute(s, ALICE, r.out.routeId));
  t.is(again.ok ? '' : again.error, 'UNKNOWN_ROUTE');
  t.is(M.observeRoot(again.state), M.observeRoot(once));
});

test('F3 a retried commit is at-most-once', (t) => {
  const st = book(venue());
  const spec = { slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK };
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [spec]), 10_000n, T0)));
  const chosen = [{ holdId: r.out.legs[0]!.holdId, reveal: reveal(spec) }];
  const c = ok(t, M.commitRoute(r.state, ALICE, r.out.routeId, chosen, T0));
  const again = M.commitRoute(c.state, ALICE, r.out.routeId, chosen, T0);
  t.is(again.ok ? '' : again.error, 'UNKNOWN_ROUTE', 'PERP-ROUTE-009: a committed route is freed, its id unknown');
  t.is(again.state, c.state);
  const s = M.cloneState(c.state);
  t.throws(() => commit(slab(s), ROUTER, T0, s.custody, s.oracles, chosen[0]!.holdId, r.out.legs[0]!.capId, chosen[0]!.reveal), { message: /UNKNOWN_HOLD/ });
  t.is(M.escrow(c.state.custody, ALICE, SLAB_A, USDC).nonce, 1n);
});

test('ADV1 a commit whose charge is above the cap fails', (t) => {
  const st = book(venue());
  const spec = { slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK };
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [spec]), 10_000n, T0)));
  const s = M.cloneState(r.state);
  const leg = r.out.legs[0]!;
  s.custody.caps.set(leg.capId, { ...s.custody.caps.get(leg.capId)!, remaining: leg.maxCharge - 1n });
  t.throws(() => commit(slab(s), ROUTER, T0, s.custody, s.oracles, leg.holdId, leg.capId, reveal(spec)), { message: /CAP_EXCEEDS_REMAINING/ });
});

test('ADV2 a maker cancel after reserve never over-fills', (t) => {
  const st = book(venue());
  const spec = { slab: SLAB_A, side: 0 as const, qty: 10n, limitPx: PX + TICK };
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [spec]), 10_000n, T0)));
  const id = slab(r.state).orders.slots.find((o) => o && o.reservedQty > 0n)!.id;
  let s2 = ok(t, M.step(r.state, (s) => M.cancelOrder(s, DLP, SLAB_A, id))).state;
  s2 = ok(t, post(s2, DLP, SLAB_A, 1, PX + TICK, 10n)).state;
  const c = M.commitRoute(s2, ALICE, r.out.routeId, [{ holdId: r.out.legs[0]!.holdId, reveal: reveal(spec) }], T0);
  t.is(c.ok ? '' : c.error, 'SLICE_VANISHED');
  t.is(slab(c.state).orders.slots.find((o) => o && o.px === PX + TICK)!.qty, 10n);
});

test('ADV3 fee-cap violations are rejected deterministically', (t) => {
  const st = venue();
  const r = M.step(st, (s) => (M.deploySlab(s, 0xd4n, slabParams({ takerBps: 26n }), T0), M.registerSlab(s, GOV, 0xd4n)));
  t.is(r.ok ? '' : r.error, 'FEE_CAP');
  t.is(r.state, st);
});

test('E2E1 a failing leg in a multi-slab route cancels all, with no debit', (t) => {
  const st = book(book(venue()), SLAB_B);
  const specs = [{ slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK }, { slab: SLAB_B, side: 0 as const, qty: 5n, limitPx: PX + TICK }];
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, specs), 10_000n, T0)));
  const chosen = [{ holdId: r.out.legs[0]!.holdId, reveal: reveal(specs[0]!) }, { holdId: r.out.legs[1]!.holdId, reveal: reveal(specs[1]!, new Uint8Array(32)) }];
  const c = M.commitRoute(r.state, ALICE, r.out.routeId, chosen, T0);
  t.is(c.ok ? '' : c.error, 'COMMITMENT_MISMATCH');
  t.is(M.positionsOf(c.state, ALICE).length, 0);
  t.is(M.cashOf(c.state, ALICE), M.cashOf(st, ALICE));
  t.true(c.state.events.some((e) => e.kind === 'route_failed'));
  t.deepEqual(M.checkInvariants(c.state), []);
});

test('E2E2 the blended VWAP of a multi-slab route is within the user limit', (t) => {
  const st = book(book(venue()), SLAB_B);
  const limit = PX + 2n * TICK;
  const specs = [{ slab: SLAB_A, side: 0 as const, qty: 15n, limitPx: limit }, { slab: SLAB_B, side: 0 as const, qty: 12n, limitPx: limit }];
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, specs), 10_000n, T0)));
  const notional = r.out.legs.reduce((a, l) => a + l.notional, 0n);
  t.true(notional <= limit * 27n);
});

test('E2E3 a cross-slab offset keeps a hedged account out of liquidation', (t) => {
  let st = book(book(venue({ funds: 10n ** 8n })), SLAB_B);
  st = ok(t, buy(st, ALICE, SLAB_A, 10n)).state;
  st = ok(t, buy(st, CAROL, SLAB_A, 10n)).state;
  st = ok(t, sell(st, CAROL, SLAB_B, 10n)).state;
  st = ok(t, price(st, PX - 10n ** 7n, T0 + 1n)).state;
  t.deepEqual(ok(t, M.step(st, (s) => M.liquidate(s, ALICE, T0 + 1n))).out, { action: 'margin_call' });
  const hedged = M.step(st, (s) => M.liquidate(s, CAROL, T0 + 1n));
  t.is(hedged.ok ? '' : hedged.error, 'NOT_LIQUIDATABLE');
});

test('E2E4 insurance pays only a verified deficit; nothing else can pull it', (t) => {
  const st = ok(t, buy(book(venue()), ALICE, SLAB_A, 1n)).state;
  for (const u of [ALICE, BOB, SLAB_A]) {
    const r = M.step(st, (s) => M.coverDeficit(s, u));
    t.is(r.ok ? '' : r.error, 'NO_DEFICIT');
  }
});

test('GOV1 unknown version hashes are rejected', (t) => {
  const r = M.step(venue(), (s) => M.setSlabVersion(s, GOV, SLAB_A, V2));
  t.is(r.ok ? '' : r.error, 'UNKNOWN_VERSION');
  const d = M.step(venue(), (s) => (M.deploySlab(s, 0xd5n, slabParams({ versionHash: V2 }), T0), M.registerSlab(s, GOV, 0xd5n)));
  t.is(d.ok ? '' : d.error, 'UNKNOWN_VERSION');
});

test('OBS1 the published root is a function of the observable state', (t) => {
  const st = book(venue());
  t.is(M.observeRoot(structuredClone(st)), M.observeRoot(st));
  const after = ok(t, buy(st, ALICE, SLAB_A, 1n)).state;
  t.not(M.observeRoot(after), M.observeRoot(st));
});

test('PFM2 pools allocate and free in constant time from a LIFO free list, and report full', (t) => {
  const p = newPool<number>(3);
  t.deepEqual([alloc(p, 1, 'POOL_FULL_ORDERS'), alloc(p, 2, 'POOL_FULL_ORDERS'), alloc(p, 3, 'POOL_FULL_ORDERS')], [0, 1, 2]);
  t.throws(() => alloc(p, 4, 'POOL_FULL_ORDERS'), { message: /POOL_FULL_ORDERS/ });
  release(p, 1);
  release(p, 0);
  t.is(alloc(p, 5, 'POOL_FULL_ORDERS'), 0);
  t.is(alloc(p, 6, 'POOL_FULL_ORDERS'), 1);
  t.throws(() => release(newPool<number>(1), 0), { message: /double free/ });
});
