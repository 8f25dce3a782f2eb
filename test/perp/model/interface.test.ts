/** R1–R10: interface validation (spec/invariants.md §R). */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { commit } from '../../../reference/perp/model/commit.ts';
import { ALICE, BOB, DLP, PX, REG, ROUTER, SALT, SLAB_A, SOL_FEED, T0, TICK, book, legs, ok, post, reveal, slab, trade, venue } from './helpers.ts';

const reserveOne = (st: M.PerpState, user: bigint, qty: bigint, limitPx: bigint, ttl = 10_000n) =>
  M.step(st, (s) => M.reserveRoute(s, user, legs(s, user, [{ slab: SLAB_A, side: 0, qty, limitPx }]), ttl, T0));

test('R1 reserve rejects qty off lot, price off tick, zero qty', (t) => {
  const st = book(venue());
  const a = reserveOne(st, ALICE, 1n, PX + 1n);
  t.is(a.ok ? '' : a.error, 'PX_NOT_ON_TICK');
  const b = reserveOne(st, ALICE, 0n, PX + TICK);
  t.is(b.ok ? '' : b.error, 'ZERO_QTY');
  const c = M.step(st, (s) => M.reserveRoute(s, ALICE, [{ ...legs(s, ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX }])[0]!, side: 2 }], 10n, T0));
  t.is(c.ok ? '' : c.error, 'BAD_SIDE');
});

test('R2 the price walk stops at the limit', (t) => {
  const st = book(venue());
  const over = reserveOne(st, ALICE, 11n, PX + TICK);
  t.is(over.ok ? '' : over.error, 'INSUFFICIENT_DEPTH');
  const r = ok(t, reserveOne(st, ALICE, 10n, PX + TICK));
  t.is(r.out.legs[0]!.worstPx, PX + TICK);
  t.is(r.out.legs[0]!.vwap, PX + TICK);
});

test('R3 reserved size is not signalled in the public depth', (t) => {
  const st = book(venue());
  const r = ok(t, reserveOne(st, ALICE, 15n, PX + 2n * TICK));
  t.deepEqual(M.publicDepth(slab(r.state), 0n, 1), M.publicDepth(slab(st), 0n, 1));
  t.deepEqual(M.publicDepth(slab(st), 0n, 1), [[PX + TICK, 10n], [PX + 2n * TICK, 10n], [PX + 3n * TICK, 10n]]);
});

test('R4 commit after expiry is rejected; so is a burned cap', (t) => {
  const st = book(venue());
  const r = ok(t, reserveOne(st, ALICE, 5n, PX + TICK, 100n));
  const spec = { slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK };
  const late = M.commitRoute(r.state, ALICE, r.out.routeId, [{ holdId: r.out.legs[0]!.holdId, reveal: reveal(spec) }], T0 + 100n);
  t.is(late.ok ? '' : late.error, 'RESERVATION_EXPIRED');
  const s = M.cloneState(r.state);
  s.custody.caps.set(r.out.legs[0]!.capId, { ...s.custody.caps.get(r.out.legs[0]!.capId)!, burned: true });
  t.throws(() => commit(slab(s), ROUTER, T0, s.custody, s.oracles, r.out.legs[0]!.holdId, r.out.legs[0]!.capId, reveal(spec)), { message: /CAP_BURNED/ });
});

test('R5 commit is rejected when a reserved slice vanished', (t) => {
  const st = book(venue());
  const r = ok(t, reserveOne(st, ALICE, 5n, PX + TICK));
  const orderId = slab(r.state).orders.slots.find((o) => o && o.reservedQty > 0n)!.id;
  const gone = ok(t, M.step(r.state, (s) => M.cancelOrder(s, DLP, SLAB_A, orderId))).state;
  const c = M.commitRoute(gone, ALICE, r.out.routeId, [{ holdId: r.out.legs[0]!.holdId, reveal: reveal({ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }) }], T0);
  t.is(c.ok ? '' : c.error, 'SLICE_VANISHED');
  t.is(M.positionsOf(c.state, ALICE).length, 0);
  t.false(c.state.router.routes.has(r.out.routeId), 'PERP-ROUTE-007: the failed route is freed');
  t.is(c.state.events.at(-1)?.kind, 'route_failed');
  t.deepEqual(M.checkInvariants(c.state), []);
});

test('R6 the guarded debit is bounded by cap.remaining and by the escrow balance', (t) => {
  const st = book(venue());
  const r = ok(t, reserveOne(st, ALICE, 5n, PX + TICK));
  const s = M.cloneState(r.state);
  const cap = M.capMint(s.custody, ALICE, SLAB_A, s.router.params.asset, 10n ** 12n, T0 + 10n);
  t.is(M.guardedDebit(s.custody, SLAB_A, T0, cap, r.out.legs[0]!.maxCharge + 1n), 6n);
});

test('R7 anti-toxicity is checked at commit: an oracle move past the kill band rejects', (t) => {
  const st = book(venue({ slabA: { killBandBps: 1n } }));
  const r = ok(t, reserveOne(st, ALICE, 5n, PX + TICK));
  const moved = ok(t, M.step(r.state, (s) => M.publishPrice(s, SOL_FEED, PX - 20n * TICK, T0 + 1n))).state;
  const c = M.commitRoute(moved, ALICE, r.out.routeId, [{ holdId: r.out.legs[0]!.holdId, reveal: reveal({ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }) }], T0 + 1n);
  t.is(c.ok ? '' : c.error, 'KILL_BAND');
});

test('R8 PERP-ROUTE-009 cancel is idempotent: the repeat finds the freed route unknown and changes nothing', (t) => {
  const st = book(venue());
  const r = ok(t, reserveOne(st, ALICE, 5n, PX + TICK));
  const mine = M.step(r.state, (s) => M.cancelRoute(s, BOB, r.out.routeId));
  t.is(mine.ok ? '' : mine.error, 'NOT_ROUTE_OWNER');
  const c1 = ok(t, M.step(r.state, (s) => M.cancelRoute(s, ALICE, r.out.routeId)));
  const c2 = M.step(c1.state, (s) => M.cancelRoute(s, ALICE, r.out.routeId));
  t.deepEqual(c1.out, { cancelled: 1 });
  t.is(c2.ok ? '' : c2.error, 'UNKNOWN_ROUTE');
  t.deepEqual(M.observe(c1.state), M.observe(c2.state));
});

test('R9 promotions are stable (FIFO) with no duplicates', (t) => {
  let st = venue();
  for (const px of [PX + 2n * TICK, PX + TICK, PX + TICK]) st = ok(t, post(st, REG, SLAB_A, 1, px, 1n)).state;
  const pendingIds = slab(st).orders.slots.filter((o) => o).map((o) => o!.id);
  st = ok(t, M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 50n))).state;
  const s = slab(st);
  const seqById = new Map(s.orders.slots.filter((o) => o).map((o) => [o!.id, o!.seq]));
  t.deepEqual(pendingIds.map((id) => seqById.get(id)), [1n, 2n, 3n]);
  t.is(s.instruments[0]!.pendingHead, -1);
  t.deepEqual(M.checkInvariants(st), []);
});

test('R10 only the router calls liquidation, which matches only LIVE depth within the band', (t) => {
  let st = book(venue());
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }], T0)).state;
  st = ok(t, post(st, REG, SLAB_A, 0, PX, 50n)).state; // PENDING, best price: must not be used
  const s = M.cloneState(st);
  t.throws(() => M.liquidationCall(slab(s), ALICE, T0, s.oracles, ALICE, 0n, 200n), { message: /NOT_ROUTER/ });
  const out = M.liquidationCall(slab(s), ROUTER, T0, s.oracles, ALICE, 0n, 200n);
  t.is(out.closed, 5n);
  t.is(slab(s).trades.filter((x) => x && x.holdId === 0n)[0]!.px, PX - TICK);
  t.deepEqual(M.checkInvariants(s), []);
  t.truthy(SALT);
});
