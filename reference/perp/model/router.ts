/**
 * Router operations on funds and maker orders (spec/perp.md §10, PERP-RTR-*; P1, P3, P4, P9): deposits
 * and withdrawals move wallet ↔ vault through the host semantics and book the user's cash; settlement
 * moves a slab position's realised PnL into cash; maker orders pass the router's margin check.
 */
import { SYS_STATUS } from '../../vm/syscalls.ts';
import { check, fail } from './errors.ts';
import { vault, vaultDeposit, vaultWithdraw } from './custody.ts';
import { fundingTick, type FundingOut } from './funding.ts';
import { portfolio } from './margin.ts';
import { publish } from './oracle.ts';
import { usedSlots } from './pool.ts';
import { freeIfEmpty, settleFunding } from './position.ts';
import { usableSlab } from './registry.ts';
import { batchOpen, cancelOrder as slabCancelOrder, placeOrder as slabPlaceOrder, type Placed } from './slab.ts';
import { cashOf, emit, setCash } from './state.ts';
import type { Instrument, PerpState, Position, SlabState } from './types.ts';

function checkAsset(st: PerpState, asset: bigint): void {
  check(asset === st.router.params.asset, 'UNKNOWN_ASSET');
}

/** Host transfer statuses of deposit/withdraw as perp errors. */
function transferOk(status: bigint): void {
  if (status === SYS_STATUS.EXCEEDS_BALANCE) fail('WALLET_BALANCE');
  if (status !== SYS_STATUS.OK) fail('BALANCE_OVERFLOW');
}

/** PERP-RTR-001: deposit: vault + amount ≤ vault_cap; wallet → vault; cash += amount. */
export function deposit(st: PerpState, user: bigint, asset: bigint, amount: bigint): void {
  checkAsset(st, asset);
  check(vault(st.custody, asset) + amount <= st.router.params.vaultCap, 'VAULT_CAP');
  transferOk(vaultDeposit(st.custody, user, asset, amount));
  setCash(st, user, cashOf(st, user) + amount);
  emit(st, 'deposit', { user, amount });
}

/** PERP-RTR-003 (RM2…): the margin check of new risk: equity without unrealised profit ≥ IM with every resting order and open leg filled. */
export function requireInitialMargin(st: PerpState, user: bigint, now: bigint): void {
  const pf = portfolio(st, user, now);
  check(pf.imEquity >= pf.imWorst, 'INSUFFICIENT_MARGIN');
}

/** PERP-RTR-002: withdraw: amount ≤ cash; after it the initial margin still holds; vault → wallet. */
export function withdraw(st: PerpState, user: bigint, asset: bigint, amount: bigint, now: bigint): void {
  checkAsset(st, asset);
  check(amount <= cashOf(st, user), 'INSUFFICIENT_CASH');
  setCash(st, user, cashOf(st, user) - amount);
  requireInitialMargin(st, user, now);
  transferOk(vaultWithdraw(st.custody, user, asset, amount));
  emit(st, 'withdraw', { user, amount });
}

/** Insurance funding from a wallet (governance or anyone): wallet → vault, insurance += amount. */
export function fundInsurance(st: PerpState, from: bigint, amount: bigint): void {
  const asset = st.router.params.asset;
  check(vault(st.custody, asset) + amount <= st.router.params.vaultCap, 'VAULT_CAP');
  transferOk(vaultDeposit(st.custody, from, asset, amount));
  st.router.insurance += amount;
  emit(st, 'insurance_funded', { from, amount });
}

/** The user's positions on registered slabs, with their instruments (registry order, then slot order). */
export interface Held {
  readonly slab: bigint;
  readonly s: SlabState;
  readonly ins: Instrument;
  readonly p: Position;
}

export function positionsOf(st: PerpState, user: bigint): Held[] {
  const out: Held[] = [];
  for (const slab of st.router.registry.keys()) {
    const s = st.slabs.get(slab);
    if (!s) continue;
    for (const [, p] of usedSlots(s.positions)) if (p.owner === user) out.push({ slab, s, ins: s.instruments[Number(p.instrument)] as Instrument, p });
  }
  return out;
}

/** PERP-RTR-004: settle: per position, funding into realised, realised into cash; empty positions are freed. */
export function settle(st: PerpState, user: bigint): bigint {
  let moved = 0n;
  for (const { s, ins, p } of positionsOf(st, user)) {
    settleFunding(p, ins);
    moved += p.realised;
    p.realised = 0n;
    freeIfEmpty(s, p);
  }
  setCash(st, user, cashOf(st, user) + moved);
  if (moved !== 0n) emit(st, 'settle', { user, amount: moved });
  return moved;
}

/** PERP-RTR-005: a maker order through the router: usable slab (P11), then the slab's placement, then initial margin. */
export function placeOrder(st: PerpState, user: bigint, slab: bigint, instrument: bigint, side: number, px: bigint, qty: bigint, now: bigint): Placed {
  const s = usableSlab(st, slab);
  const placed = slabPlaceOrder(s, st.router.params.routerId, now, user, instrument, side, px, qty);
  requireInitialMargin(st, user, now);
  emit(st, 'order_placed', { slab, user, orderId: placed.orderId, instrument, side: BigInt(side), px, qty, state: placed.state });
  return placed;
}

export function cancelOrder(st: PerpState, user: bigint, slab: bigint, orderId: bigint): void {
  const s = usableSlab(st, slab);
  const { reservedQty } = slabCancelOrder(s, st.router.params.routerId, user, orderId);
  emit(st, 'order_cancelled', { slab, user, orderId, reservedQty });
}

/** Sequencer-driven batch open, through the router. */
export function openBatch(st: PerpState, slab: bigint, instrument: bigint, now: bigint): { epoch: bigint; promoted: bigint } {
  const out = batchOpen(usableSlab(st, slab), st.router.params.routerId, instrument, now);
  emit(st, 'batch_open', { slab, instrument, ...out });
  return out;
}

/** Sequencer-driven funding tick, through the router. */
export function tickFunding(st: PerpState, slab: bigint, instrument: bigint, now: bigint): FundingOut {
  const out = fundingTick(usableSlab(st, slab), st.router.params.routerId, st.oracles, instrument, now);
  if (out.intervals > 0n) emit(st, 'funding', { slab, instrument, ...out });
  return out;
}

/** An oracle publication (host input). */
export function publishPrice(st: PerpState, feed: bigint, price: bigint, publishTime: bigint): void {
  publish(st.oracles, feed, price, publishTime);
  emit(st, 'oracle', { feed, price, publishTime });
}
