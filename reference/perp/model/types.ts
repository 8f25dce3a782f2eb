/**
 * Records of the perp golden model (spec/perp.md §3, PERP-DATA-*). Every field is an integer of a stated
 * width (u64/u128/i128, held as bigint), a boolean, or a pool index (−1 = none); a template lays the same
 * records out in its segment. Maps appear only where the spec names a constant-time lookup (hold id →
 * reservation slot, (account, instrument) → position slot) and never drive iteration order.
 */
import type { Pool } from './pool.ts';

/** PERP-UNIT-003: 0 = buy, 1 = sell (the encoding of CS-ID-005). */
export type Side = 0 | 1;
export type MakerClass = 'DLP' | 'REG';
export type OrderState = 'LIVE' | 'PENDING';

/** PERP-UNIT-002: the oracle publishes quote base units per ORACLE_UNIT underlying base units. */
export const ORACLE_UNIT = 1_000_000n;
/** PERP-ROUTE-001: legs in one route. */
export const MAX_LEGS = 8;
/** PERP-RTR-006: users with a router account entry (taken on first use, never freed). */
export const MAX_ACCOUNTS = 4096;
/** PERP-ROUTE-007: open routes a router holds at once (a finished route frees its record). */
export const MAX_ROUTES = 4096;
/** PERP-ROUTE-008: open routes one user may hold, and routes one expire_routes call cancels. */
export const MAX_OPEN_ROUTES = 8;
export const EXPIRE_MAX = 16;
/** PERP-BATCH-002: PENDING orders one batch_open walks. */
export const PENDING_MAX = 128;
/** A pool index meaning "none". */
export const NIL = -1;

export interface PoolSizes {
  readonly accounts: number;
  readonly orders: number;
  readonly positions: number;
  readonly reservations: number;
  readonly slices: number;
  readonly trades: number;
  readonly aggressors: number;
}

/** PERP-DATA-INSTR: the static part of an instrument (INSTRUMENT + ORACLE directives). */
export interface InstrumentParams {
  readonly symbol: bigint;
  readonly contractSize: bigint;
  readonly tick: bigint;
  readonly lot: bigint;
  readonly feed: bigint;
}

/** PERP-DATA-HEADER: slab header, from the SLAB block's directives. */
export interface SlabParams {
  readonly versionHash: string;
  readonly instruments: readonly InstrumentParams[];
  readonly imrBps: bigint;
  readonly mmrBps: bigint;
  readonly makerBps: bigint;
  readonly takerBps: bigint;
  readonly batchMs: bigint;
  readonly pendingPromotion: boolean;
  readonly dlpAllowance: bigint;
  readonly regAllowance: bigint;
  readonly killBandBps: bigint;
  readonly jitPenalty: boolean;
  readonly argTaxBps: bigint;
  readonly freezeTopK: number;
  readonly fundingIntervalMs: bigint;
  readonly fundingCapBps: bigint;
  readonly pools: PoolSizes;
}

/** Fees are the header fields governance may change (S2). */
export interface SlabHeader extends Omit<SlabParams, 'makerBps' | 'takerBps'> {
  makerBps: bigint;
  takerBps: bigint;
  readonly slabId: bigint;
  readonly router: bigint;
  /** Accounts of the DLP maker class (governance-set). */
  dlp: bigint[];
}

/** PERP-DATA-INSTR: the mutable part of an instrument. */
export interface Instrument extends InstrumentParams {
  readonly index: bigint;
  epoch: bigint;
  batchOpenAt: bigint;
  freezeUntil: bigint;
  /** Frozen thresholds (0 = no freeze on that side): the K-th best LIVE bid / ask at batch open. */
  freezeBidPx: bigint;
  freezeAskPx: bigint;
  /** Σ funding per contract, price units (i128). */
  cumFunding: bigint;
  /** The last funding interval applied: ⌊t / interval_ms⌋. */
  fundingInterval: bigint;
  /** Price of the last trade since the last funding (0 = none). */
  lastTradePx: bigint;
  /** Heads and tails of the bid, ask and pending lists (order slots). */
  bidHead: number;
  askHead: number;
  pendingHead: number;
  pendingTail: number;
  /** Next time-priority sequence number given to an order when it goes LIVE. */
  liveSeq: bigint;
}

/** PERP-DATA-ORDER */
export interface Order {
  readonly id: bigint;
  readonly owner: bigint;
  readonly instrument: bigint;
  readonly side: Side;
  readonly cls: MakerClass;
  state: OrderState;
  readonly eligibleEpoch: bigint;
  readonly px: bigint;
  qty: bigint;
  reservedQty: bigint;
  readonly createdAt: bigint;
  seq: bigint;
  next: number;
  prev: number;
}

/** PERP-DATA-SLICE: a part of one order held by a reservation, at the order's price. */
export interface Slice {
  readonly orderSlot: number;
  readonly orderId: bigint;
  readonly qty: bigint;
  readonly px: bigint;
  next: number;
}

/** PERP-DATA-RES */
export interface Reservation {
  readonly holdId: bigint;
  readonly routeId: bigint;
  readonly owner: bigint;
  readonly instrument: bigint;
  readonly side: Side;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly notional: bigint;
  readonly vwap: bigint;
  readonly worstPx: bigint;
  readonly fee: bigint;
  readonly maxCharge: bigint;
  /** sha256 commitment (CS-ID-005), hex. */
  readonly commitment: string;
  readonly bookSeqno: bigint;
  readonly expiry: bigint;
  readonly sliceHead: number;
}

/** PERP-DATA-POS: cost basis form; entry price = cost / qty. */
export interface Position {
  readonly owner: bigint;
  readonly instrument: bigint;
  qty: bigint;
  cost: bigint;
  realised: bigint;
  fundingIdx: bigint;
}

/** PERP-DATA-TRADE */
export interface Trade {
  readonly tradeId: bigint;
  readonly instrument: bigint;
  readonly makerOrderId: bigint;
  readonly maker: bigint;
  readonly taker: bigint;
  readonly takerSide: Side;
  readonly px: bigint;
  readonly qty: bigint;
  readonly epoch: bigint;
  /** 0 for a liquidation fill. */
  readonly holdId: bigint;
}

/** PERP-DATA-AGG: aggressive (taker) volume of one account on one instrument in one epoch. */
export interface AggressorEntry {
  readonly account: bigint;
  readonly instrument: bigint;
  readonly epoch: bigint;
  buyQty: bigint;
  buyNotional: bigint;
  sellQty: bigint;
  sellNotional: bigint;
}

export interface SlabState {
  readonly header: SlabHeader;
  /** Current code hash of the slab program (P11 compares it with the registry). */
  codeHash: string;
  readonly instruments: Instrument[];
  readonly orders: Pool<Order>;
  readonly reservations: Pool<Reservation>;
  readonly slices: Pool<Slice>;
  readonly positions: Pool<Position>;
  readonly aggressors: Pool<AggressorEntry>;
  /** The trades ring: `trades[tradeCount mod capacity]` is written next. */
  readonly trades: (Trade | null)[];
  tradeCount: bigint;
  readonly holdSlot: Map<bigint, number>;
  readonly positionSlot: Map<string, number>;
  /** Accounts that ever held an order or position (table of `pools.accounts` entries, never freed). */
  readonly accounts: Set<bigint>;
  nextOrderId: bigint;
  bookSeqno: bigint;
  /** Fees charged to positions (maker and liquidation fees), not through caps. */
  feesAccrued: bigint;
  classCount: { DLP: bigint; REG: bigint };
}

/** Host custody records: the VM world's own types (reference/vm/world.ts), so the shapes cannot drift. */
export type { DebitCap as Cap, Escrow } from '../../vm/world.ts';
import type { DebitCap as Cap, Escrow } from '../../vm/world.ts';

export interface Custody {
  readonly wallets: Map<string, bigint>;
  readonly vaults: Map<bigint, bigint>;
  readonly escrows: Map<string, Escrow>;
  readonly caps: Map<bigint, Cap>;
  nextCap: bigint;
}

export interface Feed {
  price: bigint;
  publishTime: bigint;
  readonly heartbeatMs: bigint;
  readonly staleAfterMs: bigint;
  /** Ordered failover feeds (their own failovers are not followed). */
  readonly failover: readonly bigint[];
}

export type LegStatus = 'open' | 'committed' | 'cancelled';
/** PERP-ROUTE-007: a recorded route is always open (finished routes are freed); the other values name how a route finished. */
export type RouteStatus = 'open' | 'committed' | 'cancelled' | 'failed';

export interface Leg {
  readonly slab: bigint;
  readonly instrument: bigint;
  readonly side: Side;
  readonly qty: bigint;
  readonly holdId: bigint;
  readonly capId: bigint;
  readonly maxCharge: bigint;
  status: LegStatus;
}

export interface Route {
  readonly routeId: bigint;
  readonly user: bigint;
  readonly expiry: bigint;
  status: RouteStatus;
  readonly legs: Leg[];
}

/** PERP-DATA-REG: one registry entry (P10, P11). */
export interface RegistryEntry {
  readonly slab: bigint;
  versionHash: string;
  readonly imrBps: bigint;
  readonly mmrBps: bigint;
  makerBps: bigint;
  takerBps: bigint;
}

export interface RouterParams {
  readonly routerId: bigint;
  readonly governance: bigint;
  readonly asset: bigint;
  readonly vaultCap: bigint;
  readonly capTtlMs: bigint;
  readonly makerBpsMax: bigint;
  readonly takerBpsMax: bigint;
  readonly graceMs: bigint;
  readonly bandBps: bigint;
  readonly maxSlices: number;
  readonly marginModel: 'net' | 'gross';
}

export interface RouterState {
  readonly params: RouterParams;
  /** Settled collateral per user (i128: negative only as bad debt). */
  readonly cash: Map<bigint, bigint>;
  insurance: bigint;
  /** Taker fees booked per slab. */
  readonly fees: Map<bigint, bigint>;
  readonly routes: Map<bigint, Route>;
  readonly routeNonce: Map<bigint, bigint>;
  readonly registry: Map<bigint, RegistryEntry>;
  readonly approvedVersions: Set<string>;
  /** User → time the margin call began (L1 grace window). */
  readonly marginCalls: Map<bigint, bigint>;
  /** PERP-RTR-006: users holding an account entry (not an observable; it bounds the table). */
  readonly accounts: Set<bigint>;
}

export interface PerpEvent {
  readonly kind: string;
  readonly data: Readonly<Record<string, bigint | string>>;
}

export interface PerpState {
  readonly custody: Custody;
  readonly router: RouterState;
  readonly oracles: Map<bigint, Feed>;
  readonly slabs: Map<bigint, SlabState>;
  readonly events: PerpEvent[];
}
