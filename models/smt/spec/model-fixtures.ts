/**
 * Small golden-model objects for the concrete side of the spec-level obligations: an instrument, a
 * position and a one-instrument slab with a feed, so replays and drift checks call the model's own
 * functions (position.ts, funding.ts, …) rather than a restatement.
 */
import { PerpFault } from '../../../reference/perp/model/errors.ts';
import { reserve } from '../../../reference/perp/model/reserve.ts';
import { newSlab, placeOrder } from '../../../reference/perp/model/slab.ts';
import { NIL, type Feed, type Instrument, type Position, type RouterParams, type SlabState } from '../../../reference/perp/model/types.ts';

export const ROUTER = 1n;
export const FEED = 9n;

export function instrument(contractSize: bigint, cumFunding = 0n): Instrument {
  return {
    symbol: 1n,
    contractSize,
    tick: 1n,
    lot: 1n,
    feed: FEED,
    index: 0n,
    epoch: 0n,
    batchOpenAt: 0n,
    freezeUntil: 0n,
    freezeBidPx: 0n,
    freezeAskPx: 0n,
    cumFunding,
    fundingInterval: 0n,
    lastTradePx: 0n,
    bidHead: NIL,
    askHead: NIL,
    pendingHead: NIL,
    pendingTail: NIL,
    liveSeq: 1n,
  };
}

export function position(qty: bigint, cost: bigint, realised = 0n, fundingIdx = 0n): Position {
  return { owner: 5n, instrument: 0n, qty, cost, realised, fundingIdx };
}

/** A one-instrument slab (router ROUTER) with the given funding parameters and ratios. */
export function slab(o: { contractSize: bigint; fundingIntervalMs?: bigint; fundingCapBps?: bigint; argTaxBps?: bigint; takerBps?: bigint; pools?: number }): SlabState {
  const n = o.pools ?? 1;
  return newSlab(
    2n,
    ROUTER,
    {
      versionHash: '00'.repeat(32),
      instruments: [{ symbol: 1n, contractSize: o.contractSize, tick: 1n, lot: 1n, feed: FEED }],
      imrBps: 1000n,
      mmrBps: 500n,
      makerBps: 0n,
      takerBps: o.takerBps ?? 0n,
      batchMs: 1n,
      pendingPromotion: false,
      dlpAllowance: 10n,
      regAllowance: 10n,
      killBandBps: 100n,
      jitPenalty: false,
      argTaxBps: o.argTaxBps ?? 0n,
      freezeTopK: 0,
      fundingIntervalMs: o.fundingIntervalMs ?? 1n,
      fundingCapBps: o.fundingCapBps ?? 0n,
      pools: { orders: n, reservations: n, slices: n * n, positions: n + 1, aggressors: 1, trades: n * n, accounts: n + 1 },
    },
    0n,
  );
}

/** A fresh feed map with one price published at time 0 (fresh at `now` within its window). */
export function feeds(price: bigint): Map<bigint, Feed> {
  return new Map([[FEED, { price, publishTime: 0n, heartbeatMs: 1n << 70n, staleAfterMs: 1n << 70n, failover: [] }]]);
}

/** The maker of the fixture book's orders, and the taker that reserves against them. */
export const MAKER = 11n;
export const TAKER = 12n;

/** A slab whose ask side holds the given LIVE orders of MAKER (in this order), each with its reserved quantity. */
export function askBook(orders: readonly { px: bigint; qty: bigint; reserved?: bigint }[]): { s: SlabState; slots: number[] } {
  const s = slab({ contractSize: 1n, pools: Math.max(4, orders.length + 1) });
  const slots = orders.map((o) => {
    const slot = s.orders.freeHead;
    placeOrder(s, ROUTER, 0n, MAKER, 0n, 1, o.px, o.qty);
    const rec = s.orders.slots[slot];
    if (!rec) throw new Error('internal: fixture order not placed');
    rec.reservedQty = o.reserved ?? 0n;
    return slot;
  });
  return { s, slots };
}

/**
 * reserve(qty, limit) as TAKER buying on the fixture book: the hold id, or the error name. All or nothing
 * (PERP-OP-001): the model runs operations on a copy of the state (state.ts `step`), so a failed reserve
 * is undone here the same way — the walk has already raised reserved_qty when it finds too little depth.
 */
export function reserveBuy(s: SlabState, qty: bigint, limitPx: bigint, routeId = 1n): bigint | string {
  const before = structuredClone(s);
  try {
    return reserve(s, ROUTER, 0n, { routeId, user: TAKER, instrument: 0n, side: 0, qty, limitPx, ttl: 1n, commitment: new Uint8Array(32) }).holdId;
  } catch (e) {
    if (!(e instanceof PerpFault)) throw e;
    Object.assign(s, before);
    return e.errorName;
  }
}

/** Router parameters for replays that need a whole state (only the fields they read matter). */
export const ROUTER_PARAMS: RouterParams = {
  routerId: ROUTER,
  governance: 2n,
  asset: 3n,
  vaultCap: 1n << 127n,
  capTtlMs: 1000n,
  makerBpsMax: 100n,
  takerBpsMax: 100n,
  graceMs: 0n,
  bandBps: 100n,
  maxSlices: 4,
  marginModel: 'net',
};
