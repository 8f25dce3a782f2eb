/**
 * The soak venue: a router with two SOL slabs (same instrument, so reserves can be re-routed between
 * them, SEQ-STALE-002) and one BTC slab, oracle feeds, and genesis funds for every simulated account.
 * Built with the golden model's own operations; the descriptor hash the intents must carry is sha256 of
 * the canonical venue description (until the VM-backed executor exists and the manifest's descriptor
 * hash takes its place; see spec/sequencer.md §4).
 */
import { nameId } from '../reference/script/ids.ts';
import * as M from '../reference/perp/model/index.ts';
import { hashHex, tagged } from '../reference/sequencer/canon.ts';

export const GOV = 1n;
export const ROUTER = 0x100n;
export const USDC = nameId('USDC');
export const SOL_FEED = nameId('pyth:SOLUSD');
export const SOL_BACKUP = nameId('switchboard:SOLUSD');
export const BTC_FEED = nameId('pyth:BTCUSD');
export const SLAB_A = 0xa1n;
export const SLAB_B = 0xb2n;
export const SLAB_BTC = 0xc3n;
export const SOL_SLABS = [SLAB_A, SLAB_B] as const;
export const V1 = 'aa'.repeat(32);
/** 100 USDC (6 decimals) per SOL; one tick = 0.001 USDC. */
export const SOL_PX = 100_000_000n;
export const SOL_TICK = 1_000n;
export const BTC_PX = 60_000_000_000n;
export const BTC_TICK = 100_000n;
export const FUND = 1_000_000_000_000n;
export const T0 = 1_000n;

const POOLS: M.PoolSizes = { accounts: 64, orders: 256, positions: 64, reservations: 64, slices: 256, trades: 32, aggressors: 32 };

function slabParams(instrument: M.InstrumentParams): M.SlabParams {
  return {
    versionHash: V1,
    instruments: [instrument],
    imrBps: 500n,
    mmrBps: 350n,
    makerBps: 2n,
    takerBps: 5n,
    batchMs: 50n,
    pendingPromotion: true,
    dlpAllowance: 1_000_000n,
    regAllowance: 1_000_000n,
    killBandBps: 500n,
    jitPenalty: true,
    argTaxBps: 10n,
    freezeTopK: 2,
    fundingIntervalMs: 3_600_000n,
    fundingCapBps: 50n,
    pools: POOLS,
  };
}

export const routerParams: M.RouterParams = {
  routerId: ROUTER,
  governance: GOV,
  asset: USDC,
  vaultCap: 10n ** 24n,
  capTtlMs: 120_000n,
  makerBpsMax: 10n,
  takerBpsMax: 25n,
  graceMs: 5_000n,
  bandBps: 200n,
  maxSlices: 8,
  marginModel: 'net',
};

export interface VenueAccounts {
  readonly makers: readonly bigint[];
  readonly traders: readonly bigint[];
}

/** Genesis: feeds published at T0, three slabs registered, makers in the DLP class, every account funded and deposited. */
export function soakGenesis(acc: VenueAccounts): M.PerpState {
  const r = M.step(M.newState(routerParams), (s) => {
    M.addFeed(s, SOL_FEED, { heartbeatMs: 1_000n, staleAfterMs: 5_000n, failover: [SOL_BACKUP] });
    M.addFeed(s, SOL_BACKUP, { heartbeatMs: 1_000n, staleAfterMs: 5_000n, failover: [] });
    M.addFeed(s, BTC_FEED, { heartbeatMs: 1_000n, staleAfterMs: 5_000n, failover: [] });
    M.publishPrice(s, SOL_FEED, SOL_PX, T0);
    M.publishPrice(s, SOL_BACKUP, SOL_PX, T0);
    M.publishPrice(s, BTC_FEED, BTC_PX, T0);
    M.approveVersion(s, GOV, V1);
    const sol = { symbol: nameId('SOL'), contractSize: 1_000_000n, tick: SOL_TICK, lot: 1n, feed: SOL_FEED };
    M.deploySlab(s, SLAB_A, slabParams(sol), T0);
    M.deploySlab(s, SLAB_B, slabParams(sol), T0);
    M.deploySlab(s, SLAB_BTC, slabParams({ symbol: nameId('BTC'), contractSize: 1_000n, tick: BTC_TICK, lot: 1n, feed: BTC_FEED }), T0);
    for (const slab of [SLAB_A, SLAB_B, SLAB_BTC]) M.registerSlab(s, GOV, slab);
    for (const slab of [SLAB_A, SLAB_B, SLAB_BTC]) for (const u of acc.makers) M.setDlp(s, GOV, slab, u, true);
    for (const u of [...acc.makers, ...acc.traders]) {
      M.setWallet(s.custody, u, USDC, FUND * 2n);
      M.deposit(s, u, USDC, FUND);
    }
    M.setWallet(s.custody, GOV, USDC, FUND);
    M.fundInsurance(s, GOV, FUND / 2n);
    s.events.length = 0;
  });
  if (!r.ok) throw new Error(`internal assertion failed: soak genesis failed with ${r.error}`);
  return r.state;
}

/** The descriptor hash intents must carry: sha256 of the canonical venue description. */
export function venueDescriptor(acc: VenueAccounts): string {
  return hashHex(tagged('curve-soak-venue-v1', { router: routerParams, slabs: [SLAB_A, SLAB_B, SLAB_BTC], feeds: [SOL_FEED, SOL_BACKUP, BTC_FEED], makers: acc.makers, traders: acc.traders }));
}
