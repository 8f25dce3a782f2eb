/**
 * The aggressor roundtrip guard (spec/perp.md §7.4, PERP-AGG-*; S11, M11): a ledger of the aggressive
 * (taker) volume of each account per instrument and epoch. A new aggressive leg that overlaps earlier
 * aggressive legs of the opposite side in the same epoch pays a tax on the overlap: arg_tax_bps of its
 * notional plus the round trip's gain, so a round trip inside one batch cannot profit. Maker fills never
 * enter the ledger (M11). The guard is on when arg_tax_bps > 0 and the ledger pool is not empty.
 */
import { BPS, max, min, mulDivDown, mulDivUp, u128 } from './arith.ts';
import { alloc } from './pool.ts';
import type { AggressorEntry, Side, SlabState } from './types.ts';

export function guardOn(s: SlabState): boolean {
  return s.header.argTaxBps > 0n && s.header.pools.aggressors > 0;
}

export function findEntry(s: SlabState, account: bigint, instrument: bigint, epoch: bigint): AggressorEntry | undefined {
  for (const e of s.aggressors.slots) if (e && e.account === account && e.instrument === instrument && e.epoch === epoch) return e;
  return undefined;
}

/**
 * PERP-AGG-001: tax of a new leg (side, qty, notional) against entry e. With (oq, oN) the opposite side's
 * volume: overlap o = min(qty, oq); if o = 0 the tax is 0; else
 *   tax = ⌈notional·o·arg_tax_bps / (qty·10⁴)⌉ + max(0, gain), where for a sell leg
 *   gain = ⌈notional·o/qty⌉ − ⌊oN·o/oq⌋ and for a buy leg gain = ⌈oN·o/oq⌉ − ⌊notional·o/qty⌋
 * (every rounding raises the tax).
 */
export function taxFor(s: SlabState, e: AggressorEntry | undefined, side: Side, qty: bigint, notional: bigint): bigint {
  if (!guardOn(s) || !e) return 0n;
  const oq = side === 1 ? e.buyQty : e.sellQty;
  const oN = side === 1 ? e.buyNotional : e.sellNotional;
  const o = min(qty, oq);
  if (o === 0n) return 0n;
  const bpsPart = mulDivUp(u128(notional * o), s.header.argTaxBps, u128(qty * BPS));
  const gain = side === 1 ? mulDivUp(notional, o, qty) - mulDivDown(oN, o, oq) : mulDivUp(oN, o, oq) - mulDivDown(notional, o, qty);
  return bpsPart + max(0n, gain);
}

/** PERP-AGG-002: record an aggressive leg (allocating the entry; full ledger → POOL_FULL_AGGRESSORS). */
export function recordLeg(s: SlabState, account: bigint, instrument: bigint, epoch: bigint, side: Side, qty: bigint, notional: bigint): void {
  if (!guardOn(s)) return;
  let e = findEntry(s, account, instrument, epoch);
  if (!e) {
    e = { account, instrument, epoch, buyQty: 0n, buyNotional: 0n, sellQty: 0n, sellNotional: 0n };
    alloc(s.aggressors, e, 'POOL_FULL_AGGRESSORS');
  }
  if (side === 0) {
    e.buyQty = u128(e.buyQty + qty);
    e.buyNotional = u128(e.buyNotional + notional);
  } else {
    e.sellQty = u128(e.sellQty + qty);
    e.sellNotional = u128(e.sellNotional + notional);
  }
}
