/**
 * Route failures on CurveVM next to the golden model (spec/perp.md PERP-ROUTE-004/005, PERP-COMMIT-001):
 * a commit whose slab commits succeed but whose final initial-margin check fails, and a commit whose
 * aggressor tax grew past the reserved max charge (S9). Both sides end with the route cancelled and
 * marked failed, the same error, and equal observables (venue-harness.ts `Pair`).
 */
import test from 'ava';
import * as M from '../../../reference/perp/model/index.ts';
import { commitment } from '../../../reference/script/ids.ts';
import { BACKUP, FEED, MAKERS, Pair, PX, TAKERS, TICK } from './venue-harness.ts';

const SALT = new Uint8Array(32).fill(5);

/** Reserve a one-leg route of `qty` on slab i; returns its id and the chosen leg for the commit. */
function reserve(p: Pair, u: bigint, i: number, side: 0 | 1, qty: bigint, limitPx: bigint): { id: bigint; chosen: M.Chosen[] } {
  const id = M.nextRouteId(p.st, u);
  const slab = p.slabIds[i] as bigint;
  const legs: M.LegRequest[] = [{ slab, instrument: 0n, side, qty, limitPx, commitment: commitment(id, 0n, BigInt(side), qty, limitPx, SALT) }];
  let out: { legs: readonly { holdId: bigint }[] } | undefined;
  const r = p.both('reserveRoute', () => p.vm.reserveRoute(u, legs, 2_000n, p.now), (s) => (out = M.reserveRoute(s, u, legs, 2_000n, p.now)));
  if (!r.ok || !out) throw new Error(`reserve: ${r.ok ? 'no output' : r.error}`);
  return { id, chosen: [{ holdId: (out.legs[0] as { holdId: bigint }).holdId, reveal: { side, qty, limitPx, salt: SALT } }] };
}

function commit(p: Pair, u: bigint, r: { id: bigint; chosen: M.Chosen[] }) {
  return p.bothResult('commitRoute', () => p.vm.commitRoute(u, r.id, r.chosen, p.now), (st) => M.commitRoute(st, u, r.id, r.chosen, p.now));
}

function post(p: Pair, i: number, side: 0 | 1, px: bigint, qty: bigint): void {
  const slab = p.slabIds[i] as bigint;
  const r = p.both('place', () => p.vm.placeOrder(MAKERS[0], slab, 0n, side, px, qty, p.now), (s) => M.placeOrder(s, MAKERS[0], slab, 0n, side, px, qty, p.now));
  if (!r.ok) throw new Error(`post: ${r.error}`);
}

test('E2E1 PERP-ROUTE-005 RM2 on CurveVM: a commit whose fills succeed but whose final initial-margin check fails leaves the route failed and nothing filled, as in the model', (t) => {
  const p = new Pair();
  const u = TAKERS[0];
  post(p, 1, 1, PX, 5n);
  const r = reserve(p, u, 1, 0, 4n, PX + TICK);
  // the index falls 4 % (inside slab 1's 8 % kill band): the fill's unrealised loss no longer backs the position's IM
  p.now += 10n;
  for (const f of [FEED, BACKUP]) p.publish(f, (PX * 96n) / 100n);
  const c = commit(p, u, r);
  t.false(c.ok);
  if (!c.ok) t.is(c.error, 'INSUFFICIENT_MARGIN');
  t.false(p.vm.state().router.routes.has(r.id), 'PERP-ROUTE-007: the failed route freed its record');
  t.false(p.st.router.routes.has(r.id));
  t.is([...(p.st.slabs.get(p.slabIds[1] as bigint)?.positions.slots ?? [])].filter((x) => x?.owner === u).length, 0, 'no fill remains');
  t.is(p.st.events.at(-1)?.kind, 'route_failed');
});

test('S9 M11 PERP-COMMIT-001 on CurveVM: a buy reserved before the same account sold in the epoch owes an aggressor tax above its max charge: CHARGE_EXCEEDS_MAX, route failed, as in the model', (t) => {
  const p = new Pair();
  const u = TAKERS[1];
  post(p, 0, 1, PX, 2n);
  post(p, 0, 0, PX, 2n);
  const buy = reserve(p, u, 0, 0, 2n, PX + TICK);
  const sell = reserve(p, u, 0, 1, 2n, PX - TICK);
  t.true(commit(p, u, sell).ok, 'the sell commits and enters the aggressor ledger');
  const c = commit(p, u, buy);
  t.false(c.ok);
  if (!c.ok) t.is(c.error, 'CHARGE_EXCEEDS_MAX');
  t.false(p.vm.state().router.routes.has(buy.id), 'PERP-ROUTE-007: the failed route freed its record');
  t.is(p.st.events.at(-1)?.kind, 'route_failed');
});
