/** SEQ-SOAK-EXIT / SEQ-SOAK-REPRO / SEQ-SOAK-SHRINK: `curve soak` output, JSON summary and typed exit statuses (in process, serial). */
import test from 'ava';
import { curve } from '../cli/helpers.ts';

test.serial('SEQ-SOAK-EXIT --json prints the summary the gate reads, exit 0', async (t) => {
  const r = await curve('soak', '--seeds', '1..2', '--events', '400', '--swarm', '--json');
  t.is(r.code, 0, r.err);
  const s = JSON.parse(r.out) as Record<string, unknown>;
  for (const k of ['seeds', 'simulated_events', 'simulated_seconds', 'committed_batches', 'violations', 'wall_seconds', 'liveness_convergence_ms_max', 'per_seed']) t.true(k in s, k);
  t.is(s.seeds, 2);
  t.is(s.violations, 0);
  t.is(s.status, 'ok');
});

test.serial('SEQ-SOAK-REPRO SEQ-SOAK-SHRINK a planted bug exits 1 and prints the seed, the shrunk budget and its reproduction line', async (t) => {
  const r = await curve('soak', '--seed', '1', '--events', '4000', '--plant', 'no-quorum');
  t.is(r.code, 1);
  t.regex(r.out, /seed 1: .*\n {2}shrunk: fails with --events \d+\n {2}correctness violation SEQ-BFT-SAFE/);
  const m = /reproduce with: curve soak --seed 1 --events (\d+) --plant no-quorum/.exec(r.out);
  t.truthy(m);
  t.true(Number(m?.[1]) <= 4000);
  const again = await curve('soak', '--seed', '1', '--events', m?.[1] ?? '0', '--plant', 'no-quorum', '--no-shrink');
  t.is(again.code, 1);
  t.regex(again.out, /correctness violation SEQ-BFT-SAFE/);
});

test.serial('SEQ-SOAK-002 --mode safety skips the liveness phase; --duration keeps adding seeds', async (t) => {
  const s = JSON.parse((await curve('soak', '--seed', '4', '--events', '300', '--mode', 'safety', '--json')).out) as { per_seed: { liveness_convergence_ms: number | null }[] };
  t.is(s.per_seed[0]?.liveness_convergence_ms, null);
  const d = JSON.parse((await curve('soak', '--duration', '1s', '--events', '200', '--json')).out) as { seeds: number };
  t.true(d.seeds >= 1);
});

test.serial('SEQ-SOAK-001 --faults keeps only the named fault classes, and the reproduction line repeats it', async (t) => {
  const r = await curve('soak', '--seed', '4', '--events', '4000', '--faults', 'partition', '--plant', 'ttl-off-by-one', '--no-shrink');
  t.is(r.code, 1);
  t.regex(r.out, /loss 0‰ dup 0‰ partitions every 8000ms/);
  t.regex(r.out, /crashes every -ms/);
  t.regex(r.out, /reproduce with: curve soak --seed 4 --events 4000 --plant ttl-off-by-one --faults partition/);
});

test.serial('SEQ-SOAK-EXIT bad arguments are one line and exit 2', async (t) => {
  for (const args of [['--seeds', '9..3'], ['--seed', 'x'], ['--plant', 'nope'], ['--seed', '1', '--seeds', '2'], ['--shard', '3/2'], ['--mode', 'fast'], ['--duration', '10x'], ['--faults', 'loss,nope']]) {
    const r = await curve('soak', ...args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.err.trim().split('\n').length, 1, r.err);
    t.regex(r.err, /^curve: /);
  }
});
