/**
 * The soak venue: a router with two SOL slabs (same instrument, so reserves can be re-routed between
 * them, SEQ-STALE-002) and one BTC slab, oracle feeds, and genesis funds for every simulated account.
 * Built with the golden model's own operations; the descriptor hash the intents must carry is sha256 of
 * the canonical venue description. The compiled venue the VM executor runs (and the model executor
 * beside it for root equality) is soak/vm-venue.ts.
 */
import * as M from '../reference/perp/model/index.ts';
import { SLAB_A, SLAB_B, SLAB_BTC, SOL_BACKUP } from '../reference/perp/model/fixture.ts';
import { BTC_FEED, BTC_PX, GOV, ROUTER_PARAMS, SOL_FEED, SOL_PX, TICK as SOL_TICK, USDC, slabParams as experimentSlab, VERSION } from '../reference/perp/experiments/venue.ts';
import { hashHex, tagged } from '../reference/sequencer/canon.ts';

export { BTC_FEED, BTC_PX, GOV, SLAB_A, SLAB_B, SLAB_BTC, SOL_BACKUP, SOL_FEED, SOL_PX, SOL_TICK, USDC };
export const SOL_SLABS = [SLAB_A, SLAB_B] as const;
export const BTC_TICK = 100_000n;
export const FUND = 1_000_000_000_000n;
export const T0 = 1_000n;

/**
 * The experiments' slab (reference/perp/experiments/venue.ts, every anti-toxicity feature on) with pools
 * and allowances sized for the workload: ≤ 3 makers × 25 resting orders per slab, ≤ 10 open routes.
 */
function slabParams(feed: bigint, tick: bigint, contractSize: bigint): M.SlabParams {
  return {
    ...experimentSlab({ id: 0n, feed, tick, contractSize }),
    killBandBps: 500n,
    dlpAllowance: 1_000_000n,
    regAllowance: 1_000_000n,
    pools: { accounts: 64, orders: 256, positions: 64, reservations: 64, slices: 256, trades: 32, aggressors: 32 },
  };
}

export const routerParams: M.RouterParams = { ...ROUTER_PARAMS, vaultCap: 10n ** 24n };

/** The slabs the workload trades (the model venue's ids here; the compiled venue's in soak/vm-venue.ts). */
export interface SoakSlabs {
  readonly a: bigint;
  readonly b: bigint;
  readonly btc: bigint;
  readonly solTick: bigint;
  readonly btcTick: bigint;
}

export const SOAK_SLABS: SoakSlabs = { a: SLAB_A, b: SLAB_B, btc: SLAB_BTC, solTick: SOL_TICK, btcTick: BTC_TICK };

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
    M.approveVersion(s, GOV, VERSION);
    M.deploySlab(s, SLAB_A, slabParams(SOL_FEED, SOL_TICK, 1_000_000n), T0);
    M.deploySlab(s, SLAB_B, slabParams(SOL_FEED, SOL_TICK, 1_000_000n), T0);
    M.deploySlab(s, SLAB_BTC, slabParams(BTC_FEED, BTC_TICK, 1_000n), T0);
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
