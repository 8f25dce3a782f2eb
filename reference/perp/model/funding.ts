/**
 * Funding (spec/perp.md §8, PERP-FUND-*; RM6, RM7): every slab uses the same time grid — interval k is
 * [k·interval_ms, (k+1)·interval_ms) — and applies each interval exactly once. Per interval the funding
 * per contract is the premium of the last trade price over the index, clamped to ±cap; it is added to the
 * instrument's cumulative funding, and a position pays qty × (cum − its index), so payments are exact
 * integers and sum to zero over all positions.
 */
import { BPS, i128, mulDivDown } from './arith.ts';
import { oraclePrice } from './oracle.ts';
import { indexPx } from './position.ts';
import { instrumentOf, requireRouter } from './slab.ts';
import type { Feed, SlabState } from './types.ts';

export interface FundingOut {
  readonly intervals: bigint;
  readonly ratePerContract: bigint;
  readonly cumFunding: bigint;
}

/**
 * PERP-FUND-001: n = ⌊now/interval_ms⌋ − last applied interval; nothing when n = 0. Else with
 * idx = index price per contract, cap = ⌊idx·cap_bps/10⁴⌋ (down: never above cap_bps), fair = last trade
 * price since the previous funding (idx when none), premium = clamp(fair − idx, −cap, cap):
 * cum += n·premium; the last interval := ⌊now/interval_ms⌋; last trade price := 0.
 */
export function fundingTick(s: SlabState, caller: bigint, feeds: ReadonlyMap<bigint, Feed>, instrument: bigint, now: bigint): FundingOut {
  requireRouter(s, caller);
  const ins = instrumentOf(s, instrument);
  const k = now / s.header.fundingIntervalMs;
  const n = k - ins.fundingInterval;
  if (n <= 0n) return { intervals: 0n, ratePerContract: 0n, cumFunding: ins.cumFunding };
  const idx = indexPx(ins, oraclePrice(feeds, ins.feed, now).price);
  const cap = mulDivDown(idx, s.header.fundingCapBps, BPS);
  const fair = ins.lastTradePx === 0n ? idx : ins.lastTradePx;
  const diff = fair - idx;
  const premium = diff > cap ? cap : diff < -cap ? -cap : diff;
  ins.cumFunding = i128(ins.cumFunding + n * premium);
  ins.fundingInterval = k;
  ins.lastTradePx = 0n;
  return { intervals: n, ratePerContract: premium, cumFunding: ins.cumFunding };
}
