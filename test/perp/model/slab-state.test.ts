/** S1–S12: slab state (spec/invariants.md §S). */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { ALICE, BOB, DLP, GOV, PX, REG, SLAB_A, SLAB_B, T0, TICK, book, legs, ok, post, slab, slabParams, trade, venue } from './helpers.ts';

test('S1 the header is unchanged by trading and survives a restart (snapshot round trip)', (t) => {
  const st = book(venue());
  const header = { ...slab(st).header };
  const after = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 12n, limitPx: PX + 2n * TICK }], T0)).state;
  t.deepEqual({ ...slab(after).header }, header);
  t.deepEqual(M.observe(structuredClone(after)), M.observe(after));
});

test('S2 fee updates respect the governance caps', (t) => {
  const r = M.step(venue(), (s) => M.setSlabFees(s, GOV, SLAB_A, 11n, 5n));
  t.is(r.ok ? '' : r.error, 'FEE_CAP');
  const good = ok(t, M.step(venue(), (s) => M.setSlabFees(s, GOV, SLAB_A, 10n, 25n)));
  t.is(slab(good.state).header.takerBps, 25n);
  t.is(good.state.router.registry.get(SLAB_A)?.takerBps, 25n);
});

test('S3 orders are tick and lot aligned', (t) => {
  const st = venue({ slabA: { instruments: [{ ...slabParams().instruments[0]!, lot: 2n }] } });
  const a = post(st, DLP, SLAB_A, 1, PX + 1n, 2n);
  t.is(a.ok ? '' : a.error, 'PX_NOT_ON_TICK');
  const b = post(st, DLP, SLAB_A, 1, PX, 3n);
  t.is(b.ok ? '' : b.error, 'QTY_NOT_ON_LOT');
  const c = post(st, DLP, SLAB_A, 1, 0n, 2n);
  t.is(c.ok ? '' : c.error, 'ZERO_PX');
});

test('S4 the epoch moves only at batch open, which promotes each pending order once', (t) => {
  let st = ok(t, post(venue(), REG, SLAB_A, 1, PX + TICK, 5n)).state;
  t.is(slab(st).instruments[0]!.epoch, 0n);
  const early = M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 49n));
  t.is(early.ok ? '' : early.error, 'BATCH_NOT_DUE');
  const b1 = ok(t, M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 50n)));
  t.deepEqual(b1.out, { epoch: 1n, promoted: 1n });
  const b2 = ok(t, M.step(b1.state, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 100n)));
  t.deepEqual(b2.out, { epoch: 2n, promoted: 0n });
  st = b2.state;
  t.deepEqual(M.checkInvariants(st), []);
});

test('S5 reserved_qty ≤ qty and book links stay consistent; the checker catches a corrupted book', (t) => {
  const st = book(venue());
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [{ slab: SLAB_A, side: 0, qty: 25n, limitPx: PX + 3n * TICK }]), 10_000n, T0)));
  t.deepEqual(M.checkInvariants(r.state), []);
  const bad = M.cloneState(r.state);
  const o = slab(bad).orders.slots.find((x) => x && x.reservedQty > 0n)!;
  o.reservedQty = o.qty + 1n;
  t.true(M.checkInvariants(bad).some((v) => v.startsWith('S5')));
  const bad2 = M.cloneState(st);
  slab(bad2).orders.slots[0]!.prev = 5;
  t.true(M.checkInvariants(bad2).some((v) => v.startsWith('S5')));
});

test('S6 order ids and time priority are monotone at insert and at promotion', (t) => {
  let st = venue();
  st = ok(t, post(st, REG, SLAB_A, 1, PX + TICK, 1n)).state;
  st = ok(t, post(st, DLP, SLAB_A, 1, PX + TICK, 1n)).state;
  st = ok(t, post(st, REG, SLAB_A, 1, PX + TICK, 1n)).state;
  st = ok(t, M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 50n))).state;
  const s = slab(st);
  const ids = s.orders.slots.filter((o) => o).map((o) => o!.id);
  t.deepEqual([...ids].sort((a, b) => (a < b ? -1 : 1)), ids);
  const askOwners: bigint[] = [];
  for (let cur = s.instruments[0]!.askHead; cur !== -1; cur = s.orders.slots[cur]!.next) askOwners.push(s.orders.slots[cur]!.owner);
  t.deepEqual(askOwners, [DLP, REG, REG]);
});

test('S7 PENDING orders never match', (t) => {
  const st = ok(t, post(venue(), REG, SLAB_A, 1, PX + TICK, 5n)).state;
  const r = trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX + TICK }], T0);
  t.is(r.ok ? '' : r.error, 'INSUFFICIENT_DEPTH');
});

test('S8 slices on an order never exceed its unreserved quantity', (t) => {
  const st = ok(t, post(venue(), DLP, SLAB_A, 1, PX + TICK, 10n)).state;
  const r1 = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [{ slab: SLAB_A, side: 0, qty: 6n, limitPx: PX + TICK }]), 10_000n, T0)));
  const r2 = M.step(r1.state, (s) => M.reserveRoute(s, BOB, legs(s, BOB, [{ slab: SLAB_A, side: 0, qty: 6n, limitPx: PX + TICK }]), 10_000n, T0));
  t.is(r2.ok ? '' : r2.error, 'INSUFFICIENT_DEPTH');
  ok(t, M.step(r1.state, (s) => M.reserveRoute(s, BOB, legs(s, BOB, [{ slab: SLAB_A, side: 0, qty: 4n, limitPx: PX + TICK }]), 10_000n, T0)));
});

test('S9 commit consumes exactly the reserved quantity and at most max_charge', (t) => {
  const st = book(venue());
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [{ slab: SLAB_A, side: 0, qty: 15n, limitPx: PX + 2n * TICK }]), 10_000n, T0)));
  const leg = r.out.legs[0]!;
  const c = ok(t, M.commitRoute(r.state, ALICE, r.out.routeId, [{ holdId: leg.holdId, reveal: { side: 0, qty: 15n, limitPx: PX + 2n * TICK, salt: new Uint8Array(32).fill(7) } }], T0));
  const out = c.out[0]!;
  t.is(out.filled, 15n);
  t.true(out.charge <= leg.maxCharge);
  const cap = c.state.custody.caps.get(leg.capId)!;
  t.is(cap.amountMax - cap.remaining, out.charge);
  t.true(cap.burned);
});

test('S10 VWAP and PnL are exact through a position flip', (t) => {
  let st = book(venue());
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 15n, limitPx: PX + 2n * TICK }], T0)).state; // 10 @ +1, 5 @ +2
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 1, qty: 20n, limitPx: PX - 2n * TICK }], T0)).state; // 10 @ −1, 10 @ −2
  const p = M.positionsOf(st, ALICE)[0]!.p;
  t.is(p.qty, -5n);
  t.is(p.cost, -5n * (PX - 2n * TICK));
  const buys = 10n * (PX + TICK) + 5n * (PX + 2n * TICK);
  const sells = 15n * (PX - 1n * TICK) - 5n * TICK; // 10 @ −1 and 5 of the 10 @ −2 closed the long
  t.is(p.realised, sells - buys);
  t.deepEqual(M.checkInvariants(st, { now: T0 }), []);
});

test('S11 the aggressor guard taxes only overlapping aggressive legs', (t) => {
  let st = book(venue());
  const buy = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }], T0));
  t.is((buy.out as { tax: bigint }[])[0]!.tax, 0n);
  const buy2 = ok(t, trade(buy.state, ALICE, [{ slab: SLAB_A, side: 0, qty: 2n, limitPx: PX + TICK }], T0));
  t.is((buy2.out as { tax: bigint }[])[0]!.tax, 0n);
  const sell = ok(t, trade(buy2.state, ALICE, [{ slab: SLAB_A, side: 1, qty: 3n, limitPx: PX - TICK }], T0));
  t.true((sell.out as { tax: bigint }[])[0]!.tax > 0n);
  st = ok(t, M.step(buy2.state, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 50n))).state;
  const later = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 1, qty: 3n, limitPx: PX - TICK }], T0 + 50n));
  t.is((later.out as { tax: bigint }[])[0]!.tax, 0n);
});

test('S12 each commit prints trades equal to its slices', (t) => {
  const st = book(book(venue()), SLAB_B);
  const r = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 15n, limitPx: PX + 2n * TICK }], T0));
  const trades = slab(r.state).trades.filter((x) => x);
  t.deepEqual(trades.map((x) => [x!.px, x!.qty, x!.taker, x!.maker]), [
    [PX + TICK, 10n, ALICE, DLP],
    [PX + 2n * TICK, 5n, ALICE, DLP],
  ]);
});
