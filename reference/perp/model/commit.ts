/**
 * commit on a slab (spec/perp.md §7.2, PERP-COMMIT-*; M6, R4, R5, R6, R7, S9, S12, M10, F1): fills a
 * reservation at the maker prices captured at reserve and takes fee + tax through the guarded debit.
 * Checks run in the documented order; the first failure is the error and nothing changes.
 */
import { commitment } from '../../script/ids.ts';
import { bytesToHex } from '../../lib/hex.ts';
import { SYS_STATUS } from '../../vm/syscalls.ts';
import { BPS, abs } from './arith.ts';
import { findEntry, recordLeg, taxFor } from './aggressor.ts';
import { capStatusError, check, fail } from './errors.ts';
import { guardedDebit } from './custody.ts';
import { fillOrder } from './fill.ts';
import { oraclePrice } from './oracle.ts';
import { at } from './pool.ts';
import { indexPx } from './position.ts';
import { freeReservation } from './reserve.ts';
import { instrumentOf, requireRouter } from './slab.ts';
import { NIL, type Custody, type Feed, type Instrument, type Reservation, type SlabState } from './types.ts';

export interface Reveal {
  readonly side: number;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly salt: Uint8Array;
}

export interface CommitOut {
  readonly filled: bigint;
  readonly notional: bigint;
  readonly fee: bigint;
  readonly tax: bigint;
  readonly charge: bigint;
}

/** PERP-COMMIT-002 (M6): the reveal re-hashes to the stored commitment and equals the reserved inputs. */
function checkReveal(r: Reservation, v: Reveal): void {
  const ok =
    v.salt.length === 32 &&
    (v.side === 0 || v.side === 1) &&
    v.side === r.side &&
    v.qty === r.qty &&
    v.limitPx === r.limitPx &&
    bytesToHex(commitment(r.routeId, r.instrument, BigInt(v.side), v.qty, v.limitPx, v.salt)) === r.commitment;
  check(ok, 'COMMITMENT_MISMATCH');
}

/** PERP-COMMIT-003 (R5, ADV2): every slice's order is still in its slot, LIVE, holding the slice in reserved_qty. */
function checkSlices(s: SlabState, r: Reservation): void {
  for (let cur = r.sliceHead; cur !== NIL; cur = at(s.slices, cur).next) {
    const sl = at(s.slices, cur);
    const o = s.orders.slots[sl.orderSlot];
    check(!!o && o.id === sl.orderId && o.state === 'LIVE' && o.reservedQty >= sl.qty, 'SLICE_VANISHED');
  }
}

/** PERP-COMMIT-004 (M10, R7): reject when |worst − index| · 10⁴ > kill_band_bps · index (no division). */
export function outsideKillBand(worstPx: bigint, index: bigint, killBandBps: bigint): boolean {
  return abs(worstPx - index) * BPS > killBandBps * index;
}

/** The kill-band check a router can run before calling the slab (M10: same inputs, same answer). */
export function killBandCheck(feeds: ReadonlyMap<bigint, Feed>, ins: Instrument, worstPx: bigint, killBandBps: bigint, now: bigint): void {
  const idx = indexPx(ins, oraclePrice(feeds, ins.feed, now).price);
  check(!outsideKillBand(worstPx, idx, killBandBps), 'KILL_BAND');
}

/**
 * PERP-COMMIT-001: commit(hold, cap, reveal) at `now`. Order: router caller; hold known (UNKNOWN_HOLD);
 * now < expiry (R4); reveal (M6); slices present (R5); oracle fresh and kill band (M10); charge =
 * fee + tax at commit ≤ max_charge (S9); guarded debit of the charge (P7, R6, F1); then the fills, the
 * aggressor ledger, and the reservation freed.
 */
export function commit(s: SlabState, caller: bigint, now: bigint, custody: Custody, feeds: ReadonlyMap<bigint, Feed>, holdId: bigint, capId: bigint, v: Reveal): CommitOut {
  requireRouter(s, caller);
  const slot = s.holdSlot.get(holdId);
  if (slot === undefined) fail('UNKNOWN_HOLD', holdId.toString(16));
  const r = at(s.reservations, slot);
  check(now < r.expiry, 'RESERVATION_EXPIRED');
  checkReveal(r, v);
  checkSlices(s, r);
  const ins = instrumentOf(s, r.instrument);
  killBandCheck(feeds, ins, r.worstPx, s.header.killBandBps, now);
  const tax = taxFor(s, findEntry(s, r.owner, r.instrument, ins.epoch), r.side, r.qty, r.notional);
  const charge = r.fee + tax;
  check(charge <= r.maxCharge, 'CHARGE_EXCEEDS_MAX');
  const status = guardedDebit(custody, s.header.slabId, now, capId, charge);
  if (status !== SYS_STATUS.OK) fail(capStatusError(status));
  for (let cur = r.sliceHead; cur !== NIL; cur = at(s.slices, cur).next) {
    const sl = at(s.slices, cur);
    fillOrder(s, ins, sl.orderSlot, r.owner, r.side, sl.qty, true, holdId);
  }
  recordLeg(s, r.owner, r.instrument, ins.epoch, r.side, r.qty, r.notional);
  freeReservation(s, holdId, false);
  return { filled: r.qty, notional: r.notional, fee: r.fee, tax, charge };
}
