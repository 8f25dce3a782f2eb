/**
 * The gate's VM-vs-model differential (spec/gate.md GATE-DIFF-002): the gated venue's compiled Router and
 * Slab bytecode deployed on CurveVM (reference/perp/vm/venue-vm.ts `VenueVm`) beside the golden model of
 * the same deployment (`modelGenesis`), and the seeded operation sequences of sequences.ts run on both.
 * After every call: the same outcome (ok or the same §12 code), equal `observe()` snapshots
 * (PERP-OBS-001), checkInvariants clean on both sides (with the clock and VAL2's genesis host total), and
 * a failed call left the model unchanged (PERP-OP-001). The first divergence of a sequence stops it and
 * is reported with its seed and step. Pools are the venue's own (the bytecode being approved), so these
 * runs are short; the model-only sequences (scaled-down pools) are the long ones.
 */
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { nameId } from '../../reference/script/ids.ts';
import type { VenueConfig } from '../../reference/script/venue.ts';
import * as M from '../../reference/perp/model/index.ts';
import type { VmOut } from '../../reference/perp/vm/slab-vm.ts';
import { modelGenesis, VenueVm } from '../../reference/perp/vm/venue-vm.ts';
import type { VmDiffInput, VmDiffRun } from '../producers.ts';
import { Divergence, runOps, type CallCounts, type Driver, type SequenceRun } from './sequences.ts';
import { GOVERNANCE, MAKER_FUNDS, MAKERS, START_TICKS, TAKER_FUNDS, TAKERS, USERS, type ModelSlab, type ModelVenue } from './venue-model.ts';

/** The deployer account (not an actor of the sequences). */
const DEPLOYER = 2n;
const INSURANCE = TAKER_FUNDS;

/** Replaces a model call (tests plant a divergence with it): gets the call's name and model function. */
export type ModelPlant = (name: string, model: (s: M.PerpState) => unknown) => (s: M.PerpState) => unknown;

const canon = (x: unknown): string => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

function firstDiff(model: string, vm: string): string {
  let i = 0;
  while (i < model.length && model[i] === vm[i]) i++;
  return `observe() differs at char ${i}: model …${model.slice(Math.max(0, i - 80), i + 120)}… vm …${vm.slice(Math.max(0, i - 80), i + 120)}…`;
}

/** Both sides, one clock; every call compared. */
class PairDriver implements Driver {
  st: M.PerpState;
  now: bigint;
  readonly counts: CallCounts = { calls: 0, ok: 0, commits: 0 };

  constructor(
    readonly vm: VenueVm,
    readonly venue: ModelVenue,
    private readonly plant?: ModelPlant,
  ) {
    this.st = venue.state;
    this.now = venue.t0;
  }

  call(name: string, vm: (v: VenueVm, now: bigint) => VmOut<unknown>, model: (s: M.PerpState) => unknown): boolean {
    const v = vm(this.vm, this.now);
    const before = this.st;
    const r = M.step(this.st, this.plant ? this.plant(name, model) : model);
    return this.compare(name, v, r, !r.ok && r.state !== before ? [`PERP-OP-001 failed ${name} (${r.error}) changed the model state`] : []);
  }

  callResult(name: string, vm: (v: VenueVm, now: bigint) => VmOut<unknown>, model: (s: M.PerpState) => M.OpResult<unknown>): boolean {
    return this.compare(name, vm(this.vm, this.now), model(this.st), []);
  }

  routeId(user: bigint): bigint {
    const m = M.nextRouteId(this.st, user);
    const v = this.vm.nextRouteId(user, this.now);
    if (v !== m) throw new Divergence([`CS-ID-003 next route id of ${user}: VM ${v}, model ${m}`]);
    return m;
  }

  /** Compare one call's outcome, the observables and the invariants of both sides. */
  compare(name: string, v: VmOut<unknown>, r: M.OpResult<unknown>, messages: string[]): boolean {
    this.st = r.state;
    this.counts.calls += 1;
    if (v.ok && r.ok) {
      this.counts.ok += 1;
      if (name === 'commit') this.counts.commits += 1;
    }
    if (v.ok !== r.ok || (!v.ok && !r.ok && v.code !== r.code)) messages.push(`${name}: outcomes differ: VM ${v.ok ? 'ok' : v.error}, model ${r.ok ? 'ok' : r.error}`);
    const vs = this.vm.state();
    const a = canon(M.observe(this.st));
    const b = canon(M.observe(vs));
    if (a !== b) messages.push(`${name}: ${firstDiff(a, b)}`);
    for (const [side, s] of [['model', this.st], ['VM', vs]] as const) for (const m of M.checkInvariants(s, { now: this.now, hostTotal: this.venue.hostTotal })) messages.push(`${m} (${side} state)`);
    if (messages.length) throw new Divergence(messages);
    return r.ok;
  }
}

/** One deployed genesis: the VM world and the model after the same setup (forked per sequence). */
export interface VmGenesis {
  readonly vm: VenueVm;
  readonly venue: ModelVenue;
}

/**
 * Deploy the venue on both sides: feeds publish START_TICKS ticks, governance approves and registers
 * every slab and puts the makers in the DLP class, every actor deposits, governance funds the insurance.
 * MAKER_CLASS allowances: the first slab's (VenueVm gives every slab's init the same pair).
 */
export function vmGenesis(cfg: VenueConfig, modules: readonly CompiledModule[], t0: bigint): VmGenesis {
  const first = cfg.slabs[0];
  const allowance = (cls: string): bigint => first?.makerClass.find((m) => m.class === cls)?.allowance ?? 0n;
  const vm = new VenueVm({
    modules: modules.filter((m) => m.kind === 'router' || m.kind === 'slab'),
    governance: GOVERNANCE,
    deployer: DEPLOYER,
    vaultCap: cfg.router.collateral[0]?.vaultCap ?? 0n,
    allowances: { dlp: allowance('DLP'), reg: allowance('REG') },
    feeds: cfg.oracles.map((o) => ({ feed: nameId(o.name), heartbeatMs: o.heartbeat?.ms ?? 400n, staleAfterMs: o.heartbeat?.staleAfterMs ?? 2_000n, failover: (o.failover?.feeds ?? []).map((f) => nameId(String(f))) })),
    users: USERS,
    now: t0,
  });
  const slabs: ModelSlab[] = vm.slabs.map((s, i) => {
    const ins = s.params.instruments[0];
    return { id: s.id, name: cfg.slabs[i]?.name ?? s.module.name, tick: ins?.tick ?? 1n, lot: ins?.lot ?? 1n, feed: ins?.feed ?? 0n };
  });
  const asset = vm.routerParams.asset;
  let st = modelGenesis(vm);
  const both = (what: string, v: VmOut<unknown>, model: (s: M.PerpState) => unknown): void => {
    const r = M.step(st, model);
    if (!v.ok || !r.ok) throw new Error(`VM-vs-model genesis: ${what} failed (VM ${v.ok ? 'ok' : v.error}, model ${r.ok ? 'ok' : r.error})`);
    st = r.state;
  };
  const fund = (u: bigint): bigint => ((TAKERS as readonly bigint[]).includes(u) ? TAKER_FUNDS : MAKER_FUNDS);
  for (const u of [...USERS, GOVERNANCE]) {
    vm.setWallet(u, asset, fund(u) * 2n);
    M.setWallet(st.custody, u, asset, fund(u) * 2n);
  }
  const published = new Set<bigint>();
  for (const sl of slabs) {
    if (published.has(sl.feed)) continue;
    published.add(sl.feed);
    both('publish', vm.publishPrice(sl.feed, START_TICKS * sl.tick, t0), (s) => M.publishPrice(s, sl.feed, START_TICKS * sl.tick, t0));
  }
  for (const s of vm.slabs) {
    if (!st.router.approvedVersions.has(s.module.hash)) both('approve_version', vm.approveVersion(GOVERNANCE, s.module.hash, t0), (x) => M.approveVersion(x, GOVERNANCE, s.module.hash));
    both('register_slab', vm.registerSlab(GOVERNANCE, s.id, t0), (x) => M.registerSlab(x, GOVERNANCE, s.id));
    for (const u of MAKERS) both('set_dlp', vm.setDlp(GOVERNANCE, s.id, u, true, t0), (x) => M.setDlp(x, GOVERNANCE, s.id, u, true));
  }
  for (const u of USERS) both('deposit', vm.deposit(u, asset, fund(u), t0), (x) => M.deposit(x, u, asset, fund(u)));
  both('fund_insurance', vm.fundInsurance(GOVERNANCE, INSURANCE, t0), (x) => M.fundInsurance(x, GOVERNANCE, INSURANCE));
  const venue: ModelVenue = { state: st, slabs, asset, feeds: cfg.oracles.map((o) => nameId(o.name)), t0, hostTotal: M.custodyTotal(st.custody, asset) };
  // the genesis itself must already agree
  new PairDriver(vm, venue).compare('genesis', { ok: true, out: {}, events: [] }, { ok: true, out: undefined, state: st }, []);
  return { vm, venue };
}

/** One seeded sequence on a fork of the genesis; stops at the first divergence. */
export function runVmSequence(g: VmGenesis, seed: number, steps: number, plant?: ModelPlant): SequenceRun {
  return runOps(new PairDriver(g.vm.fork(), g.venue, plant), seed, steps);
}

/** GATE-DIFF-002: `sequences` seeded sequences from `seed` on the compiled venue and the model (without `invariants`: the caller names them). */
export function runVmDifferential(input: VmDiffInput, t0: bigint, plant?: ModelPlant): Omit<VmDiffRun, 'invariants'> {
  const g = vmGenesis(input.venue, input.modules, t0);
  const runs: SequenceRun[] = [];
  for (let i = 0; i < input.sequences; i++) {
    runs.push(runVmSequence(g, input.seed + i, input.steps, plant));
    input.progress(`VM-vs-model sequences ${i + 1}/${input.sequences}`);
  }
  return {
    sequences: runs.length,
    steps: runs.reduce((n, r) => n + r.calls, 0),
    ok: runs.reduce((n, r) => n + r.ok, 0),
    mismatches: runs.flatMap((r) => (r.violation ? [{ seed: r.seed, step: r.violation.step, op: r.violation.op, message: r.violation.messages.join('; ') }] : [])),
  };
}
