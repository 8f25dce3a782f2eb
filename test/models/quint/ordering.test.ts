/**
 * SEQ-QUINT-001 (spec/sequencer.md): models/quint/ordering.qnt — the ordering protocol's safety core
 * (n = 4, f = 1, quorum 3, one equivocating node): at most one value committed per height on bounded random
 * simulation, and the planted quorum-2 variant is caught. Long runs: `npm run quint:check`.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';

const SEED = process.env.QUINT_SEED ?? '0x5eed';

function run(main: string, samples: number, invariants: string[]): { status: number | null; out: string } {
  const r = spawnSync('npx', ['quint', 'run', 'models/quint/ordering.qnt', '--backend', 'typescript', '--main', main, '--seed', SEED, '--max-samples', String(samples), '--max-steps', '20', '--invariants', ...invariants], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test(`SEQ-QUINT-001 SEQ-BFT agreement: with quorum 3 of 4 and one equivocating node at most one value is committed (200 samples × 20 steps, seed ${SEED})`, (t) => {
  const r = run('ordering4', 200, ['agreement', 'decidedHadQuorum']);
  t.is(r.status, 0, r.out);
  t.regex(r.out, /No violation found/, r.out);
});

test(`SEQ-QUINT-001 a planted quorum of 2 lets the equivocating node commit two values: the checker reports agreement violated (seed ${SEED})`, (t) => {
  const r = run('ordering_q2', 2000, ['agreement']);
  t.not(r.status, 0, r.out);
  t.regex(r.out, /Invariant violated/, r.out);
});
