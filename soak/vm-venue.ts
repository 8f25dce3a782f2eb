/**
 * The soak venue compiled for CurveVM (spec/sequencer.md §4, SEQ-EXE-005): the same shape as the model
 * venue of venue.ts — a router, two SOL slabs on one feed (re-routing, SEQ-STALE-002) and one BTC slab,
 * the SOL feed with its failover and the BTC feed — written as a venue script and compiled with the
 * stdlib templates (the caller reads them: nothing in soak/ reads files). Genesis runs on both sides at
 * once (reference/perp/vm/venue-pair.ts: prices, approvals, registrations, DLP makers, deposits,
 * insurance), so the VM executor and the model executor start from the same observable state and must
 * reach the same state roots. Slab ids are the compiled modules' ids; the workload is told them.
 */
import { compileVenue, type TemplateSet } from '../reference/compiler/compile.ts';
import type { CompiledModule } from '../reference/compiler/artifact.ts';
import type * as M from '../reference/perp/model/index.ts';
import { VenuePair } from '../reference/perp/vm/venue-pair.ts';
import type { VenueVm } from '../reference/perp/vm/venue-vm.ts';
import { manifestModule } from '../reference/compiler/manifest.ts';
import { BTC_FEED, FUND, GOV, SOL_BACKUP, SOL_FEED, T0, type SoakSlabs, type VenueAccounts } from './venue.ts';

/** SOL-B's fees differ from SOL-A's (two identical slabs would be one module: CS4011). BTC: 600 000 units per tick of 1 000 base units, so the venue's start price (10⁵ ticks) is 60 000 USDC. */
const SLAB = (name: string, symbol: string, feed: string, contract: string, tick: string, fees = 'maker_bps=2 taker_bps=5'): string => `SLAB "perp:${name}" {
  INSTRUMENT symbol=${symbol} contract_size=${contract} tick=${tick} lot=1
  ORACLE feed="${feed}"
  RISK imr_bps=500 mmr_bps=350
  FEE ${fees}
  BATCH ms=50
  MATCHING pending_promotion=true
  ANTI_TOXICITY kill_band_bps=500 jit_penalty=true arg_tax_bps=10 freeze_top_k=4
  POOLS accounts=64 orders=256 positions=64 reservations=64 slices=256 trades=32 aggressors=32
  FUNDING interval_ms=3_600_000 cap_bps=50
}
`;

export const SOAK_VENUE_SCRIPT = `ROUTER "soak" {
  COLLATERAL asset=USDC vault_cap=1_000_000_000_000_000_000_000_000 decimals=6
  PORTFOLIO_MARGIN model=net
  CAP_TTL ms=120_000
  RESERVATION_BATCH ms=50
  FEE_CAPS maker_bps_max=10 taker_bps_max=25
  LIQUIDATION grace_ms=5_000 band_bps=200 max_slices=8
  INSURANCE asset=USDC
}

${SLAB('SOL-A', 'SOL', 'pyth:SOLUSD', '1_000_000', '1_000')}
${SLAB('SOL-B', 'SOL', 'pyth:SOLUSD', '1_000_000', '1_000', 'maker_bps=1 taker_bps=4')}
${SLAB('BTC', 'BTC', 'pyth:BTCUSD', '1_000', '600_000')}
ORACLE "pyth:SOLUSD" {
  HEARTBEAT ms=1_000 stale_after_ms=5_000
  FAILOVER feeds=["switchboard:SOLUSD"]
}

ORACLE "switchboard:SOLUSD" {
  HEARTBEAT ms=1_000 stale_after_ms=5_000
}

ORACLE "pyth:BTCUSD" {
  HEARTBEAT ms=1_000 stale_after_ms=5_000
}
`;

/** The soak venue's modules (router first), or the compiler's diagnostics as one error. */
export function compileSoakVenue(templates: TemplateSet): readonly CompiledModule[] {
  const r = compileVenue({ file: 'soak-venue.curve', text: SOAK_VENUE_SCRIPT }, templates);
  if (r.modules === undefined) throw new Error(`soak venue: ${r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('; ')}`);
  return r.modules;
}

export interface VmGenesis {
  /** The deployed venue after genesis (executors fork it). */
  readonly vm: VenueVm;
  /** The model state of the same genesis. */
  readonly st: M.PerpState;
  readonly slabs: SoakSlabs;
  /** SEQ-INT-004: the descriptor hash intents carry: the router's in the venue manifest (MAN-MOD-001). */
  readonly descriptor: string;
  /** Start prices per feed. */
  readonly solPx: bigint;
  readonly btcPx: bigint;
}

/** Genesis of the compiled soak venue on CurveVM and on the model, with every account funded. */
export function soakVmGenesis(modules: readonly CompiledModule[], acc: VenueAccounts): VmGenesis {
  const p = new VenuePair({
    modules,
    feeds: [
      { feed: SOL_FEED, heartbeatMs: 1_000n, staleAfterMs: 5_000n, failover: [SOL_BACKUP] },
      { feed: SOL_BACKUP, heartbeatMs: 1_000n, staleAfterMs: 5_000n, failover: [] },
      { feed: BTC_FEED, heartbeatMs: 1_000n, staleAfterMs: 5_000n, failover: [] },
    ],
    allowances: { dlp: 1_000_000n, reg: 1_000_000n },
    governance: GOV,
    deployer: GOV + 1n,
    makers: acc.makers,
    takers: acc.traders,
    t0: T0,
    vaultCap: 10n ** 24n,
    makerFund: FUND,
    takerFund: FUND,
  });
  const [a, b, btc] = p.vm.slabs;
  if (!a || !b || !btc) throw new Error('internal assertion failed: the soak venue has three slabs');
  const st = p.st;
  st.events.length = 0;
  p.vm.events.length = 0;
  const px = (feed: bigint): bigint => st.oracles.get(feed)?.price ?? 0n;
  const tick = (s: typeof a): bigint => s.params.instruments[0]?.tick ?? 0n;
  return {
    vm: p.vm,
    st,
    slabs: { a: a.id, b: b.id, btc: btc.id, solTick: tick(a), btcTick: tick(btc) },
    descriptor: manifestModule(p.vm.setup.modules[0] as CompiledModule).descriptorHash,
    solPx: px(SOL_FEED),
    btcPx: px(BTC_FEED),
  };
}
