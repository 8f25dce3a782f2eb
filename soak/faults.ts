/**
 * Fault knobs of a simulation run (STYLE.md §5, swarm testing): every probability is a ratio per mille,
 * every duration is simulated ms. `swarmKnobs` draws all of them from the seed; `defaultKnobs` is a
 * moderate fixed mix. The run prints the knobs it used as its header.
 */
import type { Prng } from '../reference/lib/prng.ts';

export type ByzantineBehaviour = 'equivocate' | 'withhold' | 'wrong-root' | 'forge-sync';
export const BYZANTINE_BEHAVIOURS: readonly ByzantineBehaviour[] = ['equivocate', 'withhold', 'wrong-root', 'forge-sync'];

export interface FaultKnobs {
  /** Validators, n = 3f+1. */
  readonly nodes: number;
  readonly latencyMinMs: number;
  readonly latencyMaxMs: number;
  /** Chance of a long-tail delay (×10 the maximum), per mille. */
  readonly tailPerMille: number;
  readonly lossPerMille: number;
  readonly dupPerMille: number;
  /** Mean gap between partitions and their length (0 = none). */
  readonly partitionEveryMs: number;
  readonly partitionMs: number;
  /** Chance that a partition is one-way, per mille. */
  readonly asymmetricPerMille: number;
  /** Mean gap between crashes and the downtime (0 = none). */
  readonly crashEveryMs: number;
  readonly downMs: number;
  readonly driftPpmMax: number;
  readonly offsetMsMax: number;
  /** Byzantine validators (≤ f) and what they do. */
  readonly byzantine: readonly ByzantineBehaviour[];
  readonly traders: number;
  readonly makers: number;
  /** Mean think time of a client between intents. */
  readonly thinkMs: number;
  /** Mean gap between slab outages (0 = none) and their length. */
  readonly outageEveryMs: number;
  readonly outageMs: number;
}

export const defaultKnobs: FaultKnobs = {
  nodes: 4,
  latencyMinMs: 2,
  latencyMaxMs: 30,
  tailPerMille: 10,
  lossPerMille: 20,
  dupPerMille: 10,
  partitionEveryMs: 8_000,
  partitionMs: 2_000,
  asymmetricPerMille: 300,
  crashEveryMs: 10_000,
  downMs: 1_500,
  driftPpmMax: 2_000,
  offsetMsMax: 50,
  byzantine: ['equivocate'],
  traders: 6,
  makers: 2,
  thinkMs: 120,
  outageEveryMs: 12_000,
  outageMs: 1_000,
};

/** Swarm mode: every knob drawn from the seed's PRNG (each fault can also be off). */
export function swarmKnobs(p: Prng): FaultKnobs {
  const nodes = p.chance(1, 4) ? 7 : 4;
  const f = Math.floor((nodes - 1) / 3);
  const lo = p.range(1, 20);
  const byz = p.range(0, f);
  const byzantine: ByzantineBehaviour[] = [];
  for (let i = 0; i < byz; i++) byzantine.push(p.pick(BYZANTINE_BEHAVIOURS));
  const maybe = (on: number, v: () => number): number => (p.chance(on, 4) ? v() : 0);
  return {
    nodes,
    latencyMinMs: lo,
    latencyMaxMs: lo + p.range(0, 100),
    tailPerMille: p.range(0, 30),
    lossPerMille: p.range(0, 100),
    dupPerMille: p.range(0, 50),
    partitionEveryMs: maybe(3, () => p.range(2_000, 20_000)),
    partitionMs: p.range(200, 5_000),
    asymmetricPerMille: p.range(0, 1000),
    crashEveryMs: maybe(3, () => p.range(2_000, 20_000)),
    downMs: p.range(100, 4_000),
    driftPpmMax: p.range(0, 10_000),
    offsetMsMax: p.range(0, 300),
    byzantine,
    traders: p.range(2, 10),
    makers: p.range(1, 3),
    thinkMs: p.range(20, 400),
    outageEveryMs: maybe(2, () => p.range(3_000, 30_000)),
    outageMs: p.range(200, 4_000),
  };
}

/** Fault classes `--faults` can name; the classes not named are switched off (byzantine: no byzantine nodes). */
export const FAULT_CLASSES = ['tail', 'loss', 'dup', 'partition', 'crash', 'drift', 'byzantine', 'outage'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

/** Knob overrides that switch off every class not in `on`. */
export function onlyFaults(on: readonly FaultClass[]): Partial<FaultKnobs> {
  const off: Partial<Record<keyof FaultKnobs, unknown>> = {};
  if (!on.includes('tail')) off.tailPerMille = 0;
  if (!on.includes('loss')) off.lossPerMille = 0;
  if (!on.includes('dup')) off.dupPerMille = 0;
  if (!on.includes('partition')) off.partitionEveryMs = 0;
  if (!on.includes('crash')) off.crashEveryMs = 0;
  if (!on.includes('drift')) Object.assign(off, { driftPpmMax: 0, offsetMsMax: 0 });
  if (!on.includes('byzantine')) off.byzantine = [];
  if (!on.includes('outage')) off.outageEveryMs = 0;
  return off as Partial<FaultKnobs>;
}
