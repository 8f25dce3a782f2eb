/**
 * Route records as a pool on CurveVM next to the golden model (spec/perp.md PERP-ROUTE-007, PERP-ROUTE-009):
 * the Router template frees a finished route's record onto its free list and removes the id from its
 * open-addressed index (backward-shift deletion), so a venue makes more than MAX_ROUTES routes in its life,
 * and a finished route's id is UNKNOWN_ROUTE on both sides.
 */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { commitment, routeId as routeIdOf } from '../../../reference/script/ids.ts';
import { Prng } from '../../../reference/lib/prng.ts';
import { MAKERS, Pair, PX, TAKERS, TICK, USDC, VENUE } from './venue-harness.ts';

const SALT = new Uint8Array(32).fill(5);
const LIMIT = PX + 2n * TICK;
/** The template's id index size (ROUTE_IDX in stdlib/router.curve). */
const ROUTE_IDX = 8192n;

function oneLot(p: Pair, u: bigint): M.LegRequest[] {
  const id = M.nextRouteId(p.st, u);
  return [{ slab: p.slabIds[0] as bigint, instrument: 0n, side: 0, qty: 1n, limitPx: LIMIT, commitment: commitment(id, 0n, 0n, 1n, LIMIT, SALT) }];
}

function ask(p: Pair, qty: bigint): void {
  const slab = p.slabIds[0] as bigint;
  const r = p.both('place', () => p.vm.placeOrder(MAKERS[0], slab, 0n, 1, PX + TICK, qty, p.now), (s) => M.placeOrder(s, MAKERS[0], slab, 0n, 1, PX + TICK, qty, p.now));
  if (!r.ok) throw new Error(`ask: ${r.error}`);
}

function fund(p: Pair, u: bigint, amount: bigint): void {
  p.vm.setWallet(u, USDC, amount);
  M.setWallet(p.st.custody, u, USDC, amount);
  p.hostTotal += amount;
  const r = p.both('deposit', () => p.vm.deposit(u, USDC, amount, p.now), (s) => M.deposit(s, u, USDC, amount));
  if (!r.ok) throw new Error(`fund: ${r.error}`);
}

test('PERP-ROUTE-009 on CurveVM: route ids sharing one index home are found, freed and found again in any order (backward-shift deletion), as in the model', (t) => {
  // twelve users whose first route ids land on the same 4 index slots: one long probe run
  const home = (u: bigint): bigint => routeIdOf(u, 0n) % ROUTE_IDX;
  const h0 = home(0x5000n);
  const users: bigint[] = [0x5000n];
  for (let u = 0x5001n; users.length < 12; u++) if ((home(u) - h0 + ROUTE_IDX) % ROUTE_IDX < 4n) users.push(u);
  // slab pools with room for twelve accounts holding a reservation each
  const p = new Pair({ venue: VENUE.replaceAll('POOLS accounts=8 orders=16 positions=8 reservations=8 slices=16 trades=8 aggressors=6', 'POOLS accounts=16 orders=16 positions=16 reservations=16 slices=32 trades=8 aggressors=16') });
  ask(p, 30n);
  for (const u of users) fund(p, u, 50_000_000n);
  const open = new Map<bigint, { u: bigint; hold: bigint }>();
  const reserve = (u: bigint): void => {
    const legs = oneLot(p, u);
    let hold = 0n;
    const r = p.both('reserveRoute', () => p.vm.reserveRoute(u, legs, 1_000n, p.now), (s) => {
      const out = M.reserveRoute(s, u, legs, 1_000n, p.now);
      hold = (out.legs[0] as { holdId: bigint }).holdId;
      return out.routeId;
    }, (id) => id);
    if (!r.ok) throw new Error(`reserve: ${r.error}`);
    open.set(r.out as bigint, { u, hold });
  };
  for (const u of users) reserve(u);
  t.is(p.vm.routeSlotsUsed(), 12n);
  const rng = new Prng(0x5eed);
  const finished: { id: bigint; u: bigint }[] = [];
  for (let round = 0; round < 22; round++) {
    const ids = [...open.keys()];
    const id = ids[rng.below(ids.length)] as bigint;
    const { u, hold } = open.get(id) as { u: bigint; hold: bigint };
    if (round % 3 === 0) {
      const chosen: M.Chosen[] = [{ holdId: hold, reveal: { side: 0, qty: 1n, limitPx: LIMIT, salt: SALT } }];
      const c = p.bothResult('commitRoute', () => p.vm.commitRoute(u, id, chosen, p.now), (s) => M.commitRoute(s, u, id, chosen, p.now));
      t.true(c.ok, c.ok ? '' : c.error);
    } else t.true(p.both('cancelRoute', () => p.vm.cancelRoute(u, id, p.now), (s) => M.cancelRoute(s, u, id).cancelled, (n) => n).ok);
    open.delete(id);
    finished.push({ id, u });
    if (round % 2 === 1) reserve(u); // the user's next id (nonce + 1) takes a freed record
  }
  for (const f of finished) {
    const r = p.both('cancelRoute(stale)', () => p.vm.cancelRoute(f.u, f.id, p.now), (s) => M.cancelRoute(s, f.u, f.id).cancelled);
    t.is(r.ok ? '' : r.error, 'UNKNOWN_ROUTE');
  }
  t.is(open.size, p.vm.state().router.routes.size);
  t.true(p.vm.routeSlotsUsed() <= 12n, `the records were reused: ${p.vm.routeSlotsUsed()} slots used for ${12 + 11} routes`);
});

test('PERP-ROUTE-007 on CurveVM: 4,200 routes (cancelled, a few committed) through one record pool never reach ROUTES_FULL; the model agrees', (t) => {
  const p = new Pair();
  const u = TAKERS[0];
  const N = M.MAX_ROUTES + 104;
  ask(p, 8n);
  let committed = 0;
  for (let k = 0; k < N; k++) {
    const legs = oneLot(p, u);
    const v = p.vm.reserveRoute(u, legs, 1_000n, p.now);
    const m = M.reserveRoute(p.st, u, legs, 1_000n, p.now);
    if (!v.ok || v.out !== m.routeId) throw new Error(`route ${k}: VM ${v.ok ? v.out : v.error}, model ${m.routeId}`);
    if (k % 1000 === 999 && committed < 4) {
      const chosen: M.Chosen[] = [{ holdId: (m.legs[0] as { holdId: bigint }).holdId, reveal: { side: 0, qty: 1n, limitPx: LIMIT, salt: SALT } }];
      const c = p.vm.commitRoute(u, m.routeId, chosen, p.now);
      const cm = M.commitRoute(p.st, u, m.routeId, chosen, p.now);
      if (!c.ok || !cm.ok) throw new Error(`commit ${k}: VM ${c.ok ? 'ok' : c.error}, model ${cm.ok ? 'ok' : cm.error}`);
      p.st = cm.state;
      committed += 1;
    } else {
      const c = p.vm.cancelRoute(u, m.routeId, p.now);
      if (!c.ok || c.out !== M.cancelRoute(p.st, u, m.routeId).cancelled) throw new Error(`cancel ${k}: VM ${c.ok ? c.out : c.error}`);
    }
    p.vm.events.length = 0;
    p.st.events.length = 0;
  }
  p.check('after the soak');
  t.is(committed, 4);
  t.is(p.vm.routeSlotsUsed(), 1n, 'one record served every route');
  t.is(p.st.router.routeNonce.get(u), BigInt(N));
  t.is(p.vm.state().router.routeNonce.get(u), BigInt(N));
});
