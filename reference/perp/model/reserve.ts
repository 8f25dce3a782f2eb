/**
 * reserve and cancel on a slab (spec/perp.md §7.1, PERP-RES-*; M4, M5, R1, R2, R8, S8): a reservation
 * walks the contra book in price-time order to the limit, holding slices of LIVE orders' unreserved
 * quantity at their prices; the whole quantity or nothing (INSUFFICIENT_DEPTH).
 */
import { holdId as holdIdOf } from '../../script/ids.ts';
import { bytesToHex } from '../../lib/hex.ts';
import { BPS, ceilDiv, min, mulDivUp, u128 } from './arith.ts';
import { findEntry, taxFor } from './aggressor.ts';
import { betterPx, head } from './book.ts';
import { check } from './errors.ts';
import { alloc, at, release } from './pool.ts';
import { checkOrderInput, instrumentOf, requireRouter } from './slab.ts';
import { NIL, type Reservation, type Side, type SlabState } from './types.ts';

export interface ReserveArgs {
  readonly routeId: bigint;
  readonly user: bigint;
  readonly instrument: bigint;
  readonly side: number;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly ttl: bigint;
  readonly commitment: Uint8Array;
}

export interface ReserveOut {
  readonly holdId: bigint;
  readonly vwap: bigint;
  readonly worstPx: bigint;
  readonly notional: bigint;
  readonly maxCharge: bigint;
  readonly expiry: bigint;
  readonly bookSeqno: bigint;
}

/**
 * PERP-RES-001: walk the contra side from its head; stop at the first order priced beyond the limit (R2);
 * skip the user's own orders (no self-trade); take min(qty − reserved_qty, remaining) of each, as a slice
 * at the order's price, raising its reserved_qty (M4, S8). Returns the slices' head slot and notional.
 */
function walk(s: SlabState, a: ReserveArgs & { side: Side }): { sliceHead: number; notional: bigint; worstPx: bigint } {
  const ins = instrumentOf(s, a.instrument);
  const contra: Side = a.side === 0 ? 1 : 0;
  let remaining = a.qty;
  let sliceHead = NIL;
  let tail = NIL;
  let notional = 0n;
  let worstPx = 0n;
  for (let cur = head(ins, contra); cur !== NIL && remaining > 0n; cur = at(s.orders, cur).next) {
    const o = at(s.orders, cur);
    if (betterPx(contra, a.limitPx, o.px)) break;
    const take = o.owner === a.user ? 0n : min(o.qty - o.reservedQty, remaining);
    if (take === 0n) continue;
    const slot = alloc(s.slices, { orderSlot: cur, orderId: o.id, qty: take, px: o.px, next: NIL }, 'POOL_FULL_SLICES');
    if (tail === NIL) sliceHead = slot;
    else at(s.slices, tail).next = slot;
    tail = slot;
    o.reservedQty += take;
    remaining -= take;
    notional = u128(notional + take * o.px);
    worstPx = o.px;
  }
  check(remaining === 0n, 'INSUFFICIENT_DEPTH');
  return { sliceHead, notional, worstPx };
}

/**
 * PERP-RES-002: reserve. vwap = notional/qty rounded up for a buy, down for a sell (against the taker);
 * fee = ⌈notional·taker_bps/10⁴⌉; max_charge = fee + the aggressor tax of the leg at reserve time
 * (PERP-AGG-001); book_seqno counts up per slab; hold_id = hold_id(slab, route, book_seqno) (CS-ID-004);
 * expiry = now + ttl.
 */
export function reserve(s: SlabState, caller: bigint, now: bigint, a: ReserveArgs): ReserveOut {
  requireRouter(s, caller);
  const ins = instrumentOf(s, a.instrument);
  checkOrderInput(ins, a.side, a.qty, a.limitPx);
  const side: Side = a.side;
  check(a.ttl > 0n, 'TTL_OUT_OF_RANGE');
  const { sliceHead, notional, worstPx } = walk(s, { ...a, side });
  const vwap = side === 0 ? ceilDiv(notional, a.qty) : notional / a.qty;
  const fee = mulDivUp(notional, s.header.takerBps, BPS);
  const maxCharge = fee + taxFor(s, findEntry(s, a.user, a.instrument, ins.epoch), side, a.qty, notional);
  const bookSeqno = s.bookSeqno;
  s.bookSeqno += 1n;
  const holdId = holdIdOf(s.header.slabId, a.routeId, bookSeqno);
  const r: Reservation = {
    holdId,
    routeId: a.routeId,
    owner: a.user,
    instrument: a.instrument,
    side,
    qty: a.qty,
    limitPx: a.limitPx,
    notional,
    vwap,
    worstPx,
    fee,
    maxCharge,
    commitment: bytesToHex(a.commitment),
    bookSeqno,
    expiry: now + a.ttl,
    sliceHead,
  };
  s.holdSlot.set(holdId, alloc(s.reservations, r, 'POOL_FULL_RESERVATIONS'));
  return { holdId, vwap, worstPx, notional, maxCharge, expiry: r.expiry, bookSeqno };
}

/** PERP-RES-003: free a reservation and its slices, giving back reserved_qty to orders still present. */
export function freeReservation(s: SlabState, holdId: bigint, restore: boolean): void {
  const slot = s.holdSlot.get(holdId);
  if (slot === undefined) return;
  for (let cur = at(s.reservations, slot).sliceHead; cur !== NIL; ) {
    const sl = at(s.slices, cur);
    const o = s.orders.slots[sl.orderSlot];
    if (restore && o && o.id === sl.orderId) o.reservedQty -= sl.qty;
    const next = sl.next;
    release(s.slices, cur);
    cur = next;
  }
  release(s.reservations, slot);
  s.holdSlot.delete(holdId);
}

/** PERP-RES-004 (R8, F2): cancel is idempotent — an unknown or already consumed hold is a no-op. */
export function cancelHold(s: SlabState, caller: bigint, holdId: bigint): { cancelled: boolean } {
  requireRouter(s, caller);
  const known = s.holdSlot.has(holdId);
  freeReservation(s, holdId, true);
  return { cancelled: known };
}
