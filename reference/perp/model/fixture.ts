/**
 * The canonical golden-model venue fixture: the ids, prices, router parameters and slab parameters of the
 * two-slab SOL venue (slabs A and B on a SOL feed with a failover, one BTC slab, DLP makers, funded users)
 * that spec/invariants.md's example tests, the `perp.scenario` conformance fillers, the go/no-go
 * experiments and the soak venue start from. Values only and pure helpers: nothing here reads a clock.
 */
import { commitment, nameId } from '../../script/ids.ts';
import { nextRouteId, type LegRequest } from './routes.ts';
import type { PerpState, RouterParams, SlabParams } from './types.ts';

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
/** 100 USDC (6 decimals) per contract of 1 SOL = 10⁶ base units; the oracle quotes per 10⁶ base units (PERP-UNIT-002). */
export const PX = 100_000_000n;
/** 60 000 USDC per BTC. */
export const BTC_PX = 60_000_000_000n;
export const TICK = 1_000n;
export const FUND = 1_000_000_000n;
export const HOUR = 3_600_000n;
export const SALT = new Uint8Array(32).fill(7);
/** The fixture feeds' heartbeat and staleness (a failover list is added per feed). */
export const FEED_TIMING = { heartbeatMs: 400n, staleAfterMs: 2_000n } as const;

export const ROUTER_PARAMS: RouterParams = {
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

/** A SOL slab (or `symbol` on `feed`) with every anti-toxicity feature on; `over` replaces fields. */
export function slabParams(over: Partial<SlabParams> = {}, feed = SOL_FEED, symbol = 'SOL'): SlabParams {
  return {
    versionHash: V1,
    instruments: [{ symbol: nameId(symbol), contractSize: 1_000_000n, tick: TICK, lot: 1n, feed }],
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
    fundingIntervalMs: HOUR,
    fundingCapBps: 50n,
    pools: { accounts: 64, orders: 64, positions: 64, reservations: 16, slices: 64, trades: 32, aggressors: 16 },
    ...over,
  };
}

/** The BTC slab: contracts of 10³ base units, a tick of 0.1 USDC. */
export function btcSlabParams(): SlabParams {
  return slabParams({ instruments: [{ symbol: nameId('BTC'), contractSize: 1_000n, tick: 100_000n, lot: 1n, feed: BTC_FEED }] }, BTC_FEED);
}

export interface LegSpec {
  readonly slab: bigint;
  readonly side: 0 | 1;
  readonly qty: bigint;
  readonly limitPx: bigint;
  readonly instrument?: bigint;
  readonly salt?: Uint8Array;
}

/** Leg requests with commitments to the user's next route id (salt SALT unless the leg names one). */
export function legRequests(st: PerpState, user: bigint, specs: readonly LegSpec[]): LegRequest[] {
  const route = nextRouteId(st, user);
  return specs.map((l) => ({
    slab: l.slab,
    instrument: l.instrument ?? 0n,
    side: l.side,
    qty: l.qty,
    limitPx: l.limitPx,
    commitment: commitment(route, l.instrument ?? 0n, BigInt(l.side), l.qty, l.limitPx, l.salt ?? SALT),
  }));
}
