/**
 * The capacity rules on CurveVM next to the golden model (spec/perp.md PERP-RTR-006, PERP-ROUTE-005,
 * PERP-ROUTE-008, PERP-BATCH-002): the Router template and the model fail at the same point with the same
 * §12 code, and the whole observable state stays equal (venue-harness.ts `Pair`).
 */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { commitment } from '../../../reference/script/ids.ts';
import { BACKUP, FEED, GOV, MAKERS, Pair, PX, TAKERS, TICK, USDC, VENUE } from './venue-harness.ts';

const salt = (n: number): Uint8Array => new Uint8Array(32).fill(n & 0xff);

/** A one-leg route of one lot on slab i (a buy up to PX + 2 ticks, or a sell down to PX − 2 ticks). */
function route(p: Pair, u: bigint, i: number, ttl: bigint, n: number, side: 0 | 1 = 0) {
  const routeId = M.nextRouteId(p.st, u);
  const slab = p.slabIds[i] as bigint;
  const limitPx = side === 0 ? PX + 2n * TICK : PX - 2n * TICK;
  const legs: M.LegRequest[] = [{ slab, instrument: 0n, side, qty: 1n, limitPx, commitment: commitment(routeId, 0n, BigInt(side), 1n, limitPx, salt(n)) }];
  return p.both('reserveRoute', () => p.vm.reserveRoute(u, legs, ttl, p.now), (s) => M.reserveRoute(s, u, legs, ttl, p.now));
}

/** Reserve and commit a one-lot route. */
function trade(p: Pair, u: bigint, i: number, side: 0 | 1, n: number): void {
  const r = route(p, u, i, 1_000n, n, side);
  if (!r.ok) throw new Error(`trade reserve: ${r.error}`);
  const out = r.out as { routeId: bigint; legs: readonly { holdId: bigint }[] };
  const limitPx = side === 0 ? PX + 2n * TICK : PX - 2n * TICK;
  const chosen: M.Chosen[] = [{ holdId: (out.legs[0] as { holdId: bigint }).holdId, reveal: { side, qty: 1n, limitPx, salt: salt(n) } }];
  const c = p.bothResult('commitRoute', () => p.vm.commitRoute(u, out.routeId, chosen, p.now), (st) => M.commitRoute(st, u, out.routeId, chosen, p.now));
  if (!c.ok) throw new Error(`trade commit: ${c.error}`);
}

/** New money for `u`: its wallet grows on both sides (and the VAL2 total), then it deposits it. */
function fund(p: Pair, u: bigint, amount: bigint): void {
  const w = M.wallet(p.st.custody, u, USDC) + amount;
  p.vm.setWallet(u, USDC, w);
  M.setWallet(p.st.custody, u, USDC, w);
  p.hostTotal += amount;
  const r = p.both('deposit', () => p.vm.deposit(u, USDC, amount, p.now), (s) => M.deposit(s, u, USDC, amount));
  if (!r.ok) throw new Error(`fund: ${r.error}`);
}

function ask(p: Pair, i: number, qty: bigint): void {
  const slab = p.slabIds[i] as bigint;
  const r = p.both('place', () => p.vm.placeOrder(MAKERS[0], slab, 0n, 1, PX + TICK, qty, p.now), (s) => M.placeOrder(s, MAKERS[0], slab, 0n, 1, PX + TICK, qty, p.now));
  if (!r.ok) throw new Error(`ask: ${r.error}`);
}

test('PERP-ROUTE-008 on CurveVM: the ninth open route of a user is OPEN_ROUTES_LIMIT; one expire_routes call cancels at most EXPIRE_MAX, oldest first', (t) => {
  const p = new Pair();
  for (const i of [0, 1]) ask(p, i, 9n);
  const flooders = [MAKERS[1], TAKERS[0]] as const;
  fund(p, TAKERS[0], 200_000_000n);
  for (const u of flooders) {
    for (let k = 0; k < M.MAX_OPEN_ROUTES; k++) t.true(route(p, u, k % 2, 1_000n + BigInt(k), k).ok);
    const r = route(p, u, 0, 1_000n, 99);
    t.false(r.ok);
    if (!r.ok) t.is(r.error, 'OPEN_ROUTES_LIMIT');
  }
  p.now += 2_000n;
  for (const f of [FEED, BACKUP]) p.publish(f, PX);
  const first = p.both('expireRoutes', () => p.vm.expireRoutes(GOV, p.now), (s) => M.expireRoutes(s, p.now));
  t.deepEqual(first, { ok: true, out: M.EXPIRE_MAX });
  const second = p.both('expireRoutes', () => p.vm.expireRoutes(GOV, p.now), (s) => M.expireRoutes(s, p.now));
  t.deepEqual(second, { ok: true, out: 2 * M.MAX_OPEN_ROUTES - M.EXPIRE_MAX });
  t.is(p.vm.state().router.routes.size, 0, 'PERP-ROUTE-007: every expired route freed its record');
});

test('PERP-ROUTE-005 PERP-ROUTE-009 on CurveVM: fail_route of an unknown, foreign or finished (freed) route fails 405/406 and changes nothing', (t) => {
  const p = new Pair();
  ask(p, 0, 2n);
  const r = route(p, TAKERS[0], 0, 1_000n, 1);
  t.true(r.ok);
  const id = r.ok ? (r.out as { routeId: bigint }).routeId : 0n;
  const before = JSON.stringify(M.observe(p.vm.state()), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const code = (u: bigint, rid: bigint): number | undefined => {
    const o = p.vm.call('fail_route', [u, rid, 303n], u, p.now, () => 0);
    return o.ok ? undefined : o.code;
  };
  t.is(code(TAKERS[0], 0x55n), M.PERP_ERRORS.UNKNOWN_ROUTE);
  t.is(code(TAKERS[1], id), M.PERP_ERRORS.NOT_ROUTE_OWNER);
  t.is(JSON.stringify(M.observe(p.vm.state()), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), before);
  p.both('cancelRoute', () => p.vm.cancelRoute(TAKERS[0], id, p.now), (s) => M.cancelRoute(s, TAKERS[0], id).cancelled);
  t.is(code(TAKERS[0], id), M.PERP_ERRORS.UNKNOWN_ROUTE, 'the cancelled route freed its record: its id is unknown');
});

test('PERP-BATCH-002 on CurveVM: batch_open with more than PENDING_MAX pending orders fails PENDING_LIMIT as in the model; after one cancel it promotes them all', (t) => {
  const venue = VENUE.replaceAll('POOLS accounts=8 orders=16', 'POOLS accounts=8 orders=160');
  const p = new Pair({ venue, allowances: { dlp: 8n, reg: 200n } });
  const slab = p.slabIds[0] as bigint;
  const u = TAKERS[1];
  fund(p, u, 1_000_000_000n);
  let last = 0n;
  for (let k = 0; k <= M.PENDING_MAX; k++) {
    let placed: M.Placed | undefined;
    const px = PX - 50n * TICK;
    const vm = p.vm.placeOrder(u, slab, 0n, 0, px, 1n, p.now);
    const r = M.step(p.st, (s) => (placed = M.placeOrder(s, u, slab, 0n, 0, px, 1n, p.now)));
    p.st = r.state;
    t.true(vm.ok && r.ok && placed?.state === 'PENDING', `pending order ${k}: VM ${vm.ok ? 'ok' : vm.error}, model ${r.ok ? placed?.state : r.error}`);
    last = placed?.orderId ?? 0n;
  }
  p.check('after the pending orders');
  p.now += 100n;
  for (const f of [FEED, BACKUP]) p.publish(f, PX);
  const full = p.both('openBatch', () => p.vm.openBatch(slab, 0n, p.now), (s) => M.openBatch(s, slab, 0n, p.now));
  t.false(full.ok);
  if (!full.ok) t.is(full.error, 'PENDING_LIMIT');
  p.both('cancelOrder', () => p.vm.cancelOrder(u, slab, last, p.now), (s) => M.cancelOrder(s, u, slab, last));
  t.deepEqual(p.both('openBatch', () => p.vm.openBatch(slab, 0n, p.now), (s) => M.openBatch(s, slab, 0n, p.now)), { ok: true, out: { epoch: 1n, promoted: BigInt(M.PENDING_MAX) } });
});

test('PERP-RTR-006 on CurveVM: the router account table takes MAX_ACCOUNTS users; one more deposit is ACCOUNTS_FULL as in the model', (t) => {
  const p = new Pair();
  for (let u = 0x10_000n; p.st.router.accounts.size < M.MAX_ACCOUNTS; u++) {
    p.vm.setWallet(u, USDC, 1n);
    M.setWallet(p.st.custody, u, USDC, 1n);
    p.hostTotal += 1n;
    const vm = p.vm.deposit(u, USDC, 1n, p.now);
    M.deposit(p.st, u, USDC, 1n);
    if (!vm.ok) t.fail(`deposit ${u}: ${vm.error}`);
  }
  p.check('full account table');
  const late = 0x90_000n;
  p.vm.setWallet(late, USDC, 1n);
  M.setWallet(p.st.custody, late, USDC, 1n);
  p.hostTotal += 1n;
  const r = p.both('deposit', () => p.vm.deposit(late, USDC, 1n, p.now), (s) => M.deposit(s, late, USDC, 1n));
  t.false(r.ok);
  if (!r.ok) t.is(r.error, 'ACCOUNTS_FULL');
  t.true(p.both('deposit', () => p.vm.deposit(late, USDC, 0n, p.now), (s) => M.deposit(s, late, USDC, 0n)).ok, 'a zero deposit takes no entry');
});

test('PERP-MARGIN-001 on CurveVM: a flat position record (qty, cost and realised 0) is still an exposure, so a stale feed fails the margin check as in the model', (t) => {
  const p = new Pair();
  const slab = p.slabIds[1] as bigint;
  for (const side of [0, 1] as const) p.both('place', () => p.vm.placeOrder(MAKERS[0], slab, 0n, side, PX, 1n, p.now), (s) => M.placeOrder(s, MAKERS[0], slab, 0n, side, PX, 1n, p.now));
  trade(p, TAKERS[0], 1, 0, 1);
  trade(p, TAKERS[0], 1, 1, 2);
  const pos = [...(p.st.slabs.get(slab)?.positions.slots ?? [])].find((x) => x?.owner === TAKERS[0]);
  t.deepEqual([pos?.qty, pos?.cost, pos?.realised], [0n, 0n, 0n], 'a round trip at one price leaves a zero record');
  p.now += 3_000n;
  const r = p.both('withdraw', () => p.vm.withdraw(TAKERS[0], USDC, 1n, p.now), (s) => M.withdraw(s, TAKERS[0], USDC, 1n, p.now));
  t.false(r.ok);
  if (!r.ok) t.is(r.error, 'ORACLE_STALE');
  p.both('settle', () => p.vm.settle(TAKERS[0], p.now), (s) => M.settle(s, TAKERS[0]));
  t.true(p.both('withdraw', () => p.vm.withdraw(TAKERS[0], USDC, 1n, p.now), (s) => M.withdraw(s, TAKERS[0], USDC, 1n, p.now)).ok, 'settled and freed: no exposure, no price needed');
});
