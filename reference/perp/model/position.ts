/**
 * Positions in cost-basis form (spec/perp.md §6, PERP-POS-*; S10, P9): `cost` = Σ signed fill qty × price
 * of the open part, so entry price, PnL and flips are exact integers; the only division (the cost share
 * of a partial close) rounds so the realised PnL of the trader rounds down, and the remainder stays in
 * the cost of the open part — over a round trip the total is exact.
 */
import { abs, ceilDiv, floorDiv, i128 } from './arith.ts';
import { check } from './errors.ts';
import { alloc, at, release } from './pool.ts';
import { ORACLE_UNIT, type Instrument, type Position, type SlabState } from './types.ts';

const posKey = (owner: bigint, instrument: bigint): string => `${owner.toString(16)}/${instrument.toString(16)}`;

/** PERP-POS-001: the account table: a new account takes an entry, never freed; full → POOL_FULL_ACCOUNTS. */
export function touchAccount(s: SlabState, owner: bigint): void {
  if (s.accounts.has(owner)) return;
  check(s.accounts.size < s.header.pools.accounts, 'POOL_FULL_ACCOUNTS');
  s.accounts.add(owner);
}

export function findPosition(s: SlabState, owner: bigint, instrument: bigint): Position | undefined {
  const slot = s.positionSlot.get(posKey(owner, instrument));
  return slot === undefined ? undefined : at(s.positions, slot);
}

/** The position of (owner, instrument), allocated flat with the instrument's funding index when absent. */
export function positionOf(s: SlabState, ins: Instrument, owner: bigint): Position {
  const found = findPosition(s, owner, ins.index);
  if (found) return found;
  touchAccount(s, owner);
  const p: Position = { owner, instrument: ins.index, qty: 0n, cost: 0n, realised: 0n, fundingIdx: ins.cumFunding };
  s.positionSlot.set(posKey(owner, ins.index), alloc(s.positions, p, 'POOL_FULL_POSITIONS'));
  return p;
}

/** PERP-POS-002: free a position that is flat with nothing realised (after settlement). */
export function freeIfEmpty(s: SlabState, p: Position): void {
  if (p.qty !== 0n || p.realised !== 0n) return;
  const key = posKey(p.owner, p.instrument);
  const slot = s.positionSlot.get(key);
  if (slot === undefined) return;
  s.positionSlot.delete(key);
  release(s.positions, slot);
}

/** PERP-FUND-003: funding owed by the position since its index: qty × (cum − idx) (exact; positive = pays). */
export function fundingOwed(p: Position, ins: Instrument): bigint {
  return i128(p.qty * (ins.cumFunding - p.fundingIdx));
}

/** PERP-FUND-004: settle funding into realised and move the index to the instrument's. */
export function settleFunding(p: Position, ins: Instrument): void {
  p.realised = i128(p.realised - fundingOwed(p, ins));
  p.fundingIdx = ins.cumFunding;
}

/**
 * PERP-POS-003: apply a fill of signed quantity `f` (buy > 0) at price `px`. Funding is settled first.
 * The closing part c = min(|f|, |qty|) removes cost share C_c = ⌈cost·c/|qty|⌉ (signed ceiling: a long
 * gives up at least its share, a short at most), realising −f_c·px − C_c with f_c = −sign(qty)·c; the
 * opening remainder adds f_o·px to cost.
 */
export function applyFill(p: Position, ins: Instrument, f: bigint, px: bigint): bigint {
  settleFunding(p, ins);
  let realised = 0n;
  let open = f;
  if (p.qty !== 0n && (p.qty > 0n) !== (f > 0n)) {
    const c = abs(f) < abs(p.qty) ? abs(f) : abs(p.qty);
    const fc = p.qty > 0n ? -c : c;
    const share = ceilDiv(i128(p.cost * c), abs(p.qty));
    realised = i128(-fc * px - share);
    p.cost = i128(p.cost - share);
    p.qty = i128(p.qty + fc);
    open = f - fc;
  }
  p.cost = i128(p.cost + open * px);
  p.qty = i128(p.qty + open);
  p.realised = i128(p.realised + realised);
  return realised;
}

/** PERP-POS-004: unrealised PnL at oracle price P: ⌊(qty·cs·P − cost·ORACLE_UNIT) / ORACLE_UNIT⌋ (rounds against the trader). */
export function unrealised(p: Position, ins: Instrument, oraclePx: bigint): bigint {
  return floorDiv(i128(p.qty * ins.contractSize * oraclePx - p.cost * ORACLE_UNIT), ORACLE_UNIT);
}

/** PERP-UNIT-004: the oracle price per contract, ⌊P·cs / ORACLE_UNIT⌋ (kill band, funding, liquidation band). */
export function indexPx(ins: Instrument, oraclePx: bigint): bigint {
  return (oraclePx * ins.contractSize) / ORACLE_UNIT;
}
