/**
 * Routes: reserve → fund escrow → mint cap → commit/cancel, over one or several slabs (spec/perp.md §10.3,
 * PERP-ROUTE-*; E2E1, E2E2, F1–F3, M6, P7). A route commits all its chosen legs or none: any failure
 * rolls every leg's commit back and cancels the whole route (escrow released, caps burned).
 */
import { routeId as routeIdOf } from '../../script/ids.ts';
import { SYS_STATUS } from '../../vm/syscalls.ts';
import { commit, type CommitOut, type Reveal } from './commit.ts';
import { check, fail, PerpFault, type PerpErrorName } from './errors.ts';
import { capBurn, capMint, capRemaining, escrowBumpNonce, escrowCredit, escrowDebit } from './custody.ts';
import { cancelHold, reserve, type ReserveOut } from './reserve.ts';
import { usableSlab } from './registry.ts';
import { requireInitialMargin } from './router.ts';
import { cashOf, cloneState, emit, setCash, touchAccount, type OpResult } from './state.ts';
import { EXPIRE_MAX, MAX_LEGS, MAX_OPEN_ROUTES, MAX_ROUTES, type Leg, type PerpState, type Route } from './types.ts';

export interface LegRequest {
  readonly slab: bigint;
  readonly instrument: bigint;
  readonly side: number;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly commitment: Uint8Array;
}

export interface RouteReserved {
  readonly routeId: bigint;
  readonly legs: readonly (ReserveOut & { readonly capId: bigint })[];
}

/** PERP-ROUTE-008: the user's open routes, in creation order (every recorded route is open, PERP-ROUTE-007). */
export function openRoutesOf(st: PerpState, user: bigint): Route[] {
  return [...st.router.routes.values()].filter((r) => r.user === user);
}

/** CS-ID-003: the id the user's next route will get (so the user can compute its commitments first). */
export function nextRouteId(st: PerpState, user: bigint): bigint {
  return routeIdOf(user, st.router.routeNonce.get(user) ?? 0n);
}

/**
 * PERP-ROUTE-001: reserve a route. 1 ≤ legs ≤ MAX_LEGS; 1 ≤ ttl ≤ CAP_TTL; route_id = route_id(user, nonce)
 * and the nonce counts up. Per leg: usable slab (P11); slab reserve; cash ≥ max_charge (INSUFFICIENT_CASH);
 * escrow credit of max_charge from the vault, cash −= max_charge; a cap (user, slab, asset, max_charge,
 * expiry = min(reservation expiry, route expiry), F1). Then the initial-margin check with every open leg filled.
 */
export function reserveRoute(st: PerpState, user: bigint, legs: readonly LegRequest[], ttl: bigint, now: bigint): RouteReserved {
  const rp = st.router.params;
  check(legs.length > 0, 'EMPTY_ROUTE');
  check(legs.length <= MAX_LEGS, 'TOO_MANY_LEGS');
  check(ttl > 0n && ttl <= rp.capTtlMs, 'TTL_OUT_OF_RANGE');
  const routeId = nextRouteId(st, user);
  touchAccount(st, user);
  check(openRoutesOf(st, user).length < MAX_OPEN_ROUTES, 'OPEN_ROUTES_LIMIT');
  check(st.router.routes.size < MAX_ROUTES, 'ROUTES_FULL'); // PERP-ROUTE-007: open routes
  st.router.routeNonce.set(user, (st.router.routeNonce.get(user) ?? 0n) + 1n);
  const route: Route = { routeId, user, expiry: now + ttl, status: 'open', legs: [] };
  const outs: (ReserveOut & { capId: bigint })[] = [];
  for (const l of legs) {
    const s = usableSlab(st, l.slab);
    const r = reserve(s, rp.routerId, now, { routeId, user, instrument: l.instrument, side: l.side, qty: l.qty, limitPx: l.limitPx, ttl, commitment: l.commitment });
    check(cashOf(st, user) >= r.maxCharge, 'INSUFFICIENT_CASH');
    if (escrowCredit(st.custody, user, l.slab, rp.asset, r.maxCharge) !== SYS_STATUS.OK) fail('BALANCE_OVERFLOW');
    setCash(st, user, cashOf(st, user) - r.maxCharge);
    const capId = capMint(st.custody, user, l.slab, rp.asset, r.maxCharge, r.expiry < route.expiry ? r.expiry : route.expiry);
    route.legs.push({ slab: l.slab, instrument: l.instrument, side: l.side as 0 | 1, qty: l.qty, holdId: r.holdId, capId, maxCharge: r.maxCharge, status: 'open' });
    outs.push({ ...r, capId });
    emit(st, 'reserved', { routeId, slab: l.slab, holdId: r.holdId, capId, qty: l.qty, vwap: r.vwap, worstPx: r.worstPx, maxCharge: r.maxCharge });
  }
  st.router.routes.set(routeId, route);
  requireInitialMargin(st, user, now);
  return { routeId, legs: outs };
}

/** PERP-ROUTE-002: close a leg's funding: what is left on its cap goes escrow → vault → cash; the cap burns; the escrow nonce moves (F3). */
function releaseLeg(st: PerpState, user: bigint, leg: Leg): bigint {
  const asset = st.router.params.asset;
  const rest = capRemaining(st.custody, leg.capId);
  if (escrowDebit(st.custody, user, leg.slab, asset, rest) !== SYS_STATUS.OK) throw new Error('internal assertion failed: escrow below its caps');
  setCash(st, user, cashOf(st, user) + rest);
  capBurn(st.custody, leg.capId);
  escrowBumpNonce(st.custody, user, leg.slab, asset);
  return rest;
}

/** An open leg: slab cancel (idempotent), release, burn. */
function cancelLeg(st: PerpState, user: bigint, leg: Leg): boolean {
  if (leg.status !== 'open') return false;
  const s = st.slabs.get(leg.slab);
  if (s) cancelHold(s, st.router.params.routerId, leg.holdId);
  releaseLeg(st, user, leg);
  leg.status = 'cancelled';
  return true;
}

function ownRoute(st: PerpState, user: bigint, routeId: bigint): Route {
  const r = st.router.routes.get(routeId);
  if (!r) fail('UNKNOWN_ROUTE');
  check(r.user === user, 'NOT_ROUTE_OWNER');
  return r;
}

/** PERP-ROUTE-007: a finished route (committed, cancelled, failed, expired) frees its record; its id is unknown from then on (PERP-ROUTE-009). */
function freeRoute(st: PerpState, r: Route): void {
  st.router.routes.delete(r.routeId);
}

/**
 * PERP-ROUTE-003 (R8, F2, E2E1): cancel every open leg (slab cancel, release, burn) and free the route.
 * A repeated cancel finds no route (UNKNOWN_ROUTE, nothing changes): the state is the state after one cancel.
 */
export function cancelRoute(st: PerpState, user: bigint, routeId: bigint): { cancelled: number } {
  const r = ownRoute(st, user, routeId);
  let n = 0;
  for (const leg of r.legs) if (cancelLeg(st, user, leg)) n += 1;
  freeRoute(st, r);
  emit(st, 'route_cancelled', { routeId, legs: BigInt(n) });
  return { cancelled: n };
}

export interface Chosen {
  readonly holdId: bigint;
  readonly reveal: Reveal;
}

/** PERP-ROUTE-004: commit the chosen legs, cancel the others, then the initial-margin check. */
function commitChosen(st: PerpState, user: bigint, routeId: bigint, chosen: readonly Chosen[], now: bigint): CommitOut[] {
  const r = ownRoute(st, user, routeId);
  check(chosen.length > 0, 'EMPTY_ROUTE');
  const outs: CommitOut[] = [];
  for (const c of chosen) {
    const leg = r.legs.find((l) => l.holdId === c.holdId && l.status === 'open');
    if (!leg) fail('LEG_NOT_IN_ROUTE');
    const s = usableSlab(st, leg.slab);
    const out = commit(s, st.router.params.routerId, now, st.custody, st.oracles, leg.holdId, leg.capId, c.reveal);
    // PERP-OBS-001: router fees per slab list non-zero totals only (a zero-fee commit books nothing).
    if (out.fee > 0n) st.router.fees.set(leg.slab, (st.router.fees.get(leg.slab) ?? 0n) + out.fee);
    st.router.insurance += out.tax;
    releaseLeg(st, user, leg);
    leg.status = 'committed';
    outs.push(out);
    emit(st, 'committed', { routeId, slab: leg.slab, holdId: leg.holdId, filled: out.filled, notional: out.notional, fee: out.fee, tax: out.tax });
  }
  for (const leg of r.legs) cancelLeg(st, user, leg);
  freeRoute(st, r);
  requireInitialMargin(st, user, now);
  return outs;
}

/**
 * PERP-ROUTE-005 (E2E1): commitRoute is all or nothing. On success the chosen legs are filled and the rest
 * cancelled. On any failure the state is the state before the call with the whole route cancelled and
 * freed like a cancelled one, with a route_failed event recording the error; when the route is unknown
 * (never reserved, or already finished: PERP-ROUTE-009) or not the caller's, nothing changes.
 */
export function commitRoute(st: PerpState, user: bigint, routeId: bigint, chosen: readonly Chosen[], now: bigint): OpResult<CommitOut[]> {
  const attempt = cloneState(st);
  try {
    return { ok: true, state: attempt, out: commitChosen(attempt, user, routeId, chosen, now) };
  } catch (e) {
    if (!(e instanceof PerpFault)) throw e;
    const r = st.router.routes.get(routeId);
    if (!r || r.user !== user) return { ok: false, state: st, code: e.code, error: e.errorName };
    const after = cloneState(st);
    cancelRoute(after, user, routeId);
    emit(after, 'route_failed', { routeId, code: BigInt(e.code) });
    return { ok: false, state: after, code: e.code, error: e.errorName as PerpErrorName };
  }
}

/** PERP-ROUTE-006/008: cancel (and free) the open routes whose expiry ≤ now, in route creation order, at most EXPIRE_MAX per call. */
export function expireRoutes(st: PerpState, now: bigint): number {
  const due = [...st.router.routes.values()].filter((r) => r.expiry <= now).slice(0, EXPIRE_MAX);
  for (const r of due) cancelRoute(st, r.user, r.routeId);
  return due.length;
}
