/**
 * Liquidation (spec/perp.md §10.4, PERP-LIQ-*; RM3, L1–L3, R10, E2E3, E2E4): the router first issues a
 * margin call and waits the grace window (the user may deposit or reduce); if equity is still below
 * maintenance margin after it, the router cancels the user's open routes and calls each slab's
 * `liquidation_call`, which closes the position against LIVE unreserved depth within the band around the
 * index. A remaining deficit of a flat account is paid by the insurance fund — the only payout rule.
 */
import { BPS, min, mulDivDown, mulDivUp } from './arith.ts';
import { head } from './book.ts';
import { check, fail } from './errors.ts';
import { fillOrder } from './fill.ts';
import { portfolio } from './margin.ts';
import { oraclePrice } from './oracle.ts';
import { at, usedSlots } from './pool.ts';
import { findPosition, indexPx } from './position.ts';
import { positionsOf, settle } from './router.ts';
import { cancelRoute, openRoutesOf } from './routes.ts';
import { instrumentOf, removeOrder, requireRouter } from './slab.ts';
import { cashOf, emit, setCash, touchAccount } from './state.ts';
import { NIL, type Feed, type PerpState, type Side, type SlabState } from './types.ts';

export interface LiquidationOut {
  readonly closed: bigint;
  readonly notional: bigint;
  readonly fee: bigint;
}

/**
 * PERP-LIQ-001 (R10, L3): liquidation_call(user, instrument), router only. Cancels the user's orders on
 * the instrument, then closes its position against the contra side's LIVE orders of other accounts, in
 * priority order, using only unreserved quantity, at prices within [⌈idx·(10⁴−band)/10⁴⌉,
 * ⌊idx·(10⁴+band)/10⁴⌋] (bounds rounded inward): orders priced beyond the band on the far side stop the
 * walk, orders beyond it on the near side (better than the band) are skipped. The user pays ⌈notional·taker_bps/10⁴⌉ into realised.
 */
export function liquidationCall(s: SlabState, caller: bigint, now: bigint, feeds: ReadonlyMap<bigint, Feed>, user: bigint, instrument: bigint, bandBps: bigint): LiquidationOut {
  requireRouter(s, caller);
  const ins = instrumentOf(s, instrument);
  for (const [slot, o] of usedSlots(s.orders)) if (o.owner === user && o.instrument === instrument) removeOrder(s, slot);
  const p = findPosition(s, user, instrument);
  if (!p || p.qty === 0n) return { closed: 0n, notional: 0n, fee: 0n };
  const idx = indexPx(ins, oraclePrice(feeds, ins.feed, now).price);
  const lo = mulDivUp(idx, BPS - min(bandBps, BPS), BPS);
  const hi = mulDivDown(idx, BPS + bandBps, BPS);
  const takerSide: Side = p.qty > 0n ? 1 : 0;
  const contra: Side = takerSide === 0 ? 1 : 0;
  let remaining = p.qty > 0n ? p.qty : -p.qty;
  let closed = 0n;
  let notional = 0n;
  for (let cur = head(ins, contra); cur !== NIL && remaining > 0n; ) {
    const o = at(s.orders, cur);
    const next = o.next;
    if (takerSide === 1 ? o.px < lo : o.px > hi) break;
    const inBand = o.px >= lo && o.px <= hi;
    const take = o.owner === user || !inBand ? 0n : min(o.qty - o.reservedQty, remaining);
    if (take > 0n) {
      notional += take * o.px;
      fillOrder(s, ins, cur, user, takerSide, take, false, 0n);
      remaining -= take;
      closed += take;
    }
    cur = next;
  }
  const fee = mulDivUp(notional, s.header.takerBps, BPS);
  p.realised -= fee;
  s.feesAccrued += fee;
  return { closed, notional, fee };
}

/** PERP-LIQ-003 (E2E4): insurance pays only the verified deficit of an account flat on every registered slab. */
export function coverDeficit(st: PerpState, user: bigint): bigint {
  check(positionsOf(st, user).every((h) => h.p.qty === 0n) && cashOf(st, user) < 0n, 'NO_DEFICIT');
  const pay = min(-cashOf(st, user), st.router.insurance);
  st.router.insurance -= pay;
  setCash(st, user, cashOf(st, user) + pay);
  emit(st, 'insurance_paid', { user, amount: pay });
  return pay;
}

export type LiquidateOut =
  | { readonly action: 'restored' | 'margin_call' | 'grace' }
  | { readonly action: 'liquidated'; readonly closed: bigint; readonly insurancePaid: bigint };

/**
 * PERP-LIQ-002 (RM3, L1): the coordinator. equity ≥ MM: clears a margin call ('restored') or fails
 * NOT_LIQUIDATABLE. Below MM: the first call records the margin call; before call + grace_ms nothing
 * happens ('grace'); after it the router cancels the user's open routes, calls liquidation_call on at most
 * max_slices positions (registry order), settles, and covers a remaining deficit of a flat account.
 */
export function liquidate(st: PerpState, user: bigint, now: bigint): LiquidateOut {
  const rp = st.router.params;
  const pf = portfolio(st, user, now);
  const since = st.router.marginCalls.get(user);
  if (pf.equity >= pf.mm) {
    if (since === undefined) fail('NOT_LIQUIDATABLE');
    st.router.marginCalls.delete(user);
    emit(st, 'margin_restored', { user });
    return { action: 'restored' };
  }
  if (since === undefined) {
    touchAccount(st, user);
    st.router.marginCalls.set(user, now);
    emit(st, 'margin_call', { user, equity: pf.equity, mm: pf.mm });
    return { action: 'margin_call' };
  }
  if (now < since + rp.graceMs) return { action: 'grace' };
  for (const r of openRoutesOf(st, user)) cancelRoute(st, user, r.routeId);
  let closed = 0n;
  for (const h of positionsOf(st, user).filter((x) => x.p.qty !== 0n).slice(0, rp.maxSlices)) {
    const out = liquidationCall(h.s, rp.routerId, now, st.oracles, user, h.p.instrument, rp.bandBps);
    closed += out.closed;
    emit(st, 'liquidation', { user, slab: h.slab, instrument: h.p.instrument, ...out });
  }
  settle(st, user);
  const flat = positionsOf(st, user).every((h) => h.p.qty === 0n);
  const insurancePaid = flat && cashOf(st, user) < 0n ? coverDeficit(st, user) : 0n;
  if (flat) st.router.marginCalls.delete(user);
  return { action: 'liquidated', closed, insurancePaid };
}
