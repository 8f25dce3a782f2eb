/**
 * Slab state and the maker-side operations (spec/perp.md §4–§5, PERP-SLAB-*, PERP-ORD-*, PERP-BATCH-*):
 * creation, order placement (DLP posts LIVE at once, REG waits an epoch as PENDING, late arrivals inside
 * a frozen top-K go PENDING), order cancel, and batch_open (epoch + 1, promotion, freezes).
 */
import { check, fail } from './errors.ts';
import { appendPending, insertLive, kthLevelPx, unlink } from './book.ts';
import { alloc, at, newPool, release } from './pool.ts';
import { touchAccount } from './position.ts';
import { NIL, PENDING_MAX, type Instrument, type MakerClass, type Order, type Side, type SlabParams, type SlabState } from './types.ts';

/** PERP-ORD-001: order ids carry their slot in the low 20 bits (pool capacity ≤ 2^20): id = counter·2^20 + slot. */
export const ORDER_SLOT_BITS = 20n;

export function newSlab(slabId: bigint, router: bigint, p: SlabParams, now: bigint): SlabState {
  return {
    header: { ...p, slabId, router, dlp: [] },
    codeHash: p.versionHash,
    instruments: p.instruments.map(
      (ip, i): Instrument => ({
        ...ip,
        index: BigInt(i),
        epoch: 0n,
        batchOpenAt: now,
        freezeUntil: 0n,
        freezeBidPx: 0n,
        freezeAskPx: 0n,
        cumFunding: 0n,
        fundingInterval: now / p.fundingIntervalMs,
        lastTradePx: 0n,
        bidHead: NIL,
        askHead: NIL,
        pendingHead: NIL,
        pendingTail: NIL,
        liveSeq: 1n,
      }),
    ),
    orders: newPool(p.pools.orders),
    reservations: newPool(p.pools.reservations),
    slices: newPool(p.pools.slices),
    positions: newPool(p.pools.positions),
    aggressors: newPool(p.pools.aggressors),
    trades: Array.from({ length: p.pools.trades }, () => null),
    tradeCount: 0n,
    holdSlot: new Map(),
    positionSlot: new Map(),
    accounts: new Set(),
    nextOrderId: 1n,
    bookSeqno: 1n,
    feesAccrued: 0n,
    classCount: { DLP: 0n, REG: 0n },
  };
}

/** PERP-SLAB-001: only the registered router drives a slab (P4, P6, R10). */
export function requireRouter(s: SlabState, caller: bigint): void {
  check(caller === s.header.router, 'NOT_ROUTER');
}

export function instrumentOf(s: SlabState, instrument: bigint): Instrument {
  const ins = s.instruments[Number(instrument)];
  if (instrument < 0n || !ins) fail('UNKNOWN_INSTRUMENT', String(instrument));
  return ins;
}

/** PERP-ORD-002 (R1, S3): side is 0/1; qty > 0 on lot; px > 0 on tick. */
export function checkOrderInput(ins: Instrument, side: number, qty: bigint, px: bigint): asserts side is Side {
  check(side === 0 || side === 1, 'BAD_SIDE');
  check(qty > 0n, 'ZERO_QTY');
  check(qty % ins.lot === 0n, 'QTY_NOT_ON_LOT');
  check(px > 0n, 'ZERO_PX');
  check(px % ins.tick === 0n, 'PX_NOT_ON_TICK');
}

/** PERP-ORD-003 (M8): during a freeze, a price at or better than the frozen K-th level of its side. */
export function inFrozenBand(ins: Instrument, side: Side, px: bigint, now: bigint): boolean {
  if (now >= ins.freezeUntil) return false;
  const t = side === 0 ? ins.freezeBidPx : ins.freezeAskPx;
  return t !== 0n && (side === 0 ? px >= t : px <= t);
}

export interface Placed {
  readonly orderId: bigint;
  readonly state: Order['state'];
}

/**
 * PERP-ORD-004 (M7, M8): place a maker order. Class DLP when the owner is in the header's DLP set, else REG;
 * the class's allowance bounds its orders. It is PENDING (eligible next epoch) when REG with
 * pending_promotion, or when inside a frozen top-K band; otherwise LIVE at once.
 */
export function placeOrder(s: SlabState, caller: bigint, now: bigint, owner: bigint, instrument: bigint, side: number, px: bigint, qty: bigint): Placed {
  requireRouter(s, caller);
  const ins = instrumentOf(s, instrument);
  checkOrderInput(ins, side, qty, px);
  const cls: MakerClass = s.header.dlp.includes(owner) ? 'DLP' : 'REG';
  check(s.classCount[cls] < (cls === 'DLP' ? s.header.dlpAllowance : s.header.regAllowance), 'ALLOWANCE_EXCEEDED');
  touchAccount(s, owner);
  const pending = (cls === 'REG' && s.header.pendingPromotion) || inFrozenBand(ins, side, px, now);
  const id = (s.nextOrderId << ORDER_SLOT_BITS) | BigInt(s.orders.freeHead < 0 ? 0 : s.orders.freeHead);
  const order: Order = {
    id,
    owner,
    instrument,
    side,
    cls,
    state: pending ? 'PENDING' : 'LIVE',
    eligibleEpoch: pending ? ins.epoch + 1n : ins.epoch,
    px,
    qty,
    reservedQty: 0n,
    createdAt: now,
    seq: 0n,
    next: NIL,
    prev: NIL,
  };
  const slot = alloc(s.orders, order, 'POOL_FULL_ORDERS');
  s.nextOrderId += 1n;
  s.classCount[cls] += 1n;
  if (pending) appendPending(s, ins, slot);
  else insertLive(s, ins, slot);
  return { orderId: id, state: order.state };
}

/** PERP-ORD-005: the slot of an order id, checked against the slot's record. */
export function orderSlot(s: SlabState, orderId: bigint): number {
  const slot = Number(orderId & ((1n << ORDER_SLOT_BITS) - 1n));
  const o = s.orders.slots[slot];
  if (!o || o.id !== orderId) fail('UNKNOWN_ORDER', orderId.toString());
  return slot;
}

/** PERP-ORD-006: remove an order from its list and free its slot (slices on it vanish: R5). */
export function removeOrder(s: SlabState, slot: number): void {
  const o = at(s.orders, slot);
  unlink(s, instrumentOf(s, o.instrument), slot);
  s.classCount[o.cls] -= 1n;
  release(s.orders, slot);
}

/** PERP-ORD-007 (M3, ADV2): the owner cancels an order, reserved or not. */
export function cancelOrder(s: SlabState, caller: bigint, owner: bigint, orderId: bigint): { reservedQty: bigint } {
  requireRouter(s, caller);
  const slot = orderSlot(s, orderId);
  const o = at(s.orders, slot);
  check(o.owner === owner, 'NOT_ORDER_OWNER');
  removeOrder(s, slot);
  return { reservedQty: o.reservedQty };
}

/**
 * PERP-BATCH-001 (S4, M7, R9): open the next batch of an instrument when BATCH ms have passed: epoch + 1,
 * promote every PENDING order eligible by the new epoch in FIFO order (each exactly once: it leaves the
 * pending list), free the instrument's aggressor entries of earlier epochs, then freeze the top K levels
 * of each side until now + BATCH ms.
 */
export function batchOpen(s: SlabState, caller: bigint, instrument: bigint, now: bigint): { epoch: bigint; promoted: bigint } {
  requireRouter(s, caller);
  const ins = instrumentOf(s, instrument);
  check(now >= ins.batchOpenAt + s.header.batchMs, 'BATCH_NOT_DUE');
  let pending = 0;
  for (let cur = ins.pendingHead; cur !== NIL; cur = at(s.orders, cur).next) pending += 1;
  check(pending <= PENDING_MAX, 'PENDING_LIMIT');
  ins.epoch += 1n;
  ins.batchOpenAt = now;
  let promoted = 0n;
  let cur = ins.pendingHead;
  while (cur !== NIL) {
    const o = at(s.orders, cur);
    const next = o.next;
    if (o.eligibleEpoch <= ins.epoch) {
      unlink(s, ins, cur);
      insertLive(s, ins, cur);
      promoted += 1n;
    }
    cur = next;
  }
  s.aggressors.slots.forEach((e, slot) => {
    if (e && e.instrument === instrument && e.epoch < ins.epoch) release(s.aggressors, slot);
  });
  const k = s.header.freezeTopK;
  ins.freezeBidPx = kthLevelPx(s, ins, 0, k);
  ins.freezeAskPx = kthLevelPx(s, ins, 1, k);
  ins.freezeUntil = k > 0 ? now + s.header.batchMs : 0n;
  return { epoch: ins.epoch, promoted };
}
