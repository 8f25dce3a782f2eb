/**
 * The soak runner (spec/sequencer.md §9, SEQ-SOAK-*): runs seeds through the simulator and sums them up
 * in the summary the CLI prints and the gate (issue 8) reads. Nothing here reads the clock: the CLI adds
 * wall time.
 */
import type { Violation, ViolationKind } from './checkers.ts';
import type { FaultKnobs } from './faults.ts';
import type { PlantedBug } from './planted.ts';
import type { CompiledModule } from '../reference/compiler/artifact.ts';
import { Simulation, type SimResult } from './sim.ts';

export { Simulation, type SimResult } from './sim.ts';
export { PLANTED_BUGS, type PlantedBug } from './planted.ts';
export type { Violation, ViolationKind } from './checkers.ts';

export interface SoakOptions {
  readonly seeds: readonly number[];
  /** Simulated events of each seed's safety phase. */
  readonly events: number;
  readonly swarm?: boolean;
  readonly plant?: PlantedBug;
  readonly knobs?: Partial<FaultKnobs>;
  readonly livenessBoundMs?: number;
  readonly mode?: 'both' | 'safety' | 'liveness';
  /** SEQ-EXE-005: the executor of every node ('model' default; 'vm' needs `modules`). */
  readonly executor?: 'model' | 'vm';
  /** The compiled soak venue (soak/vm-venue.ts compileSoakVenue); given, both executors start from its genesis. */
  readonly modules?: readonly CompiledModule[];
  /** Flags the reproduction line must repeat for options it cannot spell itself (the CLI's `--faults …`). */
  readonly reproduceFlags?: string;
  /** Stop at the first failing seed. */
  readonly stopOnFailure?: boolean;
  /** SEQ-SOAK-SHRINK: for a failing seed, find the smallest safety-phase budget that still fails the same check. */
  readonly shrink?: boolean;
  /** Called after each seed (the CLI prints its line and header). */
  readonly onSeed?: (r: SeedSummary, header: string) => void;
}

export interface SeedSummary {
  readonly seed: number;
  readonly events: number;
  readonly messages: number;
  readonly intents: number;
  readonly simulated_seconds: number;
  readonly committed_batches: number;
  readonly liveness_convergence_ms: number | null;
  readonly trace_hash: string;
  /** The smallest `--events` that still fails with the same check (when shrinking). */
  readonly shrunk_events?: number;
  readonly violations: readonly (Violation & { readonly reproduce: string })[];
}

export interface SoakSummary {
  readonly seeds: number;
  readonly simulated_events: number;
  readonly simulated_seconds: number;
  readonly committed_batches: number;
  readonly violations: number;
  /** The worst status: 'ok' or the kind of the first violation. */
  readonly status: 'ok' | ViolationKind;
  readonly failing_seeds: readonly number[];
  /** Max over seeds of the simulated ms from heal to convergence. */
  readonly liveness_convergence_ms_max: number | null;
  readonly per_seed: readonly SeedSummary[];
}

/** SEQ-SOAK-REPRO: the one-line command that replays a seed exactly. */
export function reproduceCommand(seed: number, o: Pick<SoakOptions, 'events' | 'swarm' | 'plant' | 'mode' | 'reproduceFlags' | 'executor'>): string {
  const mode = o.mode && o.mode !== 'both' ? ` --mode ${o.mode}` : '';
  return `curve soak --seed ${seed} --events ${o.events}${o.swarm ? ' --swarm' : ''}${o.plant ? ` --plant ${o.plant}` : ''}${mode}${o.executor === 'vm' ? ' --executor vm' : ''}${o.reproduceFlags ? ` ${o.reproduceFlags}` : ''}`;
}

function simulate(seed: number, events: number, o: SoakOptions): { r: SimResult; header: string } {
  const sim = new Simulation({
    seed,
    events,
    ...(o.swarm ? { swarm: true } : {}),
    ...(o.plant ? { plant: o.plant } : {}),
    ...(o.knobs ? { knobs: o.knobs } : {}),
    ...(o.mode ? { mode: o.mode } : {}),
    ...(o.executor ? { executor: o.executor } : {}),
    ...(o.modules ? { modules: o.modules } : {}),
    ...(o.livenessBoundMs !== undefined ? { livenessBoundMs: o.livenessBoundMs } : {}),
  });
  return { r: sim.run(), header: sim.header() };
}

/** SEQ-SOAK-SHRINK: binary search on the safety-phase budget; runs are deterministic, so each probe is exact. */
function shrinkEvents(seed: number, r: SimResult, o: SoakOptions): number {
  const check = r.violations[0]?.check;
  let lo = 1;
  let hi = o.events;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const probe = simulate(seed, mid, o).r;
    if (probe.violations[0]?.check === check) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

export function summarizeSeed(r: SimResult, o: Pick<SoakOptions, 'events' | 'swarm' | 'plant' | 'mode' | 'reproduceFlags' | 'executor'>): SeedSummary {
  return {
    seed: r.seed,
    events: r.events,
    messages: r.messages,
    intents: r.intents,
    simulated_seconds: r.simulatedMs / 1000,
    committed_batches: r.committedBatches,
    liveness_convergence_ms: r.convergenceMs,
    trace_hash: r.traceHash,
    violations: r.violations.map((v) => ({ ...v, reproduce: reproduceCommand(r.seed, o) })),
  };
}

export function runSoak(options: SoakOptions): SoakSummary {
  const per: SeedSummary[] = [];
  for (const seed of options.seeds) {
    const { r, header } = simulate(seed, options.events, options);
    let s = summarizeSeed(r, options);
    if (options.shrink && r.violations.length) {
      const events = shrinkEvents(seed, r, options);
      s = { ...s, shrunk_events: events, violations: s.violations.map((v) => ({ ...v, reproduce: reproduceCommand(seed, { ...options, events }) })) };
    }
    per.push(s);
    options.onSeed?.(s, header);
    if (options.stopOnFailure && s.violations.length) break;
  }
  return summarize(per);
}

/** Sum per-seed summaries (also how shards or duration-bounded campaigns merge). */
export function summarize(per: readonly SeedSummary[]): SoakSummary {
  const failing = per.filter((s) => s.violations.length);
  const conv = per.map((s) => s.liveness_convergence_ms).filter((x): x is number => x !== null);
  return {
    seeds: per.length,
    simulated_events: per.reduce((a, s) => a + s.events, 0),
    simulated_seconds: per.reduce((a, s) => a + s.simulated_seconds, 0),
    committed_batches: per.reduce((a, s) => a + s.committed_batches, 0),
    violations: per.reduce((a, s) => a + s.violations.length, 0),
    status: failing[0]?.violations[0]?.kind ?? 'ok',
    failing_seeds: failing.map((s) => s.seed),
    liveness_convergence_ms_max: conv.length ? Math.max(...conv) : null,
    per_seed: per,
  };
}
