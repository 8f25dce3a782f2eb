/**
 * spec/sequencer.md §9 under faults: SEQ-BFT-SAFE with f byzantine validators of each kind, crashes
 * with recovery (SEQ-DUR-002), partitions and slab outages (SEQ-STALE-*), and the checkers' other rules
 * (F1–F3, SEQ-EXE-002, SEQ-SOAK-HIST) staying quiet on a correct system.
 */
import test from 'ava';
import fc from 'fast-check';
import { runSoak } from '../../soak/index.ts';
import { BYZANTINE_BEHAVIOURS } from '../../soak/faults.ts';
import { Simulation } from '../../soak/sim.ts';

for (const b of BYZANTINE_BEHAVIOURS) {
  test(`SEQ-BFT-SAFE agreement, roots and invariants hold with one ${b} validator of four`, (t) => {
    const s = runSoak({ seeds: [21], events: 2_500, knobs: { byzantine: [b] } });
    t.is(s.violations, 0, JSON.stringify(s.per_seed[0]?.violations));
    t.true(s.committed_batches > 5);
  });
}

test('SEQ-BFT-SAFE seven validators with two byzantine (f = 2) stay safe and live', (t) => {
  const s = runSoak({ seeds: [22], events: 2_500, knobs: { nodes: 7, byzantine: ['equivocate', 'wrong-root'] } });
  t.is(s.violations, 0, JSON.stringify(s.per_seed[0]?.violations));
  t.not(s.per_seed[0]?.liveness_convergence_ms, null);
});

test('SEQ-DUR-002 F3 frequent crashes, partitions and loss: nothing lost, nothing committed twice', (t) => {
  const sim = new Simulation({ seed: 23, events: 4_000, knobs: { crashEveryMs: 800, downMs: 600, partitionEveryMs: 1_000, partitionMs: 600, lossPerMille: 80, dupPerMille: 50 } });
  const r = sim.run();
  t.deepEqual(r.violations, []);
  t.true(r.history > 20, `only ${r.history} acknowledged intents`);
  t.true(r.committedBatches > 5);
});

test('SEQ-STALE-001 slab outages during a run mark slabs stale and reserves are re-routed, with all checks quiet', (t) => {
  const sim = new Simulation({ seed: 24, events: 5_000, knobs: { outageEveryMs: 400, outageMs: 1_500, crashEveryMs: 0, partitionEveryMs: 0 } });
  const r = sim.run();
  t.deepEqual(r.violations, []);
  const stale = [...sim.checkers.canonical.values()].some((c) => c.outcome.boundary.nowStale.length > 0);
  t.true(stale, 'some slab went stale');
  const rerouted = sim.history.some((h) => h.kind === 'reserve' && h.ok && h.out?.slabs !== undefined && h.out.slabs.includes('0xb2'));
  t.true(rerouted, 'a reserve aimed at a down slab was re-routed');
});

test('SEQ-BFT-SAFE property: any seed with any one byzantine behaviour keeps every checker quiet (swarm network faults)', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 100, max: 1_000_000 }), fc.constantFrom(...BYZANTINE_BEHAVIOURS), (seed, b) => {
      const s = runSoak({ seeds: [seed], events: 800, swarm: true, knobs: { nodes: 4, byzantine: [b] } });
      if (s.violations) throw new Error(`seed ${seed} (${b}): ${JSON.stringify(s.per_seed[0]?.violations[0])}`);
      return true;
    }),
    { numRuns: 4 },
  );
  t.pass();
});
