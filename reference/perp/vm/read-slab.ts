/**
 * Reads a slab module's storage segment back into the golden model's `SlabState` shape (spec/perp.md §3,
 * §14), so the model's own `observe()` and `checkInvariants()` run on the VM's state: the differential
 * compares two snapshots produced by the same code. Free lists are rebuilt from the template's
 * representation (PERP-POOL-*: a stack of freed slots, then the never-used slots from `top` upward), which
 * is exactly the model's list; links equal to the template's NIL (0xFFFFFFFF) become the model's −1.
 */
import { NIL, type AggressorEntry, type Instrument, type Order, type Position, type Reservation, type Slice, type SlabParams, type SlabState, type Trade } from '../model/types.ts';
import type { Pool } from '../model/pool.ts';
import { StorageView, type Rec } from './layout.ts';

export const VM_NIL = 0xffffffffn;

const slotOf = (v: bigint | string): number => (v === VM_NIL ? NIL : Number(v));
const n = (r: Rec, k: string): bigint => r[k] as bigint;

/** A model pool from the template's free stack (`free` head, linked by `link`) and bump pointer `top`. */
function pool<T>(v: StorageView, array: string, prefix: string, link: string, make: (r: Rec, slot: number) => T): Pool<T> {
  const cap = v.capacity(array);
  const free: number[] = [];
  const seen = new Set<number>();
  for (let cur = v.scalar(`${prefix}_free`); cur !== VM_NIL && free.length <= cap; cur = n(v.record(array, Number(cur)), link)) {
    if (seen.has(Number(cur))) break;
    seen.add(Number(cur));
    free.push(Number(cur));
  }
  const top = Number(v.scalar(`${prefix}_top`));
  for (let i = top; i < cap; i++) free.push(i);
  const isFree = new Set(free);
  const slots: (T | null)[] = Array.from({ length: cap }, (_, i) => (isFree.has(i) ? null : make(v.record(array, i), i)));
  const nextFree: number[] = Array.from({ length: cap }, () => NIL);
  free.forEach((s, i) => (nextFree[s] = free[i + 1] ?? NIL));
  return { slots, nextFree, freeHead: free[0] ?? NIL, used: Number(v.scalar(`${prefix}_used`)) };
}

export interface SlabIdentity {
  readonly slabId: bigint;
  readonly router: bigint;
  readonly params: SlabParams;
}

/** The model state of a slab whose storage segment is `bytes` (layout from the compiled module). */
export function readSlab(v: StorageView, id: SlabIdentity): SlabState {
  const p = id.params;
  const acctN = Number(v.scalar('acct_n'));
  const accounts = Array.from({ length: acctN }, (_, i) => v.record('accounts', i));
  const ownerOfAcct = (a: bigint): bigint => n(accounts[Number(a)] ?? { owner: 0n }, 'owner');
  const ip = p.instruments[0];
  if (!ip) throw new Error('internal assertion failed: a slab has one instrument');
  const ins: Instrument = {
    ...ip,
    index: 0n,
    epoch: v.scalar('epoch'),
    batchOpenAt: v.scalar('batch_open_at'),
    freezeUntil: v.scalar('freeze_until'),
    freezeBidPx: v.scalar('freeze_bid_px', 'u128'),
    freezeAskPx: v.scalar('freeze_ask_px', 'u128'),
    cumFunding: v.scalar('cum_funding', 'i128'),
    fundingInterval: v.scalar('funding_interval'),
    lastTradePx: v.scalar('last_trade_px', 'u128'),
    bidHead: slotOf(v.scalar('bid_head')),
    askHead: slotOf(v.scalar('ask_head')),
    pendingHead: slotOf(v.scalar('pending_head')),
    pendingTail: slotOf(v.scalar('pending_tail')),
    liveSeq: v.scalar('live_seq'),
  };
  const orders = pool<Order>(v, 'orders', 'ord', 'next', (r) => ({
    id: n(r, 'id'),
    owner: ownerOfAcct(n(r, 'acct')),
    instrument: 0n,
    side: r['sell'] === 1n ? 1 : 0,
    cls: r['dlp'] === 1n ? 'DLP' : 'REG',
    state: r['pending'] === 1n ? 'PENDING' : 'LIVE',
    eligibleEpoch: n(r, 'eligible_epoch'),
    px: n(r, 'px'),
    qty: n(r, 'qty'),
    reservedQty: n(r, 'reserved_qty'),
    createdAt: n(r, 'created_at'),
    seq: n(r, 'seq'),
    next: slotOf(n(r, 'next')),
    prev: slotOf(n(r, 'prev')),
  }));
  const reservations = pool<Reservation>(v, 'ress', 'res', 'slice_head', (r) => ({
    holdId: n(r, 'hold_id'),
    routeId: n(r, 'route_id'),
    owner: n(r, 'owner'),
    instrument: 0n,
    side: n(r, 'side') === 1n ? 1 : 0,
    qty: n(r, 'qty'),
    limitPx: n(r, 'limit_px'),
    notional: n(r, 'notional'),
    vwap: n(r, 'vwap'),
    worstPx: n(r, 'worst_px'),
    fee: n(r, 'fee'),
    maxCharge: n(r, 'max_charge'),
    commitment: r['commitment'] as string,
    bookSeqno: n(r, 'book_seqno'),
    expiry: n(r, 'expiry'),
    sliceHead: slotOf(n(r, 'slice_head')),
  }));
  const slices = pool<Slice>(v, 'slices', 'sl', 'next', (r) => ({ orderSlot: Number(n(r, 'order_slot')), orderId: n(r, 'order_id'), qty: n(r, 'qty'), px: n(r, 'px'), next: slotOf(n(r, 'next')) }));
  const positions = pool<Position>(v, 'positions', 'pos', 'nf', (r) => ({
    owner: n(r, 'owner'),
    instrument: 0n,
    qty: n(r, 'qty'),
    cost: n(r, 'cost'),
    realised: n(r, 'realised'),
    fundingIdx: n(r, 'funding_idx'),
  }));
  const aggressors = pool<AggressorEntry>(v, 'aggs', 'agg', 'nf', (r) => ({
    account: n(r, 'account'),
    instrument: 0n,
    epoch: n(r, 'epoch'),
    buyQty: n(r, 'buy_qty'),
    buyNotional: n(r, 'buy_notional'),
    sellQty: n(r, 'sell_qty'),
    sellNotional: n(r, 'sell_notional'),
  }));
  const tradeCount = v.scalar('trade_count');
  const cap = v.capacity('trades');
  const trades: (Trade | null)[] = Array.from({ length: cap }, (_, i) => {
    if (BigInt(i) >= tradeCount) return null;
    const r = v.record('trades', i);
    return {
      tradeId: n(r, 'trade_id'),
      instrument: 0n,
      makerOrderId: n(r, 'maker_order_id'),
      maker: n(r, 'maker'),
      taker: n(r, 'taker'),
      takerSide: n(r, 'taker_side') === 1n ? 1 : 0,
      px: n(r, 'px'),
      qty: n(r, 'qty'),
      epoch: n(r, 'epoch'),
      holdId: n(r, 'hold_id'),
    };
  });
  const holdSlot = new Map<bigint, number>();
  reservations.slots.forEach((r, i) => r && holdSlot.set(r.holdId, i));
  const positionSlot = new Map<string, number>();
  positions.slots.forEach((x, i) => x && positionSlot.set(`${x.owner.toString(16)}/${x.instrument.toString(16)}`, i));
  const dlp = Array.from({ length: Number(v.scalar('dlp_n')) }, (_, i) => readDlp(v, i));
  return {
    header: { ...p, slabId: id.slabId, router: id.router, dlp, makerBps: v.scalar('maker_bps'), takerBps: v.scalar('taker_bps') },
    codeHash: p.versionHash,
    instruments: [ins],
    orders,
    reservations,
    slices,
    positions,
    aggressors,
    trades,
    tradeCount,
    holdSlot,
    positionSlot,
    accounts: new Set(accounts.map((a) => n(a, 'owner'))),
    nextOrderId: v.scalar('next_order_id'),
    bookSeqno: v.scalar('book_seqno'),
    feesAccrued: v.scalar('fees_accrued', 'u128'),
    classCount: { DLP: v.scalar('dlp_count'), REG: v.scalar('reg_count') },
  };
}

function readDlp(v: StorageView, i: number): bigint {
  return v.record('dlp', i, [['a', 'address']])['a'] as bigint;
}
