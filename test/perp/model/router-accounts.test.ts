/** P1–P11: Router accounts, custody and registry (spec/invariants.md §P). */
import test from 'ava';
import { SYS_STATUS } from '../../../reference/vm/syscalls.ts';
import * as M from '../../../reference/perp/model/index.ts';
import { commit } from '../../../reference/perp/model/commit.ts';
import { newCustody } from '../../../reference/perp/model/custody.ts';
import { reserve } from '../../../reference/perp/model/reserve.ts';
import { ALICE, BOB, GOV, SOL_FEED, PX, ROUTER, SLAB_A, SLAB_B, SALT, T0, TICK, USDC, V2, book, legs, ok, slab, trade, venue } from './helpers.ts';

function funded(): M.Custody {
  const c = newCustody();
  c.vaults.set(USDC, 1_000n);
  M.escrowCredit(c, ALICE, SLAB_A, USDC, 100n);
  return c;
}

test('P1 a slab cannot move vault funds except through a cap scoped to it', (t) => {
  const c = funded();
  const cap = M.capMint(c, ALICE, SLAB_A, USDC, 50n, T0 + 10n);
  t.is(M.guardedDebit(c, SLAB_B, T0, cap, 10n), SYS_STATUS.SCOPE);
  t.is(M.vault(c, USDC), 900n);
  t.is(M.guardedDebit(c, SLAB_A, T0, cap, 10n), SYS_STATUS.OK);
  t.is(M.vault(c, USDC), 910n);
});

test('P2 the vault holds only the router collateral asset', (t) => {
  const r = M.step(venue(), (s) => M.deposit(s, ALICE, 0xdeadn, 1n));
  t.is(r.ok ? '' : r.error, 'UNKNOWN_ASSET');
});

test('P3 vault and wallets never go negative: a withdrawal above cash is rejected', (t) => {
  const st = venue();
  const r = M.step(st, (s) => M.withdraw(s, ALICE, USDC, M.cashOf(s, ALICE) + 1n, T0));
  t.is(r.ok ? '' : r.error, 'INSUFFICIENT_CASH');
  t.is(r.state, st);
  const d = M.step(st, (s) => M.deposit(s, ALICE, USDC, 10n ** 15n));
  t.is(d.ok ? '' : d.error, 'WALLET_BALANCE');
});

test('P4 only the router drives a slab: a direct reserve is NOT_ROUTER', (t) => {
  const s = slab(book(venue()));
  t.throws(() => reserve(s, ALICE, T0, { routeId: 1n, user: ALICE, instrument: 0n, side: 0, qty: 1n, limitPx: PX + TICK, ttl: 10n, commitment: SALT }), { message: /NOT_ROUTER/ });
});

test('P5 escrow never negative; release on cancel is idempotent', (t) => {
  const st = book(venue());
  const specs = [{ slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK }];
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, specs), 10_000n, T0)));
  t.true(M.escrow(r.state.custody, ALICE, SLAB_A, USDC).balance > 0n);
  const c1 = ok(t, M.step(r.state, (s) => M.cancelRoute(s, ALICE, r.out.routeId)));
  const c2 = M.step(c1.state, (s) => M.cancelRoute(s, ALICE, r.out.routeId));
  t.is(c2.ok ? '' : c2.error, 'UNKNOWN_ROUTE', 'PERP-ROUTE-009: the repeat finds no route and changes nothing');
  t.is(M.escrow(c2.state.custody, ALICE, SLAB_A, USDC).balance, 0n);
  t.is(M.cashOf(c2.state, ALICE), M.cashOf(st, ALICE));
  t.deepEqual(M.observe(c2.state), M.observe(c1.state));
});

test('P6 a slab cannot use a cap minted for another slab, and caps change only by the guarded debit', (t) => {
  const st = book(venue());
  const specs = [{ slab: SLAB_A, side: 0 as const, qty: 5n, limitPx: PX + TICK }];
  const r = ok(t, M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, specs), 10_000n, T0)));
  const s2 = M.cloneState(r.state);
  const capB = M.capMint(s2.custody, ALICE, SLAB_B, USDC, 1_000_000n, T0 + 100n);
  const before = M.observe(s2);
  t.throws(() => commit(slab(s2), ROUTER, T0, s2.custody, s2.oracles, r.out.legs[0]!.holdId, capB, { side: 0, qty: 5n, limitPx: PX + TICK, salt: SALT }), { message: /CAP_SCOPE/ });
  t.deepEqual((M.observe(s2) as { custody: unknown }).custody, (before as { custody: unknown }).custody);
});

test('P7 rejects a debit after expiry or beyond remaining', (t) => {
  const c = funded();
  const cap = M.capMint(c, ALICE, SLAB_A, USDC, 50n, T0 + 10n);
  t.is(M.guardedDebit(c, SLAB_A, T0 + 10n, cap, 1n), SYS_STATUS.EXPIRED);
  t.is(M.guardedDebit(c, SLAB_A, T0, cap, 51n), SYS_STATUS.EXCEEDS_REMAINING);
  t.is(M.guardedDebit(c, SLAB_A, T0, 99n, 1n), SYS_STATUS.NO_SUCH_CAP);
  t.is(M.escrow(c, ALICE, SLAB_A, USDC).balance, 100n);
});

test('P8 portfolio IM is computed on net exposure across slabs', (t) => {
  let st = book(book(venue()), SLAB_B);
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 5n, limitPx: PX + TICK }], T0)).state;
  const one = M.portfolio(st, ALICE, T0).im;
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_B, side: 1, qty: 5n, limitPx: PX - TICK }], T0)).state;
  t.true(one > 0n);
  t.is(M.portfolio(st, ALICE, T0).im, 0n);
});

test('P9 equity = cash + Σ (realised − funding owed + unrealised PnL)', (t) => {
  let st = book(venue());
  st = ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 10n, limitPx: PX + TICK }], T0)).state;
  st = ok(t, M.step(st, (s) => M.publishPrice(s, SOL_FEED, PX + 10n * TICK, T0 + 1n))).state;
  const pf = M.portfolio(st, ALICE, T0 + 1n);
  const p = M.positionsOf(st, ALICE)[0]!.p;
  const upnl = p.qty * (PX + 10n * TICK) - p.cost;
  t.is(pf.equity, M.cashOf(st, ALICE) + p.realised + upnl);
  t.is(upnl, 10n * 9n * TICK);
});

test('P10 only governance changes the registry', (t) => {
  const st = venue();
  for (const f of [(s: M.PerpState) => M.registerSlab(s, ALICE, SLAB_A), (s: M.PerpState) => M.setSlabFees(s, BOB, SLAB_A, 1n, 1n), (s: M.PerpState) => M.approveVersion(s, ALICE, V2)]) {
    const r = M.step(st, f);
    t.is(r.ok ? '' : r.error, 'NOT_GOVERNANCE');
  }
  const again = M.step(st, (s) => M.registerSlab(s, GOV, SLAB_A));
  t.is(again.ok ? '' : again.error, 'ALREADY_REGISTERED');
});

test('P11 reserve on an unregistered or stale-hash slab is rejected', (t) => {
  let st = book(venue());
  const specs = [{ slab: 0x999n, side: 0 as const, qty: 1n, limitPx: PX + TICK }];
  const r1 = M.step(st, (s) => M.reserveRoute(s, ALICE, legs(s, ALICE, specs), 10_000n, T0));
  t.is(r1.ok ? '' : r1.error, 'SLAB_NOT_REGISTERED');
  st = ok(t, M.step(st, (s) => M.upgradeSlabCode(s, SLAB_A, V2))).state;
  const r2 = trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX + TICK }], T0);
  t.is(r2.ok ? '' : r2.error, 'STALE_VERSION');
  st = ok(t, M.step(st, (s) => (M.approveVersion(s, GOV, V2), M.setSlabVersion(s, GOV, SLAB_A, V2)))).state;
  ok(t, trade(st, ALICE, [{ slab: SLAB_A, side: 0, qty: 1n, limitPx: PX + TICK }], T0));
});
