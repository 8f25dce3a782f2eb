/** M1–M11: matching, reservations, commit-reveal, batches and anti-toxicity (spec/invariants.md §M). */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { killBandCheck } from '../../../reference/perp/model/commit.ts';
import { ALICE, BOB, DLP, DLP2, PX, REG, SLAB_A, SOL_FEED, T0, TICK, book, legs, ok, post, reveal, slab, trade, venue } from './helpers.ts';

const makerOfTrades = (st: M.PerpState): bigint[] => slab(st).trades.filter((x) => x).map((x) => x!.maker);

test('M1 at the same price the earlier order fills first', (t) => {
  let st = ok(t, post(venue(), DLP2, SLAB_A, 1, PX + TICK, 5n)).state;
  st = ok(t, post(st, DLP, SLAB_A, 1, PX + TICK, 5n)).state;
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 6n, limitPx: PX + TICK }], T0)).state;
  t.deepEqual(makerOfTrades(st), [DLP2, DLP]);
  t.deepEqual(slab(st).trades.filter((x) => x).map((x) => x!.qty), [5n, 1n]);
});

test('M2 a PENDING order is not matched before its promotion, and is after it', (t) => {
  let st = ok(t, post(venue(), REG, SLAB_A, 1, PX + TICK, 5n)).state;
  const before = trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }], T0);
  t.is(before.ok ? '' : before.error, 'INSUFFICIENT_DEPTH');
  st = ok(t, M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 50n))).state;
  ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }], T0 + 50n));
});

test('M3 cancelling an earlier order keeps the book consistent', (t) => {
  let st = book(venue());
  const first = slab(st).orders.slots.find((o) => o && o.side === 1 && o.px === PX + TICK)!.id;
  st = ok(t, M.step(st, (s) => M.cancelOrder(s, DLP, SLAB_A, first))).state;
  t.deepEqual(M.checkInvariants(st), []);
  t.deepEqual(M.publicDepth(slab(st), 0n, 1)[0], [PX + 2n * TICK, 10n]);
  const again = M.step(st, (s) => M.cancelOrder(s, DLP, SLAB_A, first));
  t.is(again.ok ? '' : again.error, 'UNKNOWN_ORDER');
  const notMine = M.step(st, (s) => M.cancelOrder(s, ALICE, SLAB_A, slab(st).orders.slots.find((o) => o)!.id));
  t.is(notMine.ok ? '' : notMine.error, 'NOT_ORDER_OWNER');
});

test('M4 Σ reserved on an order ≤ its qty after many reserves', (t) => {
  let st = book(venue());
  for (const [u, q] of [[ALICE, 3n], [BOB, 4n], [ALICE, 2n], [BOB, 1n]] as const) {
    st = ok(t, M.step(st, (s) => M.reserveRoute(s, u, legs(s, u, [{ slab: SLAB_A, side: 0, qty: q, limitPx: PX + TICK }]), 10_000n, T0))).state;
  }
  const o = slab(st).orders.slots.find((x) => x && x.px === PX + TICK)!;
  t.is(o.reservedQty, 10n);
  t.deepEqual(M.checkInvariants(st), []);
});

test('M5 two concurrent reserves cannot over-reserve an order', (t) => {
  const st = ok(t, post(venue(), DLP, SLAB_A, 1, PX + TICK, 10n)).state;
  const a = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [{ slab: SLAB_A, side: 0, qty: 7n, limitPx: PX + TICK }]), 10_000n, T0)));
  const b = M.step(a.state, (s) => M.reserveRoute(s, BOB, legs(s, BOB, [{ slab: SLAB_A, side: 0, qty: 7n, limitPx: PX + TICK }]), 10_000n, T0));
  t.is(b.ok ? '' : b.error, 'INSUFFICIENT_DEPTH');
  t.is(slab(a.state).orders.slots.find((o) => o)!.reservedQty, 7n);
});

test('M6 commit-reveal: a wrong salt or altered inputs are rejected at commit', (t) => {
  const st = book(venue());
  const spec = { slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK };
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, [spec]), 10_000n, T0)));
  const hold = r.out.legs[0]!.holdId;
  for (const bad of [reveal(spec, new Uint8Array(32).fill(8)), { ...reveal(spec), qty: 4n }, { ...reveal(spec), limitPx: PX + 2n * TICK }, { ...reveal(spec), salt: new Uint8Array(31) }]) {
    const c = M.commitRoute(r.state, ALICE, r.out.routeId, [{ holdId: hold, reveal: bad }], T0);
    t.is(c.ok ? '' : c.error, 'COMMITMENT_MISMATCH');
  }
  ok(t, M.commitRoute(r.state, ALICE, r.out.routeId, [{ holdId: hold, reveal: reveal(spec) }], T0));
});

test('M7 DLP orders post LIVE at once; REG orders wait one epoch as PENDING', (t) => {
  const d = ok(t, post(venue(), DLP, SLAB_A, 1, PX + TICK, 1n));
  t.is(d.out.state, 'LIVE');
  const r = ok(t, post(d.state, REG, SLAB_A, 1, PX + TICK, 1n));
  t.is(r.out.state, 'PENDING');
  t.is(slab(r.state).orders.slots.find((o) => o && o.owner === REG)!.eligibleEpoch, 1n);
  const off = ok(t, post(venue({ slabA: { pendingPromotion: false } }), REG, SLAB_A, 1, PX + TICK, 1n));
  t.is(off.out.state, 'LIVE');
});

test('M8 the top-K freeze keeps late arrivals behind the frozen levels until it ends', (t) => {
  let st = book(venue());
  st = ok(t, M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 50n))).state;
  t.is(slab(st).instruments[0]!.freezeAskPx, PX + 2n * TICK);
  const late = ok(t, post(st, DLP2, SLAB_A, 1, PX + TICK, 5n, T0 + 60n));
  t.is(late.out.state, 'PENDING');
  const outside = ok(t, post(st, DLP2, SLAB_A, 1, PX + 3n * TICK, 5n, T0 + 60n));
  t.is(outside.out.state, 'LIVE');
  const after = ok(t, post(st, DLP2, SLAB_A, 1, PX + TICK, 5n, T0 + 100n));
  t.is(after.out.state, 'LIVE');
  const r = ok(t, trade(late.state, ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0 + 60n));
  t.deepEqual(makerOfTrades(r.state), [DLP]);
});

test('M9 the JIT penalty depends only on creation time vs batch open', (t) => {
  let st = ok(t, post(venue(), DLP, SLAB_A, 1, PX + TICK, 10n, T0)).state;
  st = ok(t, M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, T0 + 50n))).state;
  st = ok(t, post(st, DLP2, SLAB_A, 1, PX + 3n * TICK, 10n, T0 + 60n)).state; // outside the frozen top-2
  const before = slab(st).feesAccrued;
  const a = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0 + 60n)).state;
  const makerFee = slab(a).feesAccrued - before;
  t.is(makerFee, (10n * (PX + TICK) * 2n + 9_999n) / 10_000n);
  const b = ok(t, trade(a, BOB, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + 3n * TICK }], T0 + 60n)).state;
  t.is(slab(b).feesAccrued - slab(a).feesAccrued, (10n * (PX + 3n * TICK) * 5n + 9_999n) / 10_000n);
});

test('M10 kill-band rejections are deterministic: the router pre-check agrees with the slab', (t) => {
  const st = book(venue({ slabA: { killBandBps: 1n } }));
  const moved = ok(t, M.step(st, (s) => M.publishPrice(s, SOL_FEED, PX - 20n * TICK, T0 + 1n))).state;
  const ins = slab(moved).instruments[0]!;
  t.throws(() => killBandCheck(moved.oracles, ins, PX + TICK, 1n, T0 + 1n), { message: /KILL_BAND/ });
  t.notThrows(() => killBandCheck(st.oracles, ins, PX + TICK, 1n, T0 + 1n));
  const r1 = trade(moved, ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX + TICK }], T0 + 1n);
  const r2 = trade(moved, ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX + TICK }], T0 + 1n);
  t.is(r1.ok ? '' : r1.error, 'KILL_BAND');
  t.deepEqual(M.observe(r1.state), M.observe(r2.state));
});

test('M11 the aggressor guard exempts maker fills', (t) => {
  let st = ok(t, post(venue(), DLP2, SLAB_A, 0, PX - TICK, 10n)).state;
  st = ok(t, post(st, DLP, SLAB_A, 0, PX - 2n * TICK, 10n)).state;
  st = ok(t, post(st, DLP, SLAB_A, 1, PX + TICK, 10n)).state;
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 1, qty: 5n, limitPx: PX - TICK }], T0)).state; // DLP2 buys as maker
  const exempt = ok(t, trade(st, DLP2, [{ slab: SLAB_A, side: 1, qty: 5n, limitPx: PX - 2n * TICK }], T0));
  t.is((exempt.out as { tax: bigint }[])[0]!.tax, 0n);
  const aggressive = ok(t, trade(st, DLP2, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }], T0)).state; // DLP2 buys as taker
  const taxed = ok(t, trade(aggressive, DLP2, [{ slab: SLAB_A, side: 1, qty: 5n, limitPx: PX - 2n * TICK }], T0));
  t.true((taxed.out as { tax: bigint }[])[0]!.tax > 0n);
});
