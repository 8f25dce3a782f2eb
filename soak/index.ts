/**
 * The soak runner (spec/sequencer.md §9, SEQ-SOAK-*): runs seeds through the simulator and sums them up
 * in the summary the CLI prints and the gate (issue 8) reads. Nothing here reads the clock: the CLI adds
 * wall time.
 */
import type { Violation, ViolationKind } from './checkers.ts';
import type { FaultKnobs } from './faults.ts';
import type { PlantedBug } from './planted.ts';
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
  /** Stop at the first failing seed. */
  readonly stopOnFailure?: boolean;
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
export function reproduceCommand(seed: number, o: Pick<SoakOptions, 'events' | 'swarm' | 'plant'>): string {
  return `curve soak --seed ${seed} --events ${o.events}${o.swarm ? ' --swarm' : ''}${o.plant ? ` --plant ${o.plant}` : ''}`;
}

export function summarizeSeed(r: SimResult, o: Pick<SoakOptions, 'events' | 'swarm' | 'plant'>): SeedSummary {
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
    const sim = new Simulation({
      seed,
      events: options.events,
      ...(options.swarm ? { swarm: true } : {}),
      ...(options.plant ? { plant: options.plant } : {}),
      ...(options.knobs ? { knobs: options.knobs } : {}),
      ...(options.livenessBoundMs !== undefined ? { livenessBoundMs: options.livenessBoundMs } : {}),
    });
    const s = summarizeSeed(sim.run(), options);
    per.push(s);
    options.onSeed?.(s, sim.header());
    if (options.stopOnFailure && s.violations.length) break;
  }
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
