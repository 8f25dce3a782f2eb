/**
 * One fill of a LIVE maker order by a taker (spec/perp.md §7.2, PERP-FILL-*; S12): shared by commit and
 * liquidation. The maker pays the maker fee — the taker fee instead when the JIT penalty applies (M9) —
 * charged to its position's realised PnL; the fill is printed to the trades ring.
 */
import { BPS, mulDivUp, sideSign } from './arith.ts';
import { at } from './pool.ts';
import { applyFill, positionOf } from './position.ts';
import { removeOrder } from './slab.ts';
import type { Instrument, Side, SlabState, Trade } from './types.ts';

/** PERP-FILL-001 (M9): JIT when the penalty is on and the order was created after its instrument's batch opened. */
export function isJit(s: SlabState, ins: Instrument, createdAt: bigint): boolean {
  return s.header.jitPenalty && createdAt > ins.batchOpenAt;
}

/** PERP-FILL-002: the ring keeps the last `trades` prints; trade ids count up from 1. */
function printTrade(s: SlabState, t: Omit<Trade, 'tradeId'>): void {
  const cap = BigInt(s.trades.length);
  s.tradeCount += 1n;
  if (cap > 0n) s.trades[Number((s.tradeCount - 1n) % cap)] = { tradeId: s.tradeCount, ...t };
}

/**
 * PERP-FILL-003: fill q of the order in `slot` at its price for `taker` (side `takerSide`). `reserved`
 * says whether q comes out of the order's reserved quantity (commit) or its free quantity (liquidation).
 * Positions: maker −sign·q, taker +sign·q. Maker fee ⌈q·px·bps/10⁴⌉. A fully filled order is removed.
 */
export function fillOrder(s: SlabState, ins: Instrument, slot: number, taker: bigint, takerSide: Side, q: bigint, reserved: boolean, holdId: bigint): void {
  const o = at(s.orders, slot);
  const px = o.px;
  o.qty -= q;
  if (reserved) o.reservedQty -= q;
  const maker = positionOf(s, ins, o.owner);
  applyFill(maker, ins, -sideSign(takerSide) * q, px);
  applyFill(positionOf(s, ins, taker), ins, sideSign(takerSide) * q, px);
  const makerFee = mulDivUp(q * px, isJit(s, ins, o.createdAt) ? s.header.takerBps : s.header.makerBps, BPS);
  maker.realised -= makerFee;
  s.feesAccrued += makerFee;
  ins.lastTradePx = px;
  printTrade(s, { instrument: ins.index, makerOrderId: o.id, maker: o.owner, taker, takerSide, px, qty: q, epoch: ins.epoch, holdId });
  if (o.qty === 0n) removeOrder(s, slot);
}
