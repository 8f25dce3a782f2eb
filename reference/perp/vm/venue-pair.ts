/**
 * One venue on both sides of the full-venue differential (spec/perp.md §14): the compiled venue on CurveVM
 * (venue-vm.ts) and the golden model of the same deployment, one clock. Every operation runs on both;
 * the outcomes (ok or the §12 code), the whole observe() snapshot (custody, router with routes and legs,
 * registry, margin calls, oracles, slabs, events) and the invariant checker (with the clock and the
 * genesis host total) must agree / pass after every step, else a `VenueMismatch` is thrown. Genesis:
 * every feed publishes its start price, governance approves and registers every slab and puts the makers
 * in its DLP class, every actor deposits, governance funds the insurance.
 */
import type { CompiledModule } from '../../compiler/artifact.ts';
import * as M from '../model/index.ts';
import type { VmOut } from './slab-vm.ts';
import { modelGenesis, VenueVm, type FeedSetup, type SlabAllowances } from './venue-vm.ts';

/** The index-price level a feed starts at, in ticks of the first slab reading it (PERP-UNIT-004). */
export const START_TICKS = 100_000n;

export interface VenuePairSetup {
  /** compileVenue's modules (the router first). */
  readonly modules: readonly CompiledModule[];
  readonly feeds: readonly FeedSetup[];
  readonly allowances: SlabAllowances;
  readonly governance: bigint;
  readonly deployer: bigint;
  /** DLP makers, then regular users (takers). */
  readonly makers: readonly bigint[];
  readonly takers: readonly bigint[];
  readonly t0: bigint;
  readonly vaultCap: bigint;
  /** Deposits at genesis; default: 50 and 0.3 index prices of the dearest contract (takers run near their margin). */
  readonly makerFund?: bigint;
  readonly takerFund?: bigint;
}

export type Outcome = { readonly ok: true; readonly out: unknown } | { readonly ok: false; readonly code: number; readonly error: string };

/** The VM and the model disagree (or an invariant fails) after step `step`. */
export class VenueMismatch extends Error {
  constructor(
    readonly op: string,
    readonly step: number,
    message: string,
  ) {
    super(message);
  }
}

const canon = (x: unknown): string => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** The first differing region of two canonical snapshots (readable failures). */
function firstDiff(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 300);
  return `model …${a.slice(from, i + 300)}…\nvm    …${b.slice(from, i + 300)}…`;
}

export class VenuePair {
  readonly vm: VenueVm;
  st: M.PerpState;
  now: bigint;
  /** Σ wallets + vault + escrows at genesis (VAL2); a driver funding new wallets adds to it. */
  hostTotal = 0n;
  /** Reveals of every leg reserved so far, by hold id (commits reuse or corrupt them). */
  readonly reveals = new Map<bigint, M.Chosen['reveal']>();
  /** Every order id placed so far (cancels of live, filled and cancelled orders). */
  readonly orders: { user: bigint; slab: bigint; id: bigint }[] = [];
  /** The routes reserved so far (the last KNOWN_ROUTES), open or finished: commits and cancels may name a freed id (PERP-ROUTE-009). */
  readonly known: M.Route[] = [];
  steps = 0;
  /** Outcome counts per operation ("commitRoute ok", "withdraw INSUFFICIENT_MARGIN", …). */
  readonly outcomes = new Map<string, number>();
  readonly users: readonly bigint[];
  /** Start price per feed. */
  readonly start: ReadonlyMap<bigint, bigint>;

  constructor(readonly setup: VenuePairSetup) {
    this.now = setup.t0;
    this.users = [...setup.makers, ...setup.takers];
    this.vm = new VenueVm({ modules: setup.modules, governance: setup.governance, deployer: setup.deployer, vaultCap: setup.vaultCap, allowances: setup.allowances, feeds: setup.feeds, users: this.users, now: setup.t0 });
    this.st = modelGenesis(this.vm);
    const start = new Map<bigint, bigint>();
    let dearest = 0n;
    for (const s of this.vm.slabs) {
      const ins = s.params.instruments[0] as M.InstrumentParams;
      if (!start.has(ins.feed)) start.set(ins.feed, (START_TICKS * ins.tick * M.ORACLE_UNIT) / ins.contractSize);
      const idx = ((start.get(ins.feed) as bigint) * ins.contractSize) / M.ORACLE_UNIT;
      if (idx > dearest) dearest = idx;
    }
    for (const f of setup.feeds) if (!start.has(f.feed)) start.set(f.feed, start.get(setup.feeds.find((g) => g.failover.includes(f.feed))?.feed ?? 0n) ?? M.ORACLE_UNIT);
    this.start = start;
    const makerFund = setup.makerFund ?? dearest * 50n;
    const takerFund = setup.takerFund ?? (dearest * 3n) / 10n;
    const gov = setup.governance;
    const asset = this.vm.routerParams.asset;
    for (const u of [...this.users, gov]) {
      const f = setup.makers.includes(u) ? makerFund * 2n : u === gov ? makerFund : takerFund * 3n;
      this.vm.setWallet(u, asset, f);
      M.setWallet(this.st.custody, u, asset, f);
      this.hostTotal += f;
    }
    for (const [feed, px] of start) this.publish(feed, px);
    for (const s of this.vm.slabs) this.must('approve', this.both('approve', () => this.vm.approveVersion(gov, s.module.hash, this.now), (x) => M.approveVersion(x, gov, s.module.hash)));
    for (const s of this.vm.slabs) {
      this.must('register', this.both('register', () => this.vm.registerSlab(gov, s.id, this.now), (x) => M.registerSlab(x, gov, s.id)));
      for (const m of setup.makers) this.must('dlp', this.both('dlp', () => this.vm.setDlp(gov, s.id, m, true, this.now), (x) => M.setDlp(x, gov, s.id, m, true)));
    }
    for (const u of this.users) {
      const f = setup.makers.includes(u) ? makerFund : takerFund;
      this.must('deposit', this.both('deposit', () => this.vm.deposit(u, asset, f, this.now), (x) => M.deposit(x, u, asset, f)));
    }
    const ins = makerFund / 100n;
    this.must('insurance', this.both('insurance', () => this.vm.fundInsurance(gov, ins, this.now), (x) => M.fundInsurance(x, gov, ins)));
    this.steps = 0;
    this.outcomes.clear();
  }

  /** An independent copy (VM world and model state), with fresh step counters. */
  fork(): this {
    const p = Object.create(Object.getPrototypeOf(this) as object) as this;
    return Object.assign(p, this, { vm: this.vm.fork(), st: M.cloneState(this.st), reveals: new Map(this.reveals), orders: [...this.orders], known: [...this.known], steps: 0, outcomes: new Map() });
  }

  get slabIds(): bigint[] {
    return this.vm.slabs.map((s) => s.id);
  }

  get asset(): bigint {
    return this.vm.routerParams.asset;
  }

  /** The params of slab i (mod the slab count). */
  slab(i: number): { readonly id: bigint; readonly ins: M.InstrumentParams } {
    const s = this.vm.slabs[i % this.vm.slabs.length];
    if (!s) throw new Error('internal assertion failed: the venue has no slab');
    return { id: s.id, ins: s.params.instruments[0] as M.InstrumentParams };
  }

  /** Slab i's index price per contract rounded down to its tick (orders and limits follow the oracle). */
  base(i: number): bigint {
    const { ins } = this.slab(i);
    const px = this.st.oracles.get(ins.feed)?.price || (this.start.get(ins.feed) ?? 0n);
    const idx = (px * ins.contractSize) / M.ORACLE_UNIT;
    const b = (idx / ins.tick) * ins.tick;
    return b > 0n ? b : ins.tick;
  }

  private must(what: string, o: Outcome): void {
    if (!o.ok) throw new Error(`internal assertion failed: venue genesis ${what} failed: ${o.error}`);
  }

  publish(feed: bigint, price: bigint): Outcome {
    return this.both(`publish(${price})`, () => this.vm.publishPrice(feed, price, this.now), (x) => M.publishPrice(x, feed, price, this.now));
  }

  /**
   * One operation on both sides (the model through `step`); then compare. `out` projects the model's
   * output onto the VM entry's result (omitted: results are not compared, only their effects).
   */
  both<T>(what: string, vm: () => VmOut<unknown>, model: (s: M.PerpState) => T, out?: (m: T) => unknown): Outcome {
    const v = vm();
    const r = M.step(this.st, model);
    this.st = r.state;
    return this.compare(what, v, r.ok ? { ok: true, out: r.out } : { ok: false, code: r.code, error: r.error }, out as ((m: unknown) => unknown) | undefined);
  }

  /** An operation whose model side returns its own OpResult (commitRoute, PERP-ROUTE-005). */
  bothResult<T>(what: string, vm: () => VmOut<unknown>, model: (s: M.PerpState) => M.OpResult<T>, out?: (m: T) => unknown): Outcome {
    const v = vm();
    const r = model(this.st);
    this.st = r.state;
    return this.compare(what, v, r.ok ? { ok: true, out: r.out } : { ok: false, code: r.code, error: r.error }, out as ((m: unknown) => unknown) | undefined);
  }

  private compare(what: string, v: VmOut<unknown>, m: Outcome, out?: (m: unknown) => unknown): Outcome {
    this.steps += 1;
    const key = `${what.replace(/\(.*$/, '')} ${m.ok ? 'ok' : m.error}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    const tag = `${what} at t=${this.now} (step ${this.steps})`;
    if (v.ok !== m.ok || (!v.ok && !m.ok && v.code !== m.code)) throw new VenueMismatch(what, this.steps, `${tag}: outcomes differ: VM ${v.ok ? 'ok' : v.error}, model ${m.ok ? 'ok' : m.error}`);
    if (v.ok && m.ok && out && canon(v.out) !== canon(out(m.out))) throw new VenueMismatch(what, this.steps, `${tag}: results differ: VM ${canon(v.out)}, model ${canon(out(m.out))}`);
    this.check(tag, what);
    return m;
  }

  /** PERP-OBS-001 snapshots equal; P/S/M/RM/VAL invariants hold on both sides. */
  check(tag: string, what = tag): void {
    const vs = this.vm.state();
    const a = canon(M.observe(this.st));
    const b = canon(M.observe(vs));
    if (a !== b) throw new VenueMismatch(what, this.steps, `${tag}: observables differ\n${firstDiff(a, b)}`);
    for (const [side, s] of [['model', this.st], ['vm', vs]] as const) {
      const bad = M.checkInvariants(s, { now: this.now, hostTotal: this.hostTotal });
      if (bad.length) throw new VenueMismatch(what, this.steps, `${tag}: ${side} invariants: ${bad.join('; ')}`);
    }
  }
}
