/**
 * The vector kinds beyond vm.call/vm.validate (spec/conformance.md CONF-KIND-004…007) and --trace-diff
 * (CONF-TRACE-*): the committed perp, compiler, trace and asm vectors pass against the reference; a changed
 * step, diagnostic place or module hash is named field by field; the first trace divergence of a mutant
 * is found, in process and through `curve adapter` as a child process.
 */
import test from 'ava';
import { VECTORS_DIR, loadVectors } from '../../conformance/files.ts';
import { diffJson } from '../../conformance/kinds.ts';
import { kindHandler } from '../../conformance/kinds-all.ts';
import { referenceImplementation, runVectors } from '../../conformance/runner.ts';
import { MUTANTS } from '../../conformance/strength.ts';
import { firstDivergence, referenceTraces } from '../../conformance/trace.ts';
import { DIAGNOSTIC_CODES } from '../../reference/script/diagnostics.ts';
import { curve } from '../cli/helpers.ts';

const { vectors } = loadVectors(VECTORS_DIR);
const ofKind = (k: string) => vectors.filter((v) => v.vector.kind === k);

test('CONF-KIND-004..007 every perp, compiler, trace and asm vector passes against the reference in process', async (t) => {
  for (const k of ['perp.scenario', 'compiler.compile', 'vm.trace', 'vm.asm']) {
    const sel = ofKind(k);
    t.true(sel.length > 0, k);
    const out = await runVectors(referenceImplementation(), sel);
    t.deepEqual(out.filter((x) => x.verdict !== 'pass').map((x) => x.id), [], k);
  }
});

test('CONF-KIND-005 a perp vector names the step whose outcome differs', (t) => {
  const v = ofKind('perp.scenario').find((x) => x.vector.id === 'perp/interface/R8-cancel-idempotent');
  if (!v) return t.fail('no R8 vector');
  const actual = structuredClone(kindHandler('perp.scenario')?.run(v.vector)) as { steps: { ok: boolean; out?: unknown }[] };
  let last = actual.steps.length - 1;
  while (last > 0 && !actual.steps[last]?.ok) last--;
  actual.steps[last] = { ...actual.steps[last], out: { cancelled: 99 } } as never;
  const d = diffJson(v.vector.expect, actual);
  t.is(d.length, 1);
  t.regex(d[0]?.path ?? '', new RegExp(`^steps\\[${last}\\]\\.out\\.cancelled$`));
});

test('CONF-KIND-005 PERP_DESIGN flows E2E1–E2E4, F1–F3, ADV1–ADV3 each have a vector', (t) => {
  const cited = new Set(ofKind('perp.scenario').flatMap((v) => v.vector.covers));
  for (const id of ['E2E1', 'E2E2', 'E2E3', 'E2E4', 'F1', 'F2', 'F3', 'ADV1', 'ADV2', 'ADV3']) t.true(cited.has(id), id);
});

test('CONF-KIND-004 every CS diagnostic code the front end or the compiler emits in the corpus has a compiler vector', (t) => {
  const reported = new Set(ofKind('compiler.compile').flatMap((v) => (v.vector.expect as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)));
  const missing = Object.keys(DIAGNOSTIC_CODES).filter((c) => !reported.has(c));
  // CS4008/CS4009 (externs, sub-grants) are checked by the compiler's own tests until a corpus source exists for them.
  t.deepEqual(missing.filter((c) => !['CS4008', 'CS4009'].includes(c)), []);
});

test('CONF-KIND-004 a compiler vector with a moved diagnostic fails naming the place', (t) => {
  const v = ofKind('compiler.compile').find((x) => x.vector.id === 'compiler/diagnostics/CS3007-cap-ttl');
  if (!v) return t.fail('no CS3007 vector');
  const actual = structuredClone(v.vector.expect) as { diagnostics: { col: number }[] };
  (actual.diagnostics[0] as { col: number }).col += 1;
  t.deepEqual(diffJson(v.vector.expect, actual).map((d) => d.path), ['diagnostics[0].col']);
  const ok = ofKind('compiler.compile').find((x) => x.vector.id === 'compiler/ok/mini');
  t.truthy((ok?.vector.expect as { manifestHash?: string }).manifestHash);
});

test('CONF-TRACE-002 the first divergence of a mutant (gas of ADD + 1) is the first ADD step, field gasCost', (t) => {
  const v = vectors.find((x) => x.vector.id === 'opcodes/ADD/case-000');
  const m = MUTANTS.find((x) => x.name === 'gas-ADD+1');
  if (!v || !m) return t.fail('fixture missing');
  const ref = referenceTraces(v.vector);
  t.is(firstDivergence(ref, ref), undefined);
  const d = firstDivergence(ref, referenceTraces(v.vector, { machine: m.machine }));
  t.like(d, { call: 0, fields: ['gasCost'], expected: { op: 'ADD' } });
  t.is(d?.step, ref[0]?.findIndex((s) => s.op === 'ADD'));
});

test('CONF-TRACE-001 a trace that ends early diverges at its length', (t) => {
  const v = vectors.find((x) => x.vector.id === 'opcodes/ADD/case-000');
  if (!v) return t.fail('fixture missing');
  const ref = referenceTraces(v.vector);
  const short = [ref[0]?.slice(0, 2) ?? []];
  t.like(firstDivergence(ref, short), { call: 0, step: 2, fields: ['length'], actual: null });
});

test.serial('CONF-PROTO-006 --trace-diff through `curve adapter --mutant gas-ADD+1` prints the first diverging step', async (t) => {
  const r = await curve('conformance', '--impl', 'node bin/curve.js adapter --mutant gas-ADD+1', '--filter', 'opcodes/ADD/case-000', '--trace-diff');
  t.is(r.code, 1, r.err);
  t.regex(r.out, /calls\[0\]\.gasUsed: expected \d+, actual \d+/);
  t.regex(r.out, /trace diff: first divergence at call 0, step \d+ \(ADD at pc \d+, depth 1\): gasCost expected 2, actual 3/);
  t.regex(r.out, /expected +\{"depth":1,"module":"[0-9a-f]{64}","fn":0,"pc":\d+,"op":"ADD","gas":\d+,"gasCost":2,"stack":\[/);
});

test.serial('CONF-TRACE-002 --trace-diff --json carries the divergence; an adapter without the trace feature is named', async (t) => {
  const r = await curve('conformance', '--impl', 'node bin/curve.js adapter --mutant LT-as-GT', '--filter', 'opcodes/LT/case-001', '--trace-diff', '--json');
  t.is(r.code, 1, r.err);
  const j = JSON.parse(r.out) as { failures: { traceDiff: { fields: string[]; expected: { op: string } } }[] };
  t.deepEqual(j.failures[0]?.traceDiff.fields, ['stack']);
  const none = await curve('conformance', '--impl', 'node test/conformance/fixtures/wrong-adapter.mjs gas', '--filter', 'opcodes/ADD/case-000', '--trace-diff');
  t.is(none.code, 1);
  t.regex(none.out, /trace diff: .*does not offer traces \(adapter feature "trace"/);
});

test.serial('CONF-KIND-005 a perp adapter that never expires routes is flagged at the sweep step, through a child process', async (t) => {
  const r = await curve('conformance', '--impl', 'node bin/curve.js adapter --mutant perp-expiry-never', '--filter', 'perp/interface/F1-expiry-sweep');
  t.is(r.code, 1, r.err);
  t.regex(r.out, /FAIL perp\/interface\/F1-expiry-sweep/);
  t.regex(r.out, /covers .*F1/);
  t.regex(r.out, /steps\[\d+\]\.out: expected 1, actual 0/);
});
