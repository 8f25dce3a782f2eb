/**
 * spec/gate.md: each gate's pass / fail / no-evidence decision, from real inputs (the example venue, the
 * committed vectors, the golden model) and, for the producers, injected results — a stage never invents
 * figures: without a producer it reports no evidence.
 */
import test from 'ava';
import { runStages, type Stage } from '../../reports/stage.ts';
import { benchStage } from '../../reports/stages/bench.ts';
import { compileStage } from '../../reports/stages/compile.ts';
import { conformanceStage } from '../../reports/stages/conformance.ts';
import { differentialStage } from '../../reports/stages/differential.ts';
import { experimentsStage } from '../../reports/stages/experiments.ts';
import { proveStage } from '../../reports/stages/prove.ts';
import { soakStage } from '../../reports/stages/soak.ts';
import { parseTap, testsStage } from '../../reports/stages/tests.ts';
import type { ProofRun } from '../../reports/producers.ts';
import { soakRunOf } from '../../reports/soak-run.ts';
import type { SoakSummary } from '../../soak/index.ts';
import { context, inputs, read } from './helpers.ts';

const proofs = (verdicts: readonly string[]): ProofRun => ({
  solver: 'z3 (test double)',
  obligations: verdicts.map((v, i) => ({ id: `SAFE-DEBIT/P7/o${i}`, family: 'safe-debit', level: 'spec', invariants: ['P7', 'R6'], verdict: v, seconds: 0.5, ...(v === 'proved' ? {} : { reason: 'test' }) })),
  certificates: { 'router:main': 'ab'.repeat(32) },
});

test('GATE-COMPILE-001 the example venue compiles: pass, modules handed on', async (t) => {
  const ctx = context();
  const o = await compileStage.run(ctx);
  t.is(o.status, 'pass');
  t.is(o.figures['errors'], 0);
  t.true((o.figures['modules'] as number) >= 3);
  t.truthy(ctx.artifacts.get('compile'));
});

test('GATE-COMPILE-001 a broken source fails with its diagnostics and the curve compile command', async (t) => {
  const broken = read('examples/perp.curve').replace('RISK imr_bps=500 mmr_bps=350', 'RISK imr_bps=500 mmr_bps=');
  const ctx = context({ inputs: inputs({}, broken) });
  const o = await compileStage.run(ctx);
  t.is(o.status, 'fail');
  t.regex(o.reasons[0] ?? '', /examples\/perp\.curve does not compile .*examples\/perp\.curve:\d+:\d+: CS\d{4}/);
  t.deepEqual(o.reproduce, ['curve compile examples/perp.curve']);
  t.true(o.details.some((l) => l.includes('^')), 'diagnostics with a caret');
  t.is(ctx.artifacts.get('compile'), undefined);
  const later = await differentialStage.run(ctx);
  t.is(later.status, 'fail', 'a later gate needing the compiled venue fails, never passes on nothing');
});

test('GATE-CONF-001 the committed vectors pass; a planted failure fails with its vector id and --filter command', async (t) => {
  const base = inputs();
  const some = base.vectors.filter((v) => v.file.startsWith('opcodes/')).slice(0, 40);
  const ok = await conformanceStage.run(context({ inputs: { ...base, vectors: some } }));
  t.is(ok.status, 'pass');
  t.is(ok.figures['failed'], 0);
  const victim = some[3];
  if (!victim) throw new Error('fixture: too few vectors');
  const planted = { file: victim.file, vector: { ...victim.vector, expect: { ...(victim.vector.expect as object), gasUsed: 999_999 } } } as typeof victim;
  const bad = await conformanceStage.run(context({ inputs: { ...base, vectors: [...some.filter((v) => v !== victim), planted] } }));
  t.is(bad.status, 'fail');
  t.is(bad.figures['failed'], 1);
  t.deepEqual(bad.reproduce, [`curve conformance --filter '${victim.vector.id}'`]);
  t.true(bad.reasons.some((r) => r.includes(victim.vector.id)));
  t.true(bad.charts.some((c) => c.id === 'conformance-areas' && c.rows.some((r) => r['result'] === 'fail')));
});

const TEST_FILE = { file: 'test/perp/model/x.test.ts', text: "test('P7 rejects a late debit', () => {});\ntest('S5/M4 reserved within qty', () => {});\ntest('no id here', () => {});" };

test('GATE-TESTS-001 tests citing ids are evidence; a failing one fails the gate with an ava --match command', async (t) => {
  const tap = 'TAP version 13\nok 1 - x › P7 rejects a late debit\nnot ok 2 - x › S5/M4 reserved within qty\nok 3 - x › no id here\n1..3\n';
  const o = await testsStage.run(context({ inputs: inputs({ testFiles: [TEST_FILE] }), producers: { tests: () => Promise.resolve({ tap }) } }));
  t.is(o.status, 'fail');
  t.deepEqual(o.reproduce, ["npx ava test/perp/model/x.test.ts --match 'S5/M4 reserved within qty'"]);
  t.deepEqual(o.evidence.map((e) => `${e.invariant}:${e.status}`), ['P7:pass', 'S5:fail', 'M4:fail']);
  const none = await testsStage.run(context({ inputs: inputs({ testFiles: [TEST_FILE] }) }));
  t.is(none.status, 'no-evidence');
});

test('GATE-TESTS-001 TAP parsing keeps ok / not ok per description', (t) => {
  const m = parseTap('ok 1 - a › b\nnot ok 2 - c\nok 3 - d # SKIP why\n');
  t.deepEqual([...m], [['a › b', true], ['c', false], ['d', true]]);
});

test('GATE-DIFF-001 seeded model sequences hold the checker invariants; without the VM driver: no evidence', async (t) => {
  const ctx = context();
  await compileStage.run(ctx);
  const o = await differentialStage.run(ctx);
  t.is(o.figures['model_violations'], 0);
  t.true((o.figures['ok_calls'] as number) > 0);
  t.is(o.status, 'no-evidence');
  t.true(o.reasons.some((r) => r.includes('VM-vs-model')));
  t.true(o.evidence.length > 10 && o.evidence.every((e) => e.kind === 'model-check' && e.status === 'pass'));
});

test('GATE-DIFF-002 a VM-vs-model mismatch fails the gate with the seed to reproduce it', async (t) => {
  const ctx = context({ producers: { vmDifferential: () => Promise.resolve({ sequences: 2, steps: 80, ok: 60, mismatches: [{ seed: 7, step: 3, op: 'commit', message: 'escrow differs' }], invariants: ['P5'] }) } });
  await compileStage.run(ctx);
  const o = await differentialStage.run(ctx);
  t.is(o.status, 'fail');
  t.deepEqual(o.reproduce, ['curve gate examples/perp.curve --only differential --seed 7']);
  t.deepEqual(o.evidence.filter((e) => e.kind === 'vm-differential').map((e) => e.status), ['fail']);
});

test('GATE-PROVE-001 absent prover: no evidence; a counterexample fails; all proved passes', async (t) => {
  const absent = context();
  await compileStage.run(absent);
  t.is((await proveStage.run(absent)).status, 'no-evidence');

  const bad = context({ producers: { prove: () => Promise.resolve(proofs(['proved', 'counterexample', 'vacuous'])) } });
  await compileStage.run(bad);
  const o = await proveStage.run(bad);
  t.is(o.status, 'fail');
  t.is(o.figures['unproved'], 2);
  t.deepEqual(o.reproduce, ["curve prove examples/perp.curve --only 'SAFE-DEBIT/P7/o1'", "curve prove examples/perp.curve --only 'SAFE-DEBIT/P7/o2'"]);
  t.true(o.evidence.some((e) => e.invariant === 'P7' && e.status === 'fail'));

  const good = context({ producers: { prove: () => Promise.resolve(proofs(['proved', 'proved'])) } });
  await compileStage.run(good);
  t.is((await proveStage.run(good)).status, 'pass');
});

test('GATE-SOAK-001 absent runner: no evidence; a violation fails with its seed; short seeds fail', async (t) => {
  t.is((await soakStage.run(context())).status, 'no-evidence');
  const checkers = [{ name: 'conservation', invariants: ['P3', 'P5'] }];
  const run = (violations: number, events: number) => () =>
    Promise.resolve({ checkers, seeds: [1, 2].map((seed) => ({ seed, events, simulatedMs: 60_000, violations: seed === 2 && violations ? [{ checker: 'conservation', invariant: 'P5', message: 'escrow < 0' }] : [] })) });
  const bad = await soakStage.run(context({ producers: { soak: run(1, 50_000) } }));
  t.is(bad.status, 'fail');
  t.true(bad.reproduce.some((c) => c.includes('--seed 2')));
  t.true(bad.evidence.every((e) => e.status === 'fail'));
  t.is((await soakStage.run(context({ producers: { soak: run(0, 10) } }))).status, 'fail');
  t.is((await soakStage.run(context({ producers: { soak: run(0, 50_000) } }))).status, 'pass');
});

test('GATE-BENCH-001 without the perp bench: no evidence; with it, figures are passed on and PFM1 judged', async (t) => {
  t.is((await benchStage.run(context())).status, 'no-evidence');
  const perp = { ratio: 0.5, reserve_median_us: 90, commit_median_us: 80, inserts_per_s: 10_000 };
  const o = await benchStage.run(context({ producers: { perpBench: () => Promise.resolve(perp) } }));
  t.is(o.status, 'pass');
  t.is(o.figures['inserts_per_s'], 10_000);
  t.deepEqual(o.evidence.map((e) => `${e.invariant}:${e.status}`), ['PFM1:fail'], 'inserts/s below 50k: PFM1 evidence fails');
});

test('GATE-STAGE-004 a stage that throws becomes a failed record; later stages still run', async (t) => {
  const boom: Stage = { name: 'boom', title: 'Boom', run: () => Promise.reject(new Error('disk on fire\nstack…')) };
  const fine: Stage = { name: 'fine', title: 'Fine', run: () => Promise.resolve({ status: 'pass', summary: 's', figures: {}, thresholds: [], reasons: [], reproduce: [], evidence: [], charts: [], details: [] }) };
  const r = await runStages([boom, fine], context());
  t.deepEqual(r.map((x) => [x.name, x.status]), [['boom', 'fail'], ['fine', 'pass']]);
  t.deepEqual(r[0]?.reasons, ['boom stage error: disk on fire']);
  t.true(r.every((x) => x.seconds > 0), 'seconds come from the injected clock');
});

test('GATE-EXP-001 the capital-efficiency and anti-toxicity experiments give the criteria figures and evidence', async (t) => {
  const o = await experimentsStage.run(context());
  t.is(typeof o.figures['im_ratio_max'], 'number');
  t.true((o.figures['im_ratio_max'] as number) <= 1.05, 'IM_router within 5 % on the canonical cases');
  t.is(typeof o.figures['lp_variance_ratio'], 'number');
  t.is(o.status, o.reasons.length ? 'fail' : 'pass');
  t.deepEqual([...new Set(o.evidence.map((e) => e.invariant))], ['P8', 'RM4', 'RM5', 'M7', 'M8', 'M9', 'M10', 'S11']);
  t.deepEqual(o.charts.map((c) => c.id), ['capital-efficiency', 'lp-variance']);
});

test('GATE-SOAK-001 the soak summary maps to evidence: check ids to checkers, seconds to ms, the soak reproduce line kept', (t) => {
  const seed = (n: number, violations: SoakSummary['per_seed'][number]['violations']): SoakSummary['per_seed'][number] => ({ seed: n, events: 5_000, messages: 1, intents: 1, simulated_seconds: 12.5, committed_batches: 3, liveness_convergence_ms: null, trace_hash: 'h', violations });
  const summary: SoakSummary = {
    seeds: 2, simulated_events: 10_000, simulated_seconds: 25, committed_batches: 6, violations: 1, status: 'correctness', failing_seeds: [2], liveness_convergence_ms_max: null,
    per_seed: [seed(1, []), seed(2, [{ kind: 'correctness', check: 'F3', message: 'route committed twice', atMs: 40, reproduce: 'curve soak --seed 2 --events 5000' }])],
  };
  const run = soakRunOf(summary, ['P3', 'S5']);
  t.is(run.seeds[1]?.simulatedMs, 12_500);
  t.is(run.seeds[1]?.violations[0]?.checker, 'at-most-once commit per route');
  t.regex(run.seeds[1]?.violations[0]?.message ?? '', /curve soak --seed 2 --events 5000/);
  t.deepEqual(run.checkers.flatMap((c) => c.invariants), ['F3', 'F1', 'F2', 'R4', 'P3', 'S5']);
});
