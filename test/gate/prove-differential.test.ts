/**
 * spec/gate.md GATE-PROVE-001..003 and GATE-DIFF-002: the prove gate over each verdict the prover gives
 * (injected producers and the prover-process message stream), its reproduction commands, proof hashes and
 * matrix statuses; the VM-vs-model differential on the compiled venue (CurveVM beside the golden model)
 * clean, and with a planted model divergence a failure naming its seed, step and reproduction command.
 */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as M from '../../reference/perp/model/index.ts';
import { VenuePair } from '../../reference/perp/vm/venue-pair.ts';
import { runVmDifferential } from '../../reports/perp/vm-differential.ts';
import type { ProofRun, VmDiffInput } from '../../reports/producers.ts';
import { proofRunOf } from '../../reports/prove-run.ts';
import type { ProveMessage } from '../../reports/prove-run.ts';
import { compileStage } from '../../reports/stages/compile.ts';
import { DIFF_T0, differentialStage } from '../../reports/stages/differential.ts';
import { proveStage } from '../../reports/stages/prove.ts';
import { curve } from '../cli/helpers.ts';
import { config, context, inputs, read } from './helpers.ts';

const VERDICTS = ['proved', 'counterexample', 'unknown', 'partial', 'vacuous'] as const;
const info = (id: string, invariants: string[]) => ({ id, family: 'safe-debit', level: 'spec', invariants });
const MODULES = [
  { name: 'router:main', kind: 'router' },
  { name: 'slab:perp:SOL-PERP', kind: 'slab' },
  { name: 'oracle:pyth:SOLUSD', kind: 'oracle' },
];

async function proveWith(run: ProofRun) {
  const ctx = context({ producers: { prove: () => Promise.resolve(run) } });
  await compileStage.run(ctx);
  return proveStage.run(ctx);
}

for (const v of VERDICTS) {
  test(`GATE-PROVE-001 a fake prover answering ${v}: ${v === 'proved' ? 'pass' : 'fail with curve prove FILE --only ID'}`, async (t) => {
    const o = await proveWith({ solver: 'z3 (test double)', obligations: [{ ...info('SAFE-DEBIT/P7/x', ['P7']), verdict: v, seconds: 0.25, ...(v === 'proved' ? {} : { reason: `${v} (test)` }) }], certificates: {} });
    t.is(o.status, v === 'proved' ? 'pass' : 'fail');
    t.is(o.figures['obligations'], 1);
    t.deepEqual(o.reproduce, v === 'proved' ? [] : ["curve prove examples/perp.curve --only 'SAFE-DEBIT/P7/x'"]);
    t.deepEqual(o.evidence.map((e) => [e.invariant, e.status]), [['P7', v === 'proved' ? 'pass' : 'fail']]);
    t.deepEqual(o.charts[0]?.rows, [{ obligation: 'SAFE-DEBIT/P7/x', seconds: 0.25, verdict: v }]);
    if (v !== 'proved') t.true(o.reasons.some((r) => r.startsWith(`SAFE-DEBIT/P7/x: ${v}`)));
  });
}

test('GATE-PROVE-003 a run stopped at its budget: decided verdicts kept, the rest unknown and pending, no proof hash, NO-GO with the whole-run command', async (t) => {
  const messages: ProveMessage[] = [
    { type: 'obligations', list: [info('A/P7/one', ['P7']), info('A/R6/two', ['R6'])] },
    { type: 'entry', entry: { ...info('A/P7/one', ['P7']), verdict: 'proved', seconds: 1.5 } },
  ];
  const run = proofRunOf(messages, MODULES, 'stopped at the 5 s time budget');
  t.deepEqual(run.obligations.map((o) => [o.id, o.verdict, o.decided]), [['A/P7/one', 'proved', undefined], ['A/R6/two', 'unknown', false]]);
  t.deepEqual(run.certificates, {});
  t.is(run.bundle, undefined);
  const o = await proveWith(run);
  t.is(o.status, 'fail');
  t.is(o.figures['undecided'], 1);
  t.is(o.figures['complete'], false);
  t.true(o.reasons[0]?.includes('1 obligation(s) not decided: stopped at the 5 s time budget'));
  t.deepEqual(o.reproduce, ["curve prove examples/perp.curve --only 'A/R6/two'", 'curve prove examples/perp.curve']);
  t.deepEqual(o.evidence.map((e) => [e.invariant, e.status]), [['P7', 'pass'], ['R6', 'pending']]);
});

test('GATE-PROVE-003 a prover that errors or dies without a result: every listed obligation unknown, never a crash', (t) => {
  const listed: ProveMessage = { type: 'obligations', list: [info('A/P7/one', ['P7'])] };
  const err = proofRunOf([listed, { type: 'error', message: 'venue does not compile' }], MODULES);
  t.is(err.stopped, 'prover error: venue does not compile');
  t.deepEqual(err.obligations.map((o) => o.verdict), ['unknown']);
  const died = proofRunOf([listed], MODULES, 'the prover process ended with SIGSEGV');
  t.is(died.stopped, 'the prover process ended with SIGSEGV');
  t.deepEqual(proofRunOf([], MODULES).obligations, []);
});

test('GATE-PROVE-002 a complete all-proved run: the bundle hash fills the router and slab proof-hash slots and proof-bundle.json is written', async (t) => {
  const hash = 'ef'.repeat(32);
  const done: ProveMessage = { type: 'done', solver: 'z3-solver 4.x', bundleHash: hash, bundleJson: '{"hash":"x"}\n' };
  const entry: ProveMessage = { type: 'entry', entry: { ...info('A/P7/one', ['P7']), verdict: 'proved', seconds: 1 } };
  const run = proofRunOf([{ type: 'obligations', list: [info('A/P7/one', ['P7'])] }, entry, done], MODULES);
  t.deepEqual(run.certificates, { 'router:main': hash, 'slab:perp:SOL-PERP': hash });
  const o = await proveWith(run);
  t.is(o.status, 'pass');
  t.is(o.figures['bundle_hash'], hash);
  t.is(o.files?.get('proof-bundle.json'), '{"hash":"x"}\n');
  // a complete run with one obligation not proved: the bundle is kept, no slot is filled
  const bad = proofRunOf([{ type: 'obligations', list: [info('A/P7/one', ['P7'])] }, { type: 'entry', entry: { ...info('A/P7/one', ['P7']), verdict: 'vacuous', seconds: 1 } }, done], MODULES);
  t.deepEqual(bad.certificates, {});
  t.is(bad.bundle?.hash, hash);
});

/** examples/perp.curve with small pools: the same venue shape, VM read-back fast enough for a test. */
const SMALL_VENUE = read('examples/perp.curve').replace(/POOLS [^\n]*/g, 'POOLS accounts=16 orders=32 positions=16 reservations=8 slices=32 trades=16 aggressors=8');

/** The genesis on both sides, then (armed) every model call credits taker 21's wallet with 7 on the model side only. */
class PlantedPair extends VenuePair {
  armed = false;
  override both<T>(what: string, vm: Parameters<VenuePair['both']>[1], model: (s: M.PerpState) => T, out?: (m: T) => unknown) {
    const planted = (s: M.PerpState): T => {
      const r = model(s);
      M.setWallet(s.custody, 21n, s.router.params.asset, 7n);
      return r;
    };
    return super.both(what, vm, this.armed ? planted : model, out);
  }
}

async function differential(plant = false) {
  const ctx = context({
    inputs: inputs({}, SMALL_VENUE),
    config: config({ profiles: { quick: { differential: { seed: 5, sequences: 1, steps: 20, vmSequences: 1, vmSteps: 12 } } } }),
    producers: { vmDifferential: (o: VmDiffInput) => Promise.resolve({ ...runVmDifferential(o, DIFF_T0, (setup) => Object.assign(new PlantedPair(setup), { armed: plant })), invariants: ['OBS1', 'P5'] }) },
  });
  await compileStage.run(ctx);
  return differentialStage.run(ctx);
}

test('GATE-DIFF-002 the compiled venue on CurveVM equals the model over a seeded sequence: pass, VM evidence', async (t) => {
  const o = await differential();
  t.is(o.status, 'pass', o.reasons.join('\n'));
  t.is(o.figures['vm_mismatches'], 0);
  t.true((o.figures['vm_calls'] as number) > 0);
  t.deepEqual(o.evidence.filter((e) => e.kind === 'vm-differential').map((e) => [e.invariant, e.status]), [['OBS1', 'pass'], ['P5', 'pass']]);
});

test('GATE-DIFF-002 a planted model divergence (an extra wallet credit) fails with its seed, step and curve gate --only differential --seed', async (t) => {
  const o = await differential(true);
  t.is(o.status, 'fail');
  t.is(o.figures['vm_mismatches'], 1);
  t.true(o.reasons.some((r) => /^VM ≠ model at seed 5 step \d+ \(/.test(r)), o.reasons.join('\n'));
  t.deepEqual(o.reproduce, ['curve gate examples/perp.curve --only differential --seed 5']);
  t.true(o.evidence.filter((e) => e.kind === 'vm-differential').every((e) => e.status === 'fail'));
});

test.serial('GATE-CFG-002 a bad prove budget or VM sequence count in --config is exit 2 naming the path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'curve-gate-'));
  for (const [body, re] of [
    ['{"profiles": {"quick": {"prove": {"budgetSeconds": 0}}}}', /bad\.json: \/profiles\/quick\/prove\/budgetSeconds: error GATE-CFG: must be >= 1/],
    ['{"profiles": {"quick": {"differential": {"vmSteps": "many"}}}}', /bad\.json: \/profiles\/quick\/differential\/vmSteps: error GATE-CFG: must be integer/],
  ] as const) {
    writeFileSync(join(dir, 'bad.json'), body);
    const r = await curve('gate', 'examples/perp.curve', '--config', join(dir, 'bad.json'), '--out', join(dir, 'o'));
    t.is(r.code, 2);
    t.regex(r.err, re);
    t.is(r.err.trim().split('\n').length, 1);
  }
});

test.serial('GATE-PROVE-003 the real prover process stopped at a 1 s budget: NO-GO (exit 1) with the reason, the gate itself ends cleanly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'curve-gate-'));
  writeFileSync(join(dir, 'c.json'), '{"profiles": {"quick": {"prove": {"budgetSeconds": 1}}}}');
  const r = await curve('gate', 'examples/perp.curve', '--only', 'prove', '--config', join(dir, 'c.json'), '--out', join(dir, 'o'));
  t.is(r.code, 1, r.out + r.err);
  t.regex(r.out, /gate prove: FAIL .*prover run incomplete: \d+ obligation\(s\) not decided: stopped at the 1 s time budget/);
  t.regex(r.out, /verdict: NO-GO/);
});
