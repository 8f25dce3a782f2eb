/**
 * The golden model (reference/perp/model) set up as the venue being gated: router, slab and oracle
 * parameters come from the checked venue script's directives (spec/curvescript.md), each slab's version
 * hash is its compiled bytecode hash, and every feed publishes a starting price. Pools are scaled down
 * (`pools`) so seeded sequences reach full pools; the values that decide behaviour (risk, fees, batch,
 * anti-toxicity, funding, ttl, bands) are the venue's own.
 */
import { nameId } from '../../reference/script/ids.ts';
import type { VenueConfig } from '../../reference/script/venue.ts';
import * as M from '../../reference/perp/model/index.ts';

/** Model-level actors: governance, makers in the DLP class, one REG maker, takers. */
export const GOVERNANCE = 1n;
export const MAKERS = [11n, 12n] as const;
export const REG_MAKER = 13n;
export const TAKERS = [21n, 22n, 23n] as const;
export const USERS = [...MAKERS, REG_MAKER, ...TAKERS] as const;

/** Scaled-down pools for sequences (PERP-DATA-POOLS: sizes are venue parameters, not semantics). */
export const SMALL_POOLS: M.PoolSizes = { accounts: 64, orders: 64, positions: 64, reservations: 16, slices: 64, trades: 32, aggressors: 16 };

/** A starting price of 100 000 ticks per feed (fixed point, as the oracle quotes). */
const START_TICKS = 100_000n;
export const MAKER_FUNDS = 10_000_000_000n;
export const TAKER_FUNDS = 1_000_000_000n;

export interface ModelSlab {
  readonly id: bigint;
  readonly name: string;
  readonly tick: bigint;
  readonly lot: bigint;
  readonly feed: bigint;
}

export interface ModelVenue {
  readonly state: M.PerpState;
  readonly slabs: readonly ModelSlab[];
  readonly asset: bigint;
  readonly feeds: readonly bigint[];
  readonly t0: bigint;
  /** Σ wallets + vault + escrows of the collateral at genesis (VAL2). */
  readonly hostTotal: bigint;
}

function routerParams(v: VenueConfig): M.RouterParams {
  const r = v.router;
  const c = r.collateral[0];
  return {
    routerId: 0x100n,
    governance: GOVERNANCE,
    asset: nameId(String(c?.asset ?? 'USDC')),
    vaultCap: c?.vaultCap ?? 0n,
    capTtlMs: r.capTtl?.ms ?? 120_000n,
    makerBpsMax: r.feeCaps?.makerBpsMax ?? 0n,
    takerBpsMax: r.feeCaps?.takerBpsMax ?? 0n,
    graceMs: r.liquidation?.graceMs ?? 0n,
    bandBps: r.liquidation?.bandBps ?? 0n,
    maxSlices: Number(r.liquidation?.maxSlices ?? 8n),
    marginModel: r.portfolioMargin?.model === 'gross' ? 'gross' : 'net',
  };
}

function slabParams(s: VenueConfig['slabs'][number], versionHash: string, pools: M.PoolSizes): M.SlabParams {
  const allowance = (cls: string): bigint => s.makerClass.find((m) => m.class === cls)?.allowance ?? 0n;
  return {
    versionHash,
    instruments: [{ symbol: nameId(String(s.instrument?.symbol)), contractSize: s.instrument?.contractSize ?? 1n, tick: s.instrument?.tick ?? 1n, lot: s.instrument?.lot ?? 1n, feed: nameId(String(s.oracle?.feed)) }],
    imrBps: s.risk?.imrBps ?? 0n,
    mmrBps: s.risk?.mmrBps ?? 0n,
    makerBps: s.fee?.makerBps ?? 0n,
    takerBps: s.fee?.takerBps ?? 0n,
    batchMs: s.batch?.ms ?? 0n,
    pendingPromotion: s.matching?.pendingPromotion ?? true,
    dlpAllowance: allowance('DLP'),
    regAllowance: allowance('REG'),
    killBandBps: s.antiToxicity?.killBandBps ?? 0n,
    jitPenalty: s.antiToxicity?.jitPenalty ?? false,
    argTaxBps: s.antiToxicity?.argTaxBps ?? 0n,
    freezeTopK: Number(s.antiToxicity?.freezeTopK ?? 0n),
    fundingIntervalMs: s.funding?.intervalMs ?? 3_600_000n,
    fundingCapBps: s.funding?.capBps ?? 0n,
    pools,
  };
}

/**
 * The venue in the model at time `t0`: feeds published, slabs deployed with `versionHashes[i]` (the
 * compiled slab modules' hashes), approved and registered; makers in the DLP class; users funded.
 */
export function modelVenue(v: VenueConfig, versionHashes: readonly string[], t0: bigint, pools: M.PoolSizes = SMALL_POOLS): ModelVenue {
  const rp = routerParams(v);
  const feeds = v.oracles.map((o) => nameId(o.name));
  const slabs: ModelSlab[] = v.slabs.map((s, i) => ({ id: 0xa0n + BigInt(i), name: s.name, tick: s.instrument?.tick ?? 1n, lot: s.instrument?.lot ?? 1n, feed: nameId(String(s.oracle?.feed)) }));
  const r = M.step(M.newState(rp), (s) => {
    for (const o of v.oracles) {
      M.addFeed(s, nameId(o.name), { heartbeatMs: o.heartbeat?.ms ?? 400n, staleAfterMs: o.heartbeat?.staleAfterMs ?? 2_000n, failover: (o.failover?.feeds ?? []).map((f) => nameId(String(f))) });
    }
    for (const sl of slabs) M.publishPrice(s, sl.feed, START_TICKS * sl.tick, t0);
    v.slabs.forEach((cfg, i) => {
      const sl = slabs[i] as ModelSlab;
      const hash = versionHashes[i] ?? '00'.repeat(32);
      if (!s.router.approvedVersions.has(hash)) M.approveVersion(s, GOVERNANCE, hash);
      M.deploySlab(s, sl.id, slabParams(cfg, hash, pools), t0);
      M.registerSlab(s, GOVERNANCE, sl.id);
      for (const u of MAKERS) M.setDlp(s, GOVERNANCE, sl.id, u, true);
    });
    for (const u of USERS) {
      const funds = TAKERS.includes(u as (typeof TAKERS)[number]) ? TAKER_FUNDS : MAKER_FUNDS;
      M.setWallet(s.custody, u, rp.asset, funds * 2n);
      M.deposit(s, u, rp.asset, funds);
    }
    M.setWallet(s.custody, GOVERNANCE, rp.asset, TAKER_FUNDS * 2n);
    M.fundInsurance(s, GOVERNANCE, TAKER_FUNDS);
    s.events.length = 0;
  });
  if (!r.ok) throw new Error(`venue setup failed in the model: ${r.error}`);
  return { state: r.state, slabs, asset: rp.asset, feeds, t0, hostTotal: M.custodyTotal(r.state.custody, rp.asset) };
}
