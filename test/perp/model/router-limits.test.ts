/**
 * The capacity rules the templates' static bounds impose, stated in spec/perp.md and enforced by the model
 * so both sides fail the same way: the account table (PERP-RTR-006), the route table (PERP-ROUTE-007),
 * open routes per user and the expiry sweep (PERP-ROUTE-008), the pending walk of batch_open
 * (PERP-BATCH-002).
 */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { ALICE, BOB, DLP, PX, REG, SLAB_A, T0, TICK, USDC, book, legs, mustOk, post, venue } from './helpers.ts';

const one = [{ slab: SLAB_A, side: 0 as const, qty: 1n, limitPx: PX + TICK }];

test('PERP-RTR-006 the router account table takes MAX_ACCOUNTS users; one more is ACCOUNTS_FULL, known users and zero cash still pass', (t) => {
  const st = venue();
  const before = st.router.accounts.size;
  t.true(before > 0, 'deposits took entries');
  for (let u = 0n; st.router.accounts.size < M.MAX_ACCOUNTS; u++) {
    M.setWallet(st.custody, 1_000_000n + u, USDC, 1n);
    M.deposit(st, 1_000_000n + u, USDC, 1n);
  }
  M.setWallet(st.custody, 77n, USDC, 5n);
  const r = M.step(st, (s) => M.deposit(s, 77n, USDC, 5n));
  t.false(r.ok);
  if (!r.ok) t.is(r.error, 'ACCOUNTS_FULL');
  t.true(M.step(st, (s) => M.deposit(s, 77n, USDC, 0n)).ok, 'a zero deposit records no cash, so takes no entry');
  M.setWallet(st.custody, ALICE, USDC, 5n);
  t.true(M.step(st, (s) => M.deposit(s, ALICE, USDC, 5n)).ok, 'a user with an entry still deposits');
  t.is(st.router.accounts.size, M.MAX_ACCOUNTS);
});

test('PERP-RTR-006 an account entry is kept when its cash returns to zero (it is never freed)', (t) => {
  let st = venue();
  M.setWallet(st.custody, 99n, USDC, 10n);
  st = mustOk(M.step(st, (s) => M.deposit(s, 99n, USDC, 10n))).state;
  st = mustOk(M.step(st, (s) => M.withdraw(s, 99n, USDC, 10n, T0))).state;
  t.false(st.router.cash.has(99n));
  t.true(st.router.accounts.has(99n));
});

test('PERP-ROUTE-007 the router holds at most MAX_ROUTES open routes: one more is ROUTES_FULL', (t) => {
  const st = book(venue());
  for (let i = 0n; st.router.routes.size < M.MAX_ROUTES; i++) st.router.routes.set(1n << 100n | i, { routeId: 1n << 100n | i, user: BOB, expiry: T0 + 10_000n, status: 'open', legs: [] });
  const r = M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, one), 10_000n, T0));
  t.false(r.ok);
  if (!r.ok) t.is(r.error, 'ROUTES_FULL');
});

test('PERP-ROUTE-008 a user holds at most MAX_OPEN_ROUTES open routes (OPEN_ROUTES_LIMIT); closing one frees a place', (t) => {
  let st = book(venue());
  const ids: bigint[] = [];
  for (let i = 0; i < M.MAX_OPEN_ROUTES; i++) {
    const r = mustOk(M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, one), 10_000n, T0)));
    st = r.state;
    ids.push(r.out.routeId);
  }
  const full = M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, one), 10_000n, T0));
  t.false(full.ok);
  if (!full.ok) t.is(full.error, 'OPEN_ROUTES_LIMIT');
  t.true(M.step(st, (s) => M.reserveRoute(s, BOB, legs(s, BOB, one), 10_000n, T0)).ok, 'another user is not limited');
  st = mustOk(M.step(st, (s) => M.cancelRoute(s, ALICE, ids[0] as bigint))).state;
  t.true(M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, one), 10_000n, T0)).ok);
});

test('PERP-ROUTE-008 PERP-ROUTE-006 one expire_routes call cancels at most EXPIRE_MAX routes, oldest first; the next call takes the rest', (t) => {
  let st = venue({ slabA: { pools: { accounts: 64, orders: 64, positions: 64, reservations: 32, slices: 64, trades: 32, aggressors: 16 } } });
  for (let i = 1n; i <= 4n; i++) st = mustOk(post(st, DLP, SLAB_A, 1, PX + i * TICK, 30n)).state;
  const users = [ALICE, BOB, REG];
  const order: bigint[] = [];
  for (let i = 0; i < 18; i++) {
    const u = users[i % 3] as bigint;
    const r = mustOk(M.step(st, (s) => M.reserveRoute(s, u, legs(s, u, one), 1_000n, T0)));
    st = r.state;
    order.push(r.out.routeId);
  }
  const first = mustOk(M.step(st, (s) => M.expireRoutes(s, T0 + 1_000n)));
  t.is(first.out, M.EXPIRE_MAX);
  const open = [...first.state.router.routes.values()].filter((r) => r.status === 'open').map((r) => r.routeId);
  t.deepEqual(open, order.slice(M.EXPIRE_MAX), 'the oldest are cancelled first');
  t.is(mustOk(M.step(first.state, (s) => M.expireRoutes(s, T0 + 1_000n))).out, 18 - M.EXPIRE_MAX);
});

test('PERP-BATCH-002 batch_open fails PENDING_LIMIT with more than PENDING_MAX pending orders and succeeds once one is cancelled', (t) => {
  let st = venue({ slabA: { pools: { accounts: 64, orders: 256, positions: 64, reservations: 16, slices: 64, trades: 32, aggressors: 16 } } });
  let last = 0n;
  for (let i = 0; i <= M.PENDING_MAX; i++) {
    const r = mustOk(post(st, REG, SLAB_A, 0, PX - 10n * TICK, 1n));
    st = r.state;
    t.is(r.out.state, 'PENDING');
    last = r.out.orderId;
  }
  const at = T0 + 100n;
  const r = M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, at));
  t.false(r.ok);
  if (!r.ok) t.is(r.error, 'PENDING_LIMIT');
  st = mustOk(M.step(st, (s) => M.cancelOrder(s, REG, SLAB_A, last))).state;
  t.is(mustOk(M.step(st, (s) => M.openBatch(s, SLAB_A, 0n, at))).out.promoted, BigInt(M.PENDING_MAX));
});
