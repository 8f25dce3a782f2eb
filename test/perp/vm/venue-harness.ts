/**
 * The full-venue differential's test venue: the Router template, two SOL slabs on one feed with different
 * risk and anti-toxicity settings, a feed with a failover feed, compiled from stdlib/ (files are read
 * here, not in reference/), deployed on both sides by reference/perp/vm/venue-pair.ts with two DLP
 * makers and three takers.
 */
import { compileVenue } from '../../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../../reference/compiler/artifact.ts';
import { nameId } from '../../../reference/script/ids.ts';
import { VenuePair } from '../../../reference/perp/vm/venue-pair.ts';
import { stdlibTemplates } from '../../stdlib-templates.ts';

export const GOV = 0x60n;
export const DEPLOYER = 0xdeadn;
export const USDC = nameId('USDC');
export const FEED = nameId('pyth:SOLUSD');
export const BACKUP = nameId('pyth:SOLBAK');
/** Two DLP makers, then three regular users. */
export const MAKERS = [0x11n, 0x12n] as const;
export const TAKERS = [0x21n, 0x22n, 0x23n] as const;
export const USERS = [...MAKERS, ...TAKERS] as const;
export const T0 = 10_000_000n;
/** 100 USDC per SOL contract of 10⁶ base units. */
export const PX = 100_000_000n;
export const TICK = 1_000n;
/** Makers hold enough; takers little, so oracle moves bring them near maintenance. */
export const MAKER_FUND = 5_000_000_000n;
export const TAKER_FUND = 30_000_000n;

const SLAB = (name: string, o: { imr: number; mmr: number; maker: number; taker: number; pending: boolean; kill: number; jit: boolean; tax: number; topK: number }): string => `SLAB "perp:${name}" {
  INSTRUMENT symbol=SOL contract_size=1_000_000 tick=1_000 lot=1
  ORACLE feed="pyth:SOLUSD"
  RISK imr_bps=${o.imr} mmr_bps=${o.mmr}
  FEE maker_bps=${o.maker} taker_bps=${o.taker}
  BATCH ms=50
  MATCHING pending_promotion=${o.pending}
  ANTI_TOXICITY kill_band_bps=${o.kill} jit_penalty=${o.jit} arg_tax_bps=${o.tax} freeze_top_k=${o.topK}
  POOLS accounts=8 orders=16 positions=8 reservations=8 slices=16 trades=8 aggressors=6
  FUNDING interval_ms=1_000 cap_bps=50
}
`;

export const VENUE = `ROUTER "main" {
  COLLATERAL asset=USDC vault_cap=1_000_000_000_000_000 decimals=6
  PORTFOLIO_MARGIN model=net
  CAP_TTL ms=5_000
  RESERVATION_BATCH ms=50
  FEE_CAPS maker_bps_max=10 taker_bps_max=25
  LIQUIDATION grace_ms=500 band_bps=300 max_slices=8
  INSURANCE asset=USDC
}

${SLAB('SOL-A', { imr: 500, mmr: 350, maker: 2, taker: 5, pending: true, kill: 500, jit: true, tax: 10, topK: 2 })}
${SLAB('SOL-B', { imr: 600, mmr: 400, maker: 1, taker: 4, pending: false, kill: 800, jit: false, tax: 0, topK: 0 })}
ORACLE "pyth:SOLUSD" {
  HEARTBEAT ms=400 stale_after_ms=2_000
  FAILOVER feeds=["pyth:SOLBAK"]
}

ORACLE "pyth:SOLBAK" {
  HEARTBEAT ms=400 stale_after_ms=2_000
}
`;


const compiled = new Map<string, readonly CompiledModule[]>();
/** The venue's modules compiled from stdlib/ (once per venue text and process). */
export function venueModules(venue = VENUE): readonly CompiledModule[] {
  const hit = compiled.get(venue);
  if (hit) return hit;
  const r = compileVenue({ file: 'venue-diff.curve', text: venue }, stdlibTemplates());
  if (r.modules === undefined) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  compiled.set(venue, r.modules);
  return r.modules;
}

export interface PairOptions {
  /** Another venue text of the same shape (a router, SOL slabs on FEED, FEED and BACKUP). */
  readonly venue?: string;
  readonly allowances?: { readonly dlp: bigint; readonly reg: bigint };
}

/** The test venue on both sides (reference/perp/vm/venue-pair.ts) with the test's actors. */
export class Pair extends VenuePair {
  constructor(o: PairOptions = {}) {
    super({
      modules: venueModules(o.venue),
      feeds: [
        { feed: FEED, heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [BACKUP] },
        { feed: BACKUP, heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [] },
      ],
      allowances: o.allowances ?? { dlp: 8n, reg: 8n },
      governance: GOV,
      deployer: DEPLOYER,
      makers: MAKERS,
      takers: TAKERS,
      t0: T0,
      vaultCap: 10n ** 15n,
      makerFund: MAKER_FUND,
      takerFund: TAKER_FUND,
    });
  }
}
