/**
 * Per-invariant examples on the CurveVM slab (stdlib/slab.curve), each also run on the golden model with
 * the same inputs: the test asserts the invariant on the VM's outcome and that both sides' observables are
 * equal after every step (harness.ts). Titles start with the invariant id (spec/invariants.md).
 */
import test, { type ExecutionContext } from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { Desk, FEED, ModelSide, PX, ROUTER, snapshot, TICK, USERS, VmSide, type Backend, type Out } from './harness.ts';

const [D1, D2, A, B, C] = USERS as unknown as [bigint, bigint, bigint, bigint, bigint];
const NOW = 1_000_100n;

interface Pair {
  readonly vm: VmSide;
  readonly desks: readonly [Desk, Desk];
  /** Run on both sides; assert equal outputs and observables and clean invariants; return the VM's output. */
  run<T>(f: (d: Desk, b: Backend) => Out<T> | undefined): Out<T>;
}

function pair(t: ExecutionContext): Pair {
  const vm = new VmSide();
  const mo = new ModelSide(vm.slabId, vm.slab.params);
  for (const s of [mo, vm]) s.publish(FEED, PX, NOW);
  const desks = [new Desk(mo), new Desk(vm)] as const;
  return {
    vm,
    desks,
    run<T>(f: (d: Desk, b: Backend) => Out<T> | undefined): Out<T> {
      const a = f(desks[0], mo);
      const b = f(desks[1], vm);
      t.deepEqual(b, a, 'VM output = model output');
      t.deepEqual(snapshot(vm), snapshot(mo), 'VM observables = model observables');
      t.deepEqual(M.checkInvariants(vm.view()), []);
      if (b === undefined) throw new Error('no output');
      return b;
    },
  };
}

const ok = <T>(t: ExecutionContext, r: Out<T>): T => {
  if (!r.ok) throw new Error(`unexpected ${r.error}`);
  t.true(r.ok);
  return r.out;
};
const err = (t: ExecutionContext, r: Out<unknown>, name: string): void => {
  t.like(r, { ok: false, error: name, code: M.PERP_ERRORS[name as M.PerpErrorName] });
};
const custodyJson = (p: Pair): string => JSON.stringify((M.observe(p.vm.view()) as { custody: unknown }).custody);
const slabOf = (p: Pair): M.SlabState => p.vm.slab.state();

test('S3 R1 orders off tick or lot, zero or with a bad side are rejected with the §12 codes', (t) => {
  const p = pair(t);
  err(t, p.run((_d, b) => b.place(NOW, D1, 0n, 0n, PX + 1n, 1n)), 'PX_NOT_ON_TICK');
  err(t, p.run((_d, b) => b.place(NOW, D1, 0n, 0n, PX, 0n)), 'ZERO_QTY');
  err(t, p.run((_d, b) => b.place(NOW, D1, 0n, 0n, 0n, 1n)), 'ZERO_PX');
  err(t, p.run((_d, b) => b.place(NOW, D1, 0n, 2n, PX, 1n)), 'BAD_SIDE');
  err(t, p.run((_d, b) => b.place(NOW, D1, 1n, 0n, PX, 1n)), 'UNKNOWN_INSTRUMENT');
});

test('S4 M7 epoch moves only in batch_open, by one, not before BATCH ms; REG orders go LIVE then', (t) => {
  const p = pair(t);
  t.is(ok(t, p.run((_d, b) => b.place(NOW, A, 0n, 1n, PX, 2n))).state, 'PENDING');
  t.is(ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 2n))).state, 'LIVE', 'DLP: LIVE at once');
  t.deepEqual(ok(t, p.run((_d, b) => b.batchOpen(NOW))), { epoch: 1n, promoted: 1n });
  t.is(slabOf(p).orders.slots.filter((o) => o?.state === 'LIVE').length, 2);
  err(t, p.run((_d, b) => b.batchOpen(NOW + 10n)), 'BATCH_NOT_DUE');
  t.deepEqual(ok(t, p.run((_d, b) => b.batchOpen(NOW + 50n))), { epoch: 2n, promoted: 0n });
});

test('S7 M2 a PENDING order is never matched; after promotion it is', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, A, 0n, 1n, PX, 2n)));
  err(t, p.run((d) => d.reserve(NOW, B, 0n, 1n, PX, 5_000n, 5_000n, 0n, 1)), 'INSUFFICIENT_DEPTH');
  ok(t, p.run((_d, b) => b.batchOpen(NOW + 50n)));
  ok(t, p.run((d) => d.reserve(NOW + 50n, B, 0n, 1n, PX, 5_000n, 5_000n, 0n, 1)));
});

test('S8 M4 M5 concurrent reserves on one order never over-reserve; reserve is fill-or-kill', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 3n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 2n, PX, 5_000n, 5_000n, 0n, 1)));
  err(t, p.run((d) => d.reserve(NOW, B, 0n, 2n, PX, 5_000n, 5_000n, 0n, 2)), 'INSUFFICIENT_DEPTH');
  ok(t, p.run((d) => d.reserve(NOW, B, 0n, 1n, PX, 5_000n, 5_000n, 0n, 3)));
  const o = slabOf(p).orders.slots.find((x) => x !== null) as M.Order;
  t.is(o.reservedQty, o.qty);
});

test('S5 M3 R5 ADV2 cancelling a reserved order removes it; the hold’s commit then fails SLICE_VANISHED and its cancel is still clean', (t) => {
  const p = pair(t);
  const placed = ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 3n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 2n, PX, 5_000n, 5_000n, 0n, 1)));
  t.deepEqual(ok(t, p.run((_d, b) => b.cancelOrder(NOW, D1, placed.orderId))), { reservedQty: 2n });
  err(t, p.run((_d, b) => b.cancelOrder(NOW, D1, placed.orderId)), 'UNKNOWN_ORDER');
  const leg = p.desks[1].legs[0] as Desk['legs'][number];
  err(t, p.run((d) => d.commit(NOW, 0, (d.legs[0] as typeof leg).reveal, (d.legs[0] as typeof leg).capId)), 'SLICE_VANISHED');
  t.deepEqual(ok(t, p.run((d) => d.cancel(NOW, 0))), { cancelled: true });
});

test('S9 S12 P5 a commit fills exactly the reserved qty at the reserved prices, one trade per slice, and debits fee + tax ≤ max_charge through the cap', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 1n)));
  ok(t, p.run((_d, b) => b.place(NOW, D2, 0n, 1n, PX + TICK, 2n)));
  const r = ok(t, p.run((d) => d.reserve(NOW, A, 0n, 3n, PX + TICK, 5_000n, 5_000n, 0n, 1)));
  t.is(r.notional, PX + 2n * (PX + TICK));
  const c = ok(t, p.run((d) => d.commit(NOW, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)));
  t.is(c.filled, 3n);
  t.true(c.charge <= r.maxCharge);
  const s = slabOf(p);
  t.is(s.tradeCount, 2n);
  t.deepEqual(s.trades.filter((x) => x !== null).map((x) => [x.px, x.qty]), [[PX, 1n], [PX + TICK, 2n]]);
  t.is(p.vm.world.escrow(A, p.vm.slabId, p.vm.st.router.params.asset).balance, 0n, 'the rest of the escrow went back');
});

test('S10 a round trip realises exactly the signed cash flows (cost-basis PnL, flip through zero)', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 2n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 2n, PX, 5_000n, 5_000n, 0n, 1)));
  ok(t, p.run((d) => d.commit(NOW, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)));
  ok(t, p.run((_d, b) => b.place(NOW, D2, 0n, 0n, PX + 3n * TICK, 3n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 1n, 3n, PX + 3n * TICK, 5_000n, 5_000n, 0n, 2)));
  ok(t, p.run((d) => d.commit(NOW, 1, (d.legs[1] as Desk['legs'][number]).reveal, (d.legs[1] as Desk['legs'][number]).capId)));
  const pos = slabOf(p).positions.slots.find((x) => x?.owner === A) as M.Position;
  t.is(pos.qty, -1n, 'flipped short');
  t.is(pos.cost, -(PX + 3n * TICK));
  t.is(pos.realised, 2n * 3n * TICK, 'the closed two contracts gained 3 ticks each');
});

test('S11 M11 a round trip inside one epoch pays the aggressor tax; maker fills never enter the ledger', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 2n)));
  ok(t, p.run((_d, b) => b.place(NOW, D2, 0n, 0n, PX - TICK, 2n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 2n, PX, 5_000n, 5_000n, 0n, 1)));
  const first = ok(t, p.run((d) => d.commit(NOW, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)));
  t.is(first.tax, 0n);
  ok(t, p.run((d) => d.reserve(NOW, A, 1n, 2n, PX - TICK, 5_000n, 5_000n, 0n, 2)));
  const second = ok(t, p.run((d) => d.commit(NOW, 1, (d.legs[1] as Desk['legs'][number]).reveal, (d.legs[1] as Desk['legs'][number]).capId)));
  t.true(second.tax > 0n);
  const ledger = slabOf(p).aggressors.slots.filter((x) => x !== null);
  t.deepEqual(ledger.map((e) => e.account), [A], 'only the taker');
});

test('M1 at one price the earlier order fills first', (t) => {
  const p = pair(t);
  const first = ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 1n)));
  ok(t, p.run((_d, b) => b.place(NOW, D2, 0n, 1n, PX, 1n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 1n, PX, 5_000n, 5_000n, 0n, 1)));
  const s = slabOf(p);
  const res = s.reservations.slots.find((x) => x !== null) as M.Reservation;
  t.is((s.slices.slots[res.sliceHead] as M.Slice).orderId, first.orderId);
});

test('M6 R4 P7 a wrong salt, side or qty, an expired reservation, an expired cap, a foreign or unknown cap all fail and change nothing', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 4n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 1n, PX, 5_000n, 100n, 0n, 1)));
  ok(t, p.run((d) => d.reserve(NOW, B, 0n, 1n, PX, 5_000n, 5_000n, 1n, 2)));
  const leg = (d: Desk, i: number) => d.legs[i] as Desk['legs'][number];
  err(t, p.run((d) => d.commit(NOW, 0, { ...leg(d, 0).reveal, salt: new Uint8Array(32) }, leg(d, 0).capId)), 'COMMITMENT_MISMATCH');
  err(t, p.run((d) => d.commit(NOW, 0, { ...leg(d, 0).reveal, qty: 2n }, leg(d, 0).capId)), 'COMMITMENT_MISMATCH');
  err(t, p.run((d) => d.commit(NOW, 0, leg(d, 0).reveal, 999n)), 'CAP_NO_SUCH');
  err(t, p.run((d) => d.commit(NOW + 100n, 0, leg(d, 0).reveal, leg(d, 0).capId)), 'CAP_EXPIRED');
  err(t, p.run((d) => d.commit(NOW, 1, leg(d, 1).reveal, leg(d, 1).capId)), 'CAP_EXCEEDS_REMAINING');
  err(t, p.run((d) => d.commit(NOW + 5_000n, 1, leg(d, 1).reveal, leg(d, 1).capId)), 'RESERVATION_EXPIRED');
  ok(t, p.run((d) => d.cancel(NOW, 1)));
  err(t, p.run((d) => d.commit(NOW, 0, leg(d, 0).reveal, leg(d, 1).capId)), 'CAP_BURNED');
});

test('M8 during the freeze a late order inside the top-K band waits a batch as PENDING', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX + 2n * TICK, 1n)));
  ok(t, p.run((_d, b) => b.place(NOW, D2, 0n, 1n, PX + 3n * TICK, 1n)));
  ok(t, p.run((_d, b) => b.batchOpen(NOW + 50n)));
  t.is(ok(t, p.run((_d, b) => b.place(NOW + 60n, D1, 0n, 1n, PX + 3n * TICK, 1n))).state, 'PENDING', 'at the frozen 2nd level');
  t.is(ok(t, p.run((_d, b) => b.place(NOW + 60n, D1, 0n, 1n, PX + 4n * TICK, 1n))).state, 'LIVE', 'outside the band');
});

test('M9 an order created after its batch opened pays the taker rate as maker (JIT penalty)', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 1n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 1n, PX, 5_000n, 5_000n, 0n, 1)));
  ok(t, p.run((d) => d.commit(NOW, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)));
  const s = slabOf(p);
  t.is(s.feesAccrued, (PX * s.header.takerBps + 9_999n) / 10_000n, 'created_at > batch_open_at: taker bps');
});

test('M10 R7 a worst price outside the kill band around the oracle is rejected; stale oracle fails over, then ORACLE_STALE', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 1n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 1n, PX, 5_000n, 5_000n, 0n, 1)));
  for (const d of p.desks) d.b.publish(FEED, PX * 2n, NOW + 1n);
  err(t, p.run((d) => d.commit(NOW + 1n, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)), 'KILL_BAND');
  err(t, p.run((d) => d.commit(NOW + 3_000n, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)), 'ORACLE_STALE');
  t.like(p.vm.slab.oraclePrice(ROUTER, NOW + 3_000n), { ok: false, error: 'ORACLE_STALE' });
  t.like(p.vm.slab.oraclePrice(ROUTER, NOW + 2n), { ok: true, out: { price: PX * 2n } });
});

test('P4 R10 every slab entry point refuses a caller other than the router', (t) => {
  const p = pair(t);
  const s = p.vm.slab;
  for (const r of [
    s.place(A, NOW, A, 0n, 0n, PX, 1n),
    s.cancelOrder(A, NOW, A, 1n << 20n),
    s.batchOpen(A, NOW + 50n, 0n),
    s.cancelHold(A, NOW, 1n, 0n),
    s.fundingTick(A, NOW, 0n),
    s.liquidationCall(A, NOW, A, 0n, 100n),
    s.settle(A, NOW, A),
    s.setDlp(A, NOW, A, true),
    s.setFees(A, NOW, 1n, 1n),
  ])
    t.like(r, { ok: false, error: 'NOT_ROUTER', code: 213 });
  err(t, p.run((_d, b) => b.liquidationCall(NOW, A, 100n, C)), 'NOT_ROUTER');
});

test('PFM3 a full order pool fails POOL_FULL_ORDERS; the class allowance comes first (ALLOWANCE_EXCEEDED)', (t) => {
  const p = pair(t);
  for (let i = 0; i < 4; i++) ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 1n)));
  err(t, p.run((_d, b) => b.place(NOW, D2, 0n, 1n, PX, 1n)), 'ALLOWANCE_EXCEEDED');
  for (let i = 0; i < 6; i++) ok(t, p.run((_d, b) => b.place(NOW, USERS[2 + (i % 3)] as bigint, 0n, 0n, PX - TICK, 1n)));
  t.is(slabOf(p).orders.used, 10);
});

test('RM6 RM7 funding: one premium per interval on the shared grid, missed intervals applied once; payments sum to zero; settle moves realised out', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX + 2n * TICK, 2n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 2n, PX + 2n * TICK, 5_000n, 5_000n, 0n, 1)));
  ok(t, p.run((d) => d.commit(NOW, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)));
  for (const d of p.desks) d.b.publish(FEED, PX, NOW + 2_900n);
  const f = ok(t, p.run((_d, b) => b.fundingTick(NOW + 2_900n)));
  t.is(f.intervals, 3n, 'intervals 1000..1002 of the grid, each once');
  t.is(f.ratePerContract, 2n * TICK, 'premium = last trade − index, inside the cap');
  t.is(f.cumFunding, 3n * 2n * TICK);
  t.deepEqual(ok(t, p.run((_d, b) => b.fundingTick(NOW + 2_950n))), { intervals: 0n, ratePerContract: 0n, cumFunding: f.cumFunding });
  const view = ok(t, p.vm.slab.position(ROUTER, NOW, A));
  const maker = ok(t, p.vm.slab.position(ROUTER, NOW, D1));
  t.is(view.owed + maker.owed, 0n);
  const moved = ok(t, p.run((d) => d.settle(NOW + 2_950n, A)));
  t.is(moved.moved, -view.owed);
});

test('L2 L3 liquidation_call closes against in-band unreserved depth only and never touches escrows or caps', (t) => {
  const p = pair(t);
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 1n, PX, 2n)));
  ok(t, p.run((d) => d.reserve(NOW, A, 0n, 2n, PX, 5_000n, 5_000n, 0n, 1)));
  ok(t, p.run((d) => d.commit(NOW, 0, (d.legs[0] as Desk['legs'][number]).reveal, (d.legs[0] as Desk['legs'][number]).capId)));
  ok(t, p.run((_d, b) => b.place(NOW, D2, 0n, 0n, PX - TICK, 1n)));
  ok(t, p.run((_d, b) => b.place(NOW, D1, 0n, 0n, PX - 50n * TICK, 1n)));
  ok(t, p.run((_d, b) => b.place(NOW, B, 0n, 1n, PX + TICK, 1n)));
  const before = custodyJson(p);
  const l = ok(t, p.run((_d, b) => b.liquidationCall(NOW, A, 200n)));
  t.is(l.closed, 1n, 'the order 5% away is beyond the 2% band');
  t.is(custodyJson(p), before);
});

test('S1 S2 governance fee changes through the router reach the header; DLP edits change the class', (t) => {
  const p = pair(t);
  ok(t, p.vm.slab.setFees(ROUTER, NOW, 3n, 7n));
  t.deepEqual([slabOf(p).header.makerBps, slabOf(p).header.takerBps], [3n, 7n]);
  ok(t, p.vm.slab.setDlp(ROUTER, NOW, A, true));
  ok(t, p.vm.slab.setDlp(ROUTER, NOW, D1, false));
  t.deepEqual(slabOf(p).header.dlp, [D2, A]);
  t.is(ok(t, p.vm.slab.place(ROUTER, NOW, A, 0n, 0n, PX, 1n)).state, 'LIVE');
});
