/**
 * The full-venue differential harness: a venue (the Router template, two SOL slabs on one feed with
 * different risk and anti-toxicity settings, a feed with a failover feed) compiled from stdlib/ and
 * deployed on CurveVM (reference/perp/vm/venue-vm.ts), and the golden model of the same deployment. Every
 * operation runs on both; the outcomes (ok or the §12 code), the whole observe() snapshot (custody,
 * router with routes and legs, registry, margin calls, oracles, slabs, events) and the invariant checker
 * (with the genesis host total and the clock) must agree / pass after every step.
 */
import { readFileSync } from 'node:fs';
import { compileVenue } from '../../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../../reference/compiler/artifact.ts';
import { nameId } from '../../../reference/script/ids.ts';
import * as M from '../../../reference/perp/model/index.ts';
import { modelGenesis, VenueVm } from '../../../reference/perp/vm/venue-vm.ts';
import type { VmOut } from '../../../reference/perp/vm/slab-vm.ts';

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

const src = (f: string) => ({ file: f, text: readFileSync(f, 'utf8') });

const compiled = new Map<string, readonly CompiledModule[]>();
/** The venue's modules compiled from stdlib/ (once per venue text and process). */
export function venueModules(venue = VENUE): readonly CompiledModule[] {
  const hit = compiled.get(venue);
  if (hit) return hit;
  const r = compileVenue({ file: 'venue-diff.curve', text: venue }, { router: src('stdlib/router.curve'), slab: src('stdlib/slab.curve'), oracle: src('stdlib/oracle.curve') });
  if (r.modules === undefined) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  compiled.set(venue, r.modules);
  return r.modules;
}

export interface PairOptions {
  /** Another venue text of the same shape (a router, SOL slabs on FEED, FEED and BACKUP). */
  readonly venue?: string;
  readonly allowances?: { readonly dlp: bigint; readonly reg: bigint };
}

export type Outcome = { readonly ok: true; readonly out: unknown } | { readonly ok: false; readonly code: number; readonly error: string };

const canon = (x: unknown): string => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** The venue on both sides, one clock. */
export class Pair {
  readonly vm: VenueVm;
  st: M.PerpState;
  now = T0;
  /** Σ wallets + vault + escrows at genesis (VAL2); a test funding new wallets adds to it. */
  hostTotal: bigint;
  /** Reveals of every leg reserved so far, by hold id (commits reuse or corrupt them). */
  readonly reveals = new Map<bigint, M.Chosen['reveal']>();
  /** Every order id placed so far (cancels of live, filled and cancelled orders). */
  readonly orders: { user: bigint; slab: bigint; id: bigint }[] = [];
  steps = 0;
  /** Outcome counts per operation ("commitRoute ok", "withdraw INSUFFICIENT_MARGIN", …), for the run's log. */
  readonly outcomes = new Map<string, number>();

  constructor(o: PairOptions = {}) {
    this.vm = new VenueVm({
      modules: venueModules(o.venue),
      governance: GOV,
      deployer: DEPLOYER,
      vaultCap: 10n ** 15n,
      allowances: o.allowances ?? { dlp: 8n, reg: 8n },
      feeds: [
        { feed: FEED, heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [BACKUP] },
        { feed: BACKUP, heartbeatMs: 400n, staleAfterMs: 2_000n, failover: [] },
      ],
      users: USERS,
      now: T0,
    });
    this.st = modelGenesis(this.vm);
    let total = 0n;
    for (const u of [...USERS, GOV]) {
      const f = (MAKERS as readonly bigint[]).includes(u) ? MAKER_FUND * 2n : u === GOV ? MAKER_FUND : TAKER_FUND * 3n;
      this.vm.setWallet(u, USDC, f);
      M.setWallet(this.st.custody, u, USDC, f);
      total += f;
    }
    this.hostTotal = total;
    this.publish(FEED, PX);
    this.publish(BACKUP, PX);
    for (const s of this.vm.slabs) this.must('approve', this.both('approve', () => this.vm.approveVersion(GOV, s.module.hash, this.now), (x) => M.approveVersion(x, GOV, s.module.hash)));
    for (const s of this.vm.slabs) {
      this.must('register', this.both('register', () => this.vm.registerSlab(GOV, s.id, this.now), (x) => M.registerSlab(x, GOV, s.id)));
      for (const m of MAKERS) this.must('dlp', this.both('dlp', () => this.vm.setDlp(GOV, s.id, m, true, this.now), (x) => M.setDlp(x, GOV, s.id, m, true)));
    }
    for (const u of USERS) {
      const f = (MAKERS as readonly bigint[]).includes(u) ? MAKER_FUND : TAKER_FUND;
      this.must('deposit', this.both('deposit', () => this.vm.deposit(u, USDC, f, this.now), (x) => M.deposit(x, u, USDC, f)));
    }
    this.must('insurance', this.both('insurance', () => this.vm.fundInsurance(GOV, 50_000_000n, this.now), (x) => M.fundInsurance(x, GOV, 50_000_000n)));
  }

  /** The index price rounded down to the tick (orders and limits follow the oracle, so spikes leave depth near the index). */
  get base(): bigint {
    const px = this.st.oracles.get(FEED)?.price ?? 0n;
    return px === 0n ? PX : (px / TICK) * TICK;
  }

  /** An independent copy of this pair (VM world and model state), with fresh step counters. */
  fork(): Pair {
    const p = Object.create(Pair.prototype) as Pair;
    return Object.assign(p, this, { vm: this.vm.fork(), st: M.cloneState(this.st), reveals: new Map(this.reveals), orders: [...this.orders], steps: 0, outcomes: new Map() });
  }

  get slabIds(): bigint[] {
    return this.vm.slabs.map((s) => s.id);
  }

  private must(what: string, o: Outcome): void {
    if (!o.ok) throw new Error(`setup ${what} failed: ${o.error}`);
  }

  publish(feed: bigint, price: bigint): Outcome {
    return this.both(`publish(${price})`, () => this.vm.publishPrice(feed, price, this.now), (x) => M.publishPrice(x, feed, price, this.now));
  }

  /** One operation on both sides through the model's step; then compare. */
  both<T>(what: string, vm: () => VmOut<unknown>, model: (s: M.PerpState) => T): Outcome {
    const v = vm();
    const r = M.step(this.st, model);
    this.st = r.state;
    return this.compare(what, v, r.ok ? { ok: true, out: r.out } : { ok: false, code: r.code, error: r.error });
  }

  /** An operation whose model side returns its own OpResult (commitRoute, PERP-ROUTE-005). */
  bothResult<T>(what: string, vm: () => VmOut<unknown>, model: (s: M.PerpState) => M.OpResult<T>): Outcome {
    const v = vm();
    const r = model(this.st);
    this.st = r.state;
    return this.compare(what, v, r.ok ? { ok: true, out: r.out } : { ok: false, code: r.code, error: r.error });
  }

  private compare(what: string, v: VmOut<unknown>, m: Outcome): Outcome {
    this.steps += 1;
    const key = `${what.replace(/\(.*$/, '')} ${m.ok ? 'ok' : m.error}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    const tag = `${what} at t=${this.now} (step ${this.steps})`;
    if (v.ok !== m.ok || (!v.ok && !m.ok && v.code !== m.code)) throw new Error(`${tag}: outcomes differ: VM ${v.ok ? 'ok' : v.error}, model ${m.ok ? 'ok' : m.error}`);
    this.check(tag);
    return m;
  }

  /** PERP-OBS-001 snapshots equal; P/S/M/RM/VAL invariants hold on both sides. */
  check(tag: string): void {
    const vs = this.vm.state();
    const a = canon(M.observe(this.st));
    const b = canon(M.observe(vs));
    if (a !== b) throw new Error(`${tag}: observables differ\n${firstDiff(a, b)}`);
    for (const [side, s] of [['model', this.st], ['vm', vs]] as const) {
      const bad = M.checkInvariants(s, { now: this.now, hostTotal: this.hostTotal });
      if (bad.length) throw new Error(`${tag}: ${side} invariants: ${bad.join('; ')}`);
    }
  }
}

/** The first differing region of two canonical snapshots (readable failures). */
function firstDiff(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 300);
  return `model …${a.slice(from, i + 300)}…\nvm    …${b.slice(from, i + 300)}…`;
}
