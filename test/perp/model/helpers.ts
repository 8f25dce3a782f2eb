/** Fixtures for the golden-model tests: a two-slab SOL venue (plus a BTC slab), funded users, route helpers. */
import type { ExecutionContext } from 'ava';
import { commitment, nameId } from '../../../reference/script/ids.ts';
import * as M from '../../../reference/perp/model/index.ts';
import type { OpResult, PerpState, SlabParams } from '../../../reference/perp/model/index.ts';

export const GOV = 1n;
export const ROUTER = 0x100n;
export const USDC = nameId('USDC');
export const SOL_FEED = nameId('pyth:SOLUSD');
export const SOL_BACKUP = nameId('switchboard:SOLUSD');
export const BTC_FEED = nameId('pyth:BTCUSD');
export const SLAB_A = 0xa1n;
export const SLAB_B = 0xb2n;
export const SLAB_BTC = 0xc3n;
export const V1 = 'aa'.repeat(32);
export const V2 = 'bb'.repeat(32);
export const DLP = 11n;
export const DLP2 = 12n;
export const REG = 13n;
export const ALICE = 21n;
export const BOB = 22n;
export const CAROL = 23n;
export const T0 = 10_000_000n;
/** 100 USDC (6 decimals) per contract of 1 SOL = 10⁶ base units; the oracle quotes per 10⁶ base units. */
export const PX = 100_000_000n;
export const TICK = 1_000n;
export const FUND = 1_000_000_000n;

export function slabParams(over: Partial<SlabParams> = {}, feed = SOL_FEED): SlabParams {
  return {
    versionHash: V1,
    instruments: [{ symbol: nameId('SOL'), contractSize: 1_000_000n, tick: TICK, lot: 1n, feed }],
    imrBps: 500n,
    mmrBps: 350n,
    makerBps: 2n,
    takerBps: 5n,
    batchMs: 50n,
    pendingPromotion: true,
    dlpAllowance: 256n,
    regAllowance: 4096n,
    killBandBps: 500n,
    jitPenalty: true,
    argTaxBps: 10n,
    freezeTopK: 2,
    fundingIntervalMs: 3_600_000n,
    fundingCapBps: 50n,
    pools: { accounts: 64, orders: 64, positions: 64, reservations: 16, slices: 64, trades: 32, aggressors: 16 },
    ...over,
  };
}

export const routerParams: M.RouterParams = {
  routerId: ROUTER,
  governance: GOV,
  asset: USDC,
  vaultCap: 10n ** 18n,
  capTtlMs: 120_000n,
  makerBpsMax: 10n,
  takerBpsMax: 25n,
  graceMs: 5_000n,
  bandBps: 200n,
  maxSlices: 8,
  marginModel: 'net',
};

/** Assert ok and return the new state (or the output with `.out`). */
export function ok<T>(t: ExecutionContext, r: OpResult<T>): OpResult<T> & { ok: true } {
  if (!r.ok) t.fail(`expected ok, got ${r.error} (${r.code})`);
  return r as OpResult<T> & { ok: true };
}

export function mustOk<T>(r: OpResult<T>): OpResult<T> & { ok: true } {
  if (!r.ok) throw new Error(`expected ok, got ${r.error} (${r.code})`);
  return r as OpResult<T> & { ok: true };
}

export interface VenueOptions {
  readonly slabA?: Partial<SlabParams>;
  readonly slabB?: Partial<SlabParams>;
  readonly router?: Partial<M.RouterParams>;
  readonly users?: readonly bigint[];
  readonly funds?: bigint;
}

/**
 * A venue: feeds (SOL with a failover, BTC) published at T0; slabs A and B on SOL and one on BTC, approved
 * and registered; DLP and DLP2 in both SOL slabs' DLP class; every user with `funds` deposited and as
 * much again in the wallet (makers always FUND); insurance funded by GOV.
 */
export function venue(o: VenueOptions = {}): PerpState {
  let st = M.newState({ ...routerParams, ...o.router });
  const funds = o.funds ?? FUND;
  st = mustOk(
    M.step(st, (s) => {
      M.addFeed(s, SOL_FEED, { heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [SOL_BACKUP] });
      M.addFeed(s, SOL_BACKUP, { heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [] });
      M.addFeed(s, BTC_FEED, { heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [] });
      M.publishPrice(s, SOL_FEED, PX, T0);
      M.publishPrice(s, SOL_BACKUP, PX, T0);
      M.publishPrice(s, BTC_FEED, 60_000_000_000n, T0);
      M.approveVersion(s, GOV, V1);
      M.deploySlab(s, SLAB_A, slabParams(o.slabA), T0);
      M.deploySlab(s, SLAB_B, slabParams(o.slabB), T0);
      M.deploySlab(s, SLAB_BTC, slabParams({ instruments: [{ symbol: nameId('BTC'), contractSize: 1_000n, tick: 100_000n, lot: 1n, feed: BTC_FEED }] }, BTC_FEED), T0);
      for (const slab of [SLAB_A, SLAB_B, SLAB_BTC]) M.registerSlab(s, GOV, slab);
      for (const slab of [SLAB_A, SLAB_B]) for (const u of [DLP, DLP2]) M.setDlp(s, GOV, slab, u, true);
      for (const u of [...(o.users ?? [DLP, DLP2, REG, ALICE, BOB, CAROL]), GOV]) {
        const f = [DLP, DLP2, REG].includes(u) ? FUND : funds;
        M.setWallet(s.custody, u, USDC, f * 2n);
        if (u !== GOV) M.deposit(s, u, USDC, f);
      }
      M.fundInsurance(s, GOV, funds);
      M.setWallet(s.custody, GOV, USDC, FUND);
      s.events.length = 0;
    }),
  ).state;
  return st;
}

export const SALT = new Uint8Array(32).fill(7);

export interface LegSpec {
  readonly slab: bigint;
  readonly side: 0 | 1;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly instrument?: bigint;
  readonly salt?: Uint8Array;
}

/** Leg requests with commitments to the user's next route id. */
export function legs(st: PerpState, user: bigint, specs: readonly LegSpec[]): M.LegRequest[] {
  const route = M.nextRouteId(st, user);
  return specs.map((l) => ({
    slab: l.slab,
    instrument: l.instrument ?? 0n,
    side: l.side,
    qty: l.qty,
    limitPx: l.limitPx,
    commitment: commitment(route, l.instrument ?? 0n, BigInt(l.side), l.qty, l.limitPx, l.salt ?? SALT),
  }));
}

export function reveal(l: LegSpec, salt: Uint8Array = l.salt ?? SALT): M.Chosen['reveal'] {
  return { side: l.side, qty: l.qty, limitPx: l.limitPx, salt };
}

/** Reserve then commit every leg; returns the commit result. */
export function trade(st: PerpState, user: bigint, specs: readonly LegSpec[], now: bigint): OpResult<unknown> {
  const r = M.step(st, (s) => M.reserveRoute(s, user, legs(s, user, specs), 10_000n, now));
  if (!r.ok) return r;
  const chosen = r.out.legs.map((l, i) => ({ holdId: l.holdId, reveal: reveal(specs[i] as LegSpec) }));
  return M.commitRoute(r.state, user, r.out.routeId, chosen, now);
}

/** Place a maker order (through the router). */
export function post(st: PerpState, user: bigint, slab: bigint, side: 0 | 1, px: bigint, qty: bigint, now = T0): OpResult<M.Placed> {
  return M.step(st, (s) => M.placeOrder(s, user, slab, 0n, side, px, qty, now));
}

/** A book on `slab`: DLP asks at PX+1..+3 ticks and bids at PX−1..−3 ticks, 10 each. */
export function book(st: PerpState, slab = SLAB_A, maker = DLP): PerpState {
  let s = st;
  for (let i = 1n; i <= 3n; i++) {
    s = mustOk(post(s, maker, slab, 1, PX + i * TICK, 10n)).state;
    s = mustOk(post(s, maker, slab, 0, PX - i * TICK, 10n)).state;
  }
  return s;
}

export function slab(st: PerpState, id = SLAB_A): M.SlabState {
  const s = st.slabs.get(id);
  if (!s) throw new Error('no slab');
  return s;
}
