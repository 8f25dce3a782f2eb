/**
 * CONF-COV-*: rule ids come from the spec texts; every id a vector cites is defined; the uncovered list.
 * CONF-STR-*: mutants are killed through the machine factory; the reference itself kills nothing.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { coverage, definedIds, perpIds } from '../../conformance/coverage.ts';
import { VECTORS_DIR, loadVectors } from '../../conformance/files.ts';
import { referenceImplementation, runVectors } from '../../conformance/runner.ts';
import { MUTANTS } from '../../conformance/strength.ts';
import { curve } from '../cli/helpers.ts';

const spec = readFileSync(new URL('../../spec/curvevm.md', import.meta.url), 'utf8');
const { vectors } = loadVectors(VECTORS_DIR);

test('CONF-COV-001 VM rule ids are extracted from the bold definitions of spec/curvevm.md', (t) => {
  const ids = definedIds(spec, 'VM');
  t.true(ids.length > 200);
  for (const id of ['VM-WORD-001', 'VM-OP-MULDIV_DOWN', 'VM-SYS-CAP-DEBIT', 'VM-VAL-STACK-005', 'VM-STATE-ROOT']) t.true(ids.includes(id), id);
  t.deepEqual(perpIds('P1 only … P10 and RM3; E2E2, ADV1; not PX or P'), ['ADV1', 'E2E2', 'P1', 'P10', 'RM3']);
});

test('CONF-COV-001 every id a vector covers is defined in the spec; most VM rules are covered', (t) => {
  const c = coverage(
    vectors.map((v) => ({ id: v.vector.id, covers: v.vector.covers })),
    definedIds(spec, 'VM'),
    [],
  );
  t.deepEqual(c.unknown, []);
  t.true(c.uncovered.vm.length <= 20, c.uncovered.vm.join(', '));
  for (const id of ['VM-OP-ADD', 'VM-GAS-004', 'VM-CAP-003', 'VM-CALL-005', 'VM-MEM-002', 'VM-VAL-CALL-001', 'VM-MOD-006']) t.false(c.uncovered.vm.includes(id), id);
});

test.serial('CONF-COV-001 curve conformance coverage names uncovered VM rules and PERP_DESIGN invariants', async (t) => {
  const r = await curve('conformance', 'coverage', '--json', '--perp-design', new URL('./fixtures/perp-ids.md', import.meta.url).pathname);
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { uncovered: { vm: string[]; perp: string[] }; unknown: string[] };
  t.deepEqual(j.uncovered.perp, ['E2E1', 'F1', 'P7']);
  t.deepEqual(j.unknown, []);
  t.true(j.uncovered.vm.includes('VM-TRACE-001'));
});

test('CONF-STR-002 the reference through the mutation path (no mutant) passes; five mutants are each killed', async (t) => {
  const calls = vectors.filter((v) => v.vector.kind === 'vm.call');
  const pick = (glob: RegExp) => calls.filter((v) => glob.test(v.vector.id));
  for (const [name, re] of [
    ['gas-ADD+1', /^opcodes\/ADD\//],
    ['LT-as-GT', /^opcodes\/LT\//],
    ['CAP_DEBIT-no-expiry', /^syscalls\/CAP_DEBIT\//],
    ['rollback-skipped', /^calls\/nested\//],
    ['gas-SELECT-1', /^opcodes\/SELECT\//],
  ] as const) {
    const m = MUTANTS.find((x) => x.name === name);
    if (!m) return t.fail(`no mutant ${name}`);
    const out = await runVectors(referenceImplementation({ machine: m.machine }), pick(re), { stopAtFirstFailure: true });
    t.true(out.some((x) => x.verdict === 'fail'), `${name} survived`);
  }
  const clean = await runVectors(referenceImplementation(), pick(/^calls\//));
  t.true(clean.every((x) => x.verdict === 'pass'));
});

test.serial('CONF-STR-001 curve conformance strength reports the killed fraction', async (t) => {
  const r = await curve('conformance', 'strength', '--mutant', 'JUMPI-inverted', '--filter', 'opcodes/J*', '--json');
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { mutants: number; killed: number; score: number };
  t.deepEqual([j.mutants, j.killed, j.score], [1, 1, 1]);
  const bad = await curve('conformance', 'strength', '--mutant', 'nope');
  t.is(bad.code, 2);
  t.regex(bad.err, /unknown mutant "nope"/);
});
