/**
 * PERP-AUTH-001 on CurveVM (P1, P3): a user-class Router entry acts only for the account that signed the
 * top-level call (origin). A call for one user signed by another fails NOT_SIGNER and changes nothing
 * (the VM observables stay byte-equal and equal to the model's); the same call signed by the user runs
 * and equals the golden model, whose user operations are signed by their user by definition. Keeper
 * entries (settle here) take any signer. The venue is venue-harness.ts `Pair`.
 */
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import * as M from '../../../reference/perp/model/index.ts';
import { commitment } from '../../../reference/script/ids.ts';
import type { VenueVm } from '../../../reference/perp/vm/venue-vm.ts';
import type { VmOut } from '../../../reference/perp/vm/slab-vm.ts';
import { GOV, MAKERS, Pair, PX, TAKERS, TICK, USDC } from './venue-harness.ts';

const USER = TAKERS[0];
const OTHER = TAKERS[1];
const BUY_PX = PX + 2n * TICK;
const salt = (n: number): Uint8Array => new Uint8Array(32).fill(n & 0xff);
const snap = (p: Pair): string => JSON.stringify(M.observe(p.vm.state()), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** A call for another account signed by `signer`: NOT_SIGNER, the VM state unchanged and still equal to the model. */
function refused(t: ExecutionContext, p: Pair, signer: bigint, what: string, call: (vm: VenueVm) => VmOut<unknown>): void {
  const before = snap(p);
  const r = p.vm.signedBy(signer, call);
  t.false(r.ok, `${what} signed by ${signer.toString(16)} ran`);
  if (!r.ok) t.is(r.error, 'NOT_SIGNER', what);
  t.is(snap(p), before, `${what}: state unchanged`);
  p.check(what);
}

/** A maker's one-lot ask on slab 0 (the liquidity a route reserves). */
function ask(p: Pair): bigint {
  const slab = p.slabIds[0] as bigint;
  let placed: M.Placed | undefined;
  const r = p.both('place', () => p.vm.placeOrder(MAKERS[0], slab, 0n, 1, PX + TICK, 1n, p.now), (s) => (placed = M.placeOrder(s, MAKERS[0], slab, 0n, 1, PX + TICK, 1n, p.now)));
  if (!r.ok || !placed) throw new Error(`ask: ${r.ok ? 'no order' : r.error}`);
  return placed.orderId;
}

/** The one-leg buy the user's next route holds on slab 0, with its reveal. */
function legOf(p: Pair, n: number): { legs: M.LegRequest[]; reveal: M.Chosen['reveal'] } {
  const routeId = M.nextRouteId(p.st, USER);
  const reveal = { side: 0 as const, qty: 1n, limitPx: BUY_PX, salt: salt(n) };
  return { legs: [{ slab: p.slabIds[0] as bigint, instrument: 0n, side: 0, qty: 1n, limitPx: BUY_PX, commitment: commitment(routeId, 0n, 0n, 1n, BUY_PX, reveal.salt) }], reveal };
}

function reserve(p: Pair, n: number): { routeId: bigint; chosen: M.Chosen[] } {
  const { legs, reveal } = legOf(p, n);
  const r = p.both('reserveRoute', () => p.vm.reserveRoute(USER, legs, 1_000n, p.now), (s) => M.reserveRoute(s, USER, legs, 1_000n, p.now));
  if (!r.ok) throw new Error(`reserve: ${r.error}`);
  const out = r.out as { routeId: bigint; legs: readonly { holdId: bigint }[] };
  return { routeId: out.routeId, chosen: [{ holdId: (out.legs[0] as { holdId: bigint }).holdId, reveal }] };
}

test('PERP-AUTH-001 P1 P3 another account cannot withdraw a user\'s cash, deposit or fund insurance from its wallet (NOT_SIGNER, state unchanged); the user can', (t) => {
  const p = new Pair();
  for (const signer of [OTHER, GOV, MAKERS[0]]) refused(t, p, signer, 'withdraw', (vm) => vm.withdraw(USER, USDC, 1_000n, p.now));
  refused(t, p, OTHER, 'deposit', (vm) => vm.deposit(USER, USDC, 1_000n, p.now));
  refused(t, p, GOV, 'fund_insurance', (vm) => vm.fundInsurance(USER, 1_000n, p.now));
  t.true(p.both('withdraw', () => p.vm.withdraw(USER, USDC, 1_000n, p.now), (s) => M.withdraw(s, USER, USDC, 1_000n, p.now)).ok, 'the user withdraws');
  t.true(p.both('deposit', () => p.vm.deposit(USER, USDC, 1_000n, p.now), (s) => M.deposit(s, USER, USDC, 1_000n)).ok, 'the user deposits');
  t.true(p.both('fundInsurance', () => p.vm.fundInsurance(USER, 1_000n, p.now), (s) => M.fundInsurance(s, USER, 1_000n)).ok, 'the user funds insurance');
});

test('PERP-AUTH-001 P1 P3 another account cannot reserve, commit, fail or cancel a route for a user (NOT_SIGNER, state unchanged); the user can', (t) => {
  const p = new Pair();
  ask(p);
  refused(t, p, OTHER, 'reserve_route', (vm) => vm.reserveRoute(USER, legOf(p, 1).legs, 1_000n, p.now));
  const a = reserve(p, 1);
  refused(t, p, OTHER, 'commit_route', (vm) => vm.commitRoute(USER, a.routeId, a.chosen, p.now));
  refused(t, p, MAKERS[0], 'cancel_route', (vm) => vm.cancelRoute(USER, a.routeId, p.now));
  refused(t, p, GOV, 'fail_route', (vm) => vm.call('fail_route', [USER, a.routeId, 303n], USER, p.now, () => ({})));
  const c = p.bothResult('commitRoute', () => p.vm.commitRoute(USER, a.routeId, a.chosen, p.now), (s) => M.commitRoute(s, USER, a.routeId, a.chosen, p.now));
  t.true(c.ok, 'the user commits');
  t.false(p.st.router.routes.has(a.routeId), 'committed, so freed (PERP-ROUTE-007)');
  ask(p);
  const b = reserve(p, 2);
  refused(t, p, OTHER, 'cancel_route', (vm) => vm.cancelRoute(USER, b.routeId, p.now));
  t.deepEqual(p.both('cancelRoute', () => p.vm.cancelRoute(USER, b.routeId, p.now), (s) => M.cancelRoute(s, USER, b.routeId).cancelled, (n) => n), { ok: true, out: 1 }, 'the user cancels');
});

test('PERP-AUTH-001 P1 P3 another account cannot place or cancel a maker order for a user (NOT_SIGNER, state unchanged); the user can', (t) => {
  const p = new Pair();
  const slab = p.slabIds[0] as bigint;
  refused(t, p, USER, 'place_order', (vm) => vm.placeOrder(MAKERS[0], slab, 0n, 1, PX + TICK, 1n, p.now));
  const id = ask(p);
  refused(t, p, USER, 'cancel_order', (vm) => vm.cancelOrder(MAKERS[0], slab, id, p.now));
  refused(t, p, MAKERS[1], 'cancel_order', (vm) => vm.cancelOrder(MAKERS[0], slab, id, p.now));
  t.true(p.both('cancelOrder', () => p.vm.cancelOrder(MAKERS[0], slab, id, p.now), (s) => M.cancelOrder(s, MAKERS[0], slab, id)).ok, 'the maker cancels');
  t.false([...(p.st.slabs.get(slab)?.orders.slots ?? [])].some((o) => o?.id === id), 'the order is gone');
});

test('PERP-AUTH-001 settle is a keeper entry: signed by another account it runs and equals the model', (t) => {
  const p = new Pair();
  for (const signer of [OTHER, GOV]) t.true(p.both('settle', () => p.vm.signedBy(signer, (vm) => vm.settle(USER, p.now)), (s) => M.settle(s, USER), (o) => o).ok);
});

/** The user-class entries with their argument word counts (the user first; stdlib/router.curve). */
const USER_ENTRIES: readonly (readonly [string, number])[] = [
  ['deposit', 3], ['withdraw', 3], ['fund_insurance', 2], ['reserve_route', 3 + 8 * 7], ['commit_route', 3 + 8 * 6],
  ['fail_route', 3], ['cancel_route', 2], ['place_order', 6], ['cancel_order', 3],
];

test('PERP-AUTH-001 P1 P3 property: any user entry, any arguments, signed by anyone but its user fails NOT_SIGNER first and changes nothing', (t) => {
  const p = new Pair();
  ask(p);
  reserve(p, 1);
  const accounts = [...MAKERS, ...TAKERS, GOV, 0n, 0x7777n];
  const before = snap(p);
  fc.assert(
    fc.property(
      fc.constantFrom(...USER_ENTRIES),
      fc.constantFrom(...accounts),
      fc.constantFrom(...accounts),
      fc.array(fc.bigInt({ min: 0n, max: 2n ** 32n }), { minLength: 64, maxLength: 64 }),
      ([entry, n], user, signer, words) => {
        fc.pre(user !== signer);
        const r = p.vm.signedBy(signer, (vm) => vm.call(entry, [user, ...words.slice(0, n - 1)], user, p.now, () => ({})));
        return !r.ok && r.error === 'NOT_SIGNER';
      },
    ),
    { numRuns: 60, seed: 15 },
  );
  t.is(snap(p), before, 'no refused call changed the state');
  p.check('after the refused calls');
});
