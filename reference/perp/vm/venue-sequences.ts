/**
 * The seeded full-venue differential driver (spec/perp.md §14): for seeds seed..seed+sequences−1, a
 * fresh fork of one deployed genesis runs `steps` ops drawn by `randomOp` from lib/prng; the first
 * VM ≠ model disagreement or invariant failure of a sequence is recorded with its seed and step, and the
 * sequence stops there. For drivers outside the test suite (the gate, soak); the property test
 * (test/perp/vm/venue-differential.property.test.ts) runs the same ops with fast-check shrinking.
 */
import { Prng } from '../../lib/prng.ts';
import { applyOp, describeOp, randomOp } from './venue-ops.ts';
import { VenueMismatch, VenuePair, type VenuePairSetup } from './venue-pair.ts';

/** The venue to deploy, or an already deployed genesis (a subclass may plant a fault); every sequence runs on a fork of it. */
export type VenueSequencesInput = ({ readonly setup: VenuePairSetup } | { readonly genesis: VenuePair }) & {
  readonly seed: number;
  readonly sequences: number;
  readonly steps: number;
  readonly progress?: (message: string) => void;
};

export interface VenueSequenceMismatch {
  readonly seed: number;
  /** Index of the op in the sequence (0-based) and its description. */
  readonly step: number;
  readonly op: string;
  readonly message: string;
}

export interface VenueSequencesResult {
  readonly sequences: number;
  /** Compared steps (router calls and host events, on both sides). */
  readonly steps: number;
  readonly okSteps: number;
  readonly mismatches: readonly VenueSequenceMismatch[];
  /** Outcome counts per operation over all sequences. */
  readonly outcomes: ReadonlyMap<string, number>;
}

export function runVenueSequences(input: VenueSequencesInput): VenueSequencesResult {
  const genesis = 'genesis' in input ? input.genesis : new VenuePair(input.setup);
  const mismatches: VenueSequenceMismatch[] = [];
  const outcomes = new Map<string, number>();
  let steps = 0;
  for (let n = 0; n < input.sequences; n++) {
    const seed = input.seed + n;
    const g = new Prng(seed);
    const p = genesis.fork();
    for (let k = 0; k < input.steps; k++) {
      const op = randomOp(g);
      try {
        applyOp(p, op);
      } catch (e) {
        if (!(e instanceof VenueMismatch)) throw e;
        mismatches.push({ seed, step: k, op: describeOp(op), message: e.message });
        break;
      }
    }
    steps += p.steps;
    for (const [key, c] of p.outcomes) outcomes.set(key, (outcomes.get(key) ?? 0) + c);
    if ((n + 1) % 10 === 0) input.progress?.(`VM-vs-model sequences ${n + 1}/${input.sequences}`);
  }
  let okSteps = 0;
  for (const [key, c] of outcomes) if (key.endsWith(' ok')) okSteps += c;
  return { sequences: input.sequences, steps, okSteps, mismatches, outcomes };
}
