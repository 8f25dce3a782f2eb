/**
 * The order book of one instrument (spec/perp.md §4, PERP-BOOK-*): per side one doubly linked list of
 * LIVE orders in priority order — best price first, and within a price by `seq`, the time-priority
 * number an order receives when it goes LIVE (S6, M1) — plus one FIFO list of PENDING orders (M2, S7).
 * Every walk is bounded by the order pool's capacity.
 */
import { at } from './pool.ts';
import { NIL, type Instrument, type Order, type Side, type SlabState } from './types.ts';

/** PERP-BOOK-001: `a` has strictly better price than `b` on `side` (bids: higher, asks: lower). */
export function betterPx(side: Side, a: bigint, b: bigint): boolean {
  return side === 0 ? a > b : a < b;
}

export function head(ins: Instrument, side: Side): number {
  return side === 0 ? ins.bidHead : ins.askHead;
}

function setHead(ins: Instrument, side: Side, slot: number): void {
  if (side === 0) ins.bidHead = slot;
  else ins.askHead = slot;
}

/**
 * PERP-BOOK-002: make `slot` LIVE: give it the next `seq`, then link it before the first order of a
 * strictly worse price (after every order at its own price: FIFO within a level).
 */
export function insertLive(s: SlabState, ins: Instrument, slot: number): void {
  const o = at(s.orders, slot);
  o.state = 'LIVE';
  o.seq = ins.liveSeq;
  ins.liveSeq += 1n;
  let prev = NIL;
  let cur = head(ins, o.side);
  while (cur !== NIL && !betterPx(o.side, o.px, at(s.orders, cur).px)) {
    prev = cur;
    cur = at(s.orders, cur).next;
  }
  o.prev = prev;
  o.next = cur;
  if (cur !== NIL) at(s.orders, cur).prev = slot;
  if (prev === NIL) setHead(ins, o.side, slot);
  else at(s.orders, prev).next = slot;
}

/** PERP-BOOK-003: append `slot` to the pending FIFO. */
export function appendPending(s: SlabState, ins: Instrument, slot: number): void {
  const o = at(s.orders, slot);
  o.state = 'PENDING';
  o.prev = ins.pendingTail;
  o.next = NIL;
  if (ins.pendingTail === NIL) ins.pendingHead = slot;
  else at(s.orders, ins.pendingTail).next = slot;
  ins.pendingTail = slot;
}

/** PERP-BOOK-004: unlink `slot` from its list (book side or pending) in constant time. */
export function unlink(s: SlabState, ins: Instrument, slot: number): void {
  const o: Order = at(s.orders, slot);
  if (o.prev !== NIL) at(s.orders, o.prev).next = o.next;
  else if (o.state === 'PENDING') ins.pendingHead = o.next;
  else setHead(ins, o.side, o.next);
  if (o.next !== NIL) at(s.orders, o.next).prev = o.prev;
  else if (o.state === 'PENDING') ins.pendingTail = o.prev;
  o.next = NIL;
  o.prev = NIL;
}

/**
 * PERP-BOOK-005 (M8): the price of the k-th distinct LIVE price level from the top of `side`, or of the
 * last level when there are fewer; 0 when the side is empty or k = 0.
 */
export function kthLevelPx(s: SlabState, ins: Instrument, side: Side, k: number): bigint {
  if (k === 0) return 0n;
  let levels = 0;
  let px = 0n;
  for (let cur = head(ins, side); cur !== NIL && levels < k; cur = at(s.orders, cur).next) {
    const o = at(s.orders, cur);
    if (levels === 0 || o.px !== px) {
      levels += 1;
      px = o.px;
    }
  }
  return px;
}

/** The slots of a list from its head (observation and invariant checks; bounded by capacity + 1). */
export function listSlots(s: SlabState, first: number): number[] {
  const out: number[] = [];
  for (let cur = first; cur !== NIL && out.length <= s.orders.slots.length; cur = s.orders.slots[cur]?.next ?? NIL) out.push(cur);
  return out;
}
