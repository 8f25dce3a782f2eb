/**
 * The gate's VM-vs-model differential (spec/gate.md GATE-DIFF-002) on reference/perp/vm's driver: the
 * gated venue's compiled Router and Slab bytecode on CurveVM beside the golden model of the same
 * deployment (`VenuePair`), seeded op sequences drawn by `randomOp` (`runVenueSequences`). After every
 * call: the same outcome, equal observe() snapshots (PERP-OBS-001) and checkInvariants clean on both
 * sides; the first mismatch of a sequence stops it and is reported with its seed, step and op. This file
 * only maps the checked venue script onto a `VenuePairSetup` and the driver's result onto `VmDiffRun`.
 */
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { nameId } from '../../reference/script/ids.ts';
import type { VenueConfig } from '../../reference/script/venue.ts';
import { runVenueSequences } from '../../reference/perp/vm/venue-sequences.ts';
import { VenuePair, type VenuePairSetup } from '../../reference/perp/vm/venue-pair.ts';
import type { Allowances } from '../../reference/perp/vm/venue-vm.ts';
import type { VmDiffInput, VmDiffRun } from '../producers.ts';
import { GOVERNANCE, MAKER_FUNDS, MAKERS, REG_MAKER, TAKER_FUNDS, TAKERS } from './venue-model.ts';

/** The deployer account (not an actor of the sequences). */
const DEPLOYER = 2n;

/**
 * The venue deployed on both sides with the model sequences' actors and deposits (REG_MAKER trades as a
 * regular user; the default deposits, scaled to the dearest contract, can exceed the venue's vault cap). MAKER_CLASS allowances: each SLAB block's own.
 */
export function vmSetup(cfg: VenueConfig, modules: readonly CompiledModule[], t0: bigint): VenuePairSetup {
  const allowances = (slab: CompiledModule): Allowances => {
    const block = cfg.slabs.find((s) => slab.name === `slab:${s.name}`);
    const allowance = (cls: string): bigint => block?.makerClass.find((m) => m.class === cls)?.allowance ?? 0n;
    return { dlp: allowance('DLP'), reg: allowance('REG') };
  };
  return {
    modules: modules.filter((m) => m.kind === 'router' || m.kind === 'slab'),
    feeds: cfg.oracles.map((o) => ({ feed: nameId(o.name), heartbeatMs: o.heartbeat?.ms ?? 400n, staleAfterMs: o.heartbeat?.staleAfterMs ?? 2_000n, failover: (o.failover?.feeds ?? []).map((f) => nameId(String(f))) })),
    allowances,
    governance: GOVERNANCE,
    deployer: DEPLOYER,
    makers: MAKERS,
    takers: [REG_MAKER, ...TAKERS],
    t0,
    vaultCap: cfg.router.collateral[0]?.vaultCap ?? 0n,
    makerFund: MAKER_FUNDS,
    takerFund: TAKER_FUNDS,
  };
}

/**
 * GATE-DIFF-002: `sequences` seeded sequences from `seed` on the compiled venue and the model (without
 * `invariants`: the caller names them). `pair` deploys the genesis (default `VenuePair`; tests pass a
 * subclass that plants a divergence).
 */
export function runVmDifferential(input: VmDiffInput, t0: bigint, pair: (s: VenuePairSetup) => VenuePair = (s) => new VenuePair(s)): Omit<VmDiffRun, 'invariants'> {
  const r = runVenueSequences({ genesis: pair(vmSetup(input.venue, input.modules, t0)), seed: input.seed, sequences: input.sequences, steps: input.steps, progress: (l) => input.progress(l) });
  return { sequences: r.sequences, steps: r.steps, ok: r.okSteps, mismatches: r.mismatches };
}
