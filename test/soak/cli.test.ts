/** SEQ-SOAK-EXIT / SEQ-SOAK-REPRO: `curve soak` output, JSON summary and typed exit statuses. */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';

const curve = new URL('../../bin/curve.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync('node', [curve, 'soak', ...args], { encoding: 'utf8' });

test('SEQ-SOAK-EXIT --json prints the summary the gate reads, exit 0', (t) => {
  const out = execFileSync('node', [curve, 'soak', '--seeds', '1..2', '--events', '600', '--swarm', '--json'], { encoding: 'utf8' });
  const s = JSON.parse(out) as Record<string, unknown>;
  for (const k of ['seeds', 'simulated_events', 'simulated_seconds', 'committed_batches', 'violations', 'wall_seconds', 'liveness_convergence_ms_max', 'per_seed']) t.true(k in s, k);
  t.is(s.seeds, 2);
  t.is(s.violations, 0);
  t.is(s.status, 'ok');
});

test('SEQ-SOAK-REPRO a planted bug exits 1 and prints the seed and its reproduction line', (t) => {
  const r = run('--seed', '1', '--events', '4000', '--plant', 'no-quorum');
  t.is(r.status, 1);
  t.regex(r.stdout, /seed 1: .*\n {2}correctness violation SEQ-BFT-SAFE/);
  t.regex(r.stdout, /reproduce with: curve soak --seed 1 --events 4000 --plant no-quorum/);
});

test('SEQ-SOAK-EXIT bad arguments are one line and exit 2', (t) => {
  for (const args of [['--seeds', '9..3'], ['--seed', 'x'], ['--plant', 'nope'], ['--seed', '1', '--seeds', '2'], ['--shard', '3/2']]) {
    const r = run(...args);
    t.is(r.status, 2, args.join(' '));
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.regex(r.stderr, /^curve: /);
  }
});
