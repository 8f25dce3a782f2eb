/** Failure modes real venues suffered (issue 4), and capital efficiency, on the golden model. */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { ALICE, BOB, DLP, DLP2, PX, SLAB_A, SLAB_B, SOL_BACKUP, SOL_FEED, T0, TICK, USDC, book, ok, post, trade, venue } from './helpers.ts';

const price = (st: M.PerpState, px: bigint, at: bigint) => M.step(st, (s) => (M.publishPrice(s, SOL_FEED, px, at), M.publishPrice(s, SOL_BACKUP, px, at)));

test('scenario: an oracle pumped on a thin feed does not let unrealised profit back new positions or withdrawals', (t) => {
  let st = ok(t, trade(book(venue({ funds: 60_000_000n })), ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0)).state;
  st = ok(t, price(st, PX * 3n, T0 + 1n)).state;
  st = ok(t, post(st, DLP2, SLAB_A, 1, PX * 3n, 20n, T0 + 1n)).state;
  t.true(M.portfolio(st, ALICE, T0 + 1n).equity > M.cashOf(st, ALICE) * 10n);
  const more = trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX * 3n }], T0 + 1n);
  t.is(more.ok ? '' : more.error, 'INSUFFICIENT_MARGIN');
  const out = M.step(st, (s) => M.withdraw(s, ALICE, USDC, M.cashOf(s, ALICE), T0 + 1n));
  t.is(out.ok ? '' : out.error, 'INSUFFICIENT_MARGIN');
});

test('scenario: a withdrawal of more collateral than is free is rejected', (t) => {
  const st = ok(t, trade(book(venue()), ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0)).state;
  const pf = M.portfolio(st, ALICE, T0);
  const free = pf.imEquity - pf.imWorst;
  t.is((M.step(st, (s) => M.withdraw(s, ALICE, USDC, free + 1n, T0)) as { error?: string }).error, 'INSUFFICIENT_MARGIN');
  ok(t, M.step(st, (s) => M.withdraw(s, ALICE, USDC, free, T0)));
});

test('scenario: collateral exactly zero after fees with a position open is refused at commit', (t) => {
  const st = book(venue({ funds: 0n }));
  const fee = ((PX + TICK) * 5n + 9_999n) / 10_000n;
  const funded = ok(t, M.step(st, (s) => (M.setWallet(s.custody, ALICE, USDC, fee), M.deposit(s, ALICE, USDC, fee)))).state;
  const r = trade(funded, ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX + TICK }], T0);
  t.is(r.ok ? '' : r.error, 'INSUFFICIENT_MARGIN');
  t.is(M.positionsOf(r.state, ALICE).length, 0);
});

test('scenario: a liquidation cascade drains insurance and leaves the rest as a recorded deficit', (t) => {
  let st = book(venue({ funds: 60_000_000n }));
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0)).state;
  st = ok(t, trade(st, BOB, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + 2n * TICK }], T0)).state;
  t.is(st.router.insurance, 60_000_000n);
  const crash = PX / 2n;
  st = ok(t, post(st, DLP, SLAB_A, 0, crash - TICK, 100n, T0)).state;
  st = ok(t, price(st, crash, T0 + 1n)).state;
  for (const u of [ALICE, BOB]) st = ok(t, M.step(st, (s) => M.liquidate(s, u, T0 + 1n))).state;
  st = ok(t, price(st, crash, T0 + 6_000n)).state;
  for (const u of [ALICE, BOB]) st = ok(t, M.step(st, (s) => M.liquidate(s, u, T0 + 6_000n))).state;
  t.is(st.router.insurance, 0n);
  t.true(M.cashOf(st, BOB) < 0n);
  t.true(st.events.filter((e) => e.kind === 'insurance_paid').length >= 1);
  t.deepEqual(M.checkInvariants(st, { now: T0 + 6_000n }), []);
});

test('scenario: a sandwich inside one batch pays nothing to the attacker', (t) => {
  let st = book(venue());
  const cash0 = M.cashOf(st, BOB);
  st = ok(t, trade(st, BOB, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0)).state; // front-run
  st = ok(t, post(st, BOB, SLAB_A, 1, PX + 2n * TICK, 10n, T0)).state; // REG ask: PENDING this batch
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + 3n * TICK }], T0)).state; // victim
  t.false(st.slabs.get(SLAB_A)!.trades.some((x) => x && x.maker === BOB && x.taker === ALICE));
  st = ok(t, trade(st, BOB, [{ slab: SLAB_A, side: 1, qty: 10n, limitPx: PX - 3n * TICK }], T0)).state; // back-run
  st = ok(t, M.step(st, (s) => M.settle(s, BOB))).state;
  t.true(M.cashOf(st, BOB) - cash0 <= 0n);
});

test('capital efficiency: offsetting positions across slabs keep IM_router ≤ 1.05 × the monolithic IM', (t) => {
  let st = book(book(venue()), SLAB_B);
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + 2n * TICK }], T0)).state;
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_B, side: 1, qty: 7n, limitPx: PX - 2n * TICK }], T0)).state;
  let mono = book(venue());
  mono = ok(t, trade(mono, ALICE, [{ slab: SLAB_A, side: 0, qty: 3n, limitPx: PX + 2n * TICK }], T0)).state;
  const router = M.portfolio(st, ALICE, T0).im;
  const baseline = M.portfolio(mono, ALICE, T0).im;
  t.true(router * 100n <= baseline * 105n, `${router} vs ${baseline}`);
});
