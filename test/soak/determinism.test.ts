/** spec/sequencer.md §9: one seed drives everything (SEQ-SOAK-001), the header lists the derived knobs, replay is exact (SEQ-SOAK-REPRO). */
import test from 'ava';
import { runSoak, Simulation } from '../../soak/index.ts';

test('SEQ-SOAK-001 the same seed gives an identical trace hash and summary; another seed does not', (t) => {
  const a = runSoak({ seeds: [11], events: 1_500, swarm: true });
  const b = runSoak({ seeds: [11], events: 1_500, swarm: true });
  t.deepEqual(a, b);
  const c = runSoak({ seeds: [12], events: 1_500, swarm: true });
  t.not(c.per_seed[0]?.trace_hash, a.per_seed[0]?.trace_hash);
  t.is(a.violations, 0, JSON.stringify(a.per_seed[0]?.violations));
});

test('SEQ-SOAK-001 swarm mode draws every knob from the seed and prints them as the header', (t) => {
  const h1 = new Simulation({ seed: 5, events: 10, swarm: true }).header();
  const h2 = new Simulation({ seed: 6, events: 10, swarm: true }).header();
  t.not(h1, h2);
  for (const word of ['n=', 'latency', 'loss', 'dup', 'partitions', 'crashes', 'drift', 'byzantine', 'traders', 'outages']) t.true(h1.includes(word), word);
  t.true(h1.startsWith('seed 5 (swarm)'));
});

test('SEQ-SOAK-002 a default run passes its safety phase and converges after the heal, within the bound', (t) => {
  const s = runSoak({ seeds: [3], events: 3_000 });
  const r = s.per_seed[0]!;
  t.is(s.violations, 0, JSON.stringify(r.violations));
  t.true(r.committed_batches > 10);
  t.true(r.liveness_convergence_ms !== null && r.liveness_convergence_ms < 60_000);
  t.true(r.events >= 3_000 && r.intents > 50 && r.messages > 1_000);
});
