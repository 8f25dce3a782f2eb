/**
 * CONF-COV-*: rule ids come from the spec texts; every id a vector cites is defined; the uncovered list.
 * CONF-STR-*: mutants are killed through the machine factory; the reference itself kills nothing.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { coverage, definedIds, perpIds } from '../../conformance/coverage.ts';
import { VECTORS_DIR, loadVectors } from '../../conformance/files.ts';
import { referenceImplementation, runVectors } from '../../conformance/runner.ts';
import { MUTANTS, PERP_MUTANTS } from '../../conformance/strength.ts';
import { curve } from '../cli/helpers.ts';

const spec = readFileSync(new URL('../../spec/curvevm.md', import.meta.url), 'utf8');
const { vectors } = loadVectors(VECTORS_DIR);

test('CONF-COV-001 VM rule ids are extracted from the bold definitions of spec/curvevm.md', (t) => {
  const ids = definedIds(spec, 'VM');
  t.true(ids.length > 200);
  t.deepEqual(definedIds('**PERP-ORD-006, PERP-ORD-007 — cancel.** and **CS-LEX-001 — tokens.** **MAN-HASH-001.** **CPI-X-1**', 'PERP|CS|MAN|CPI'), ['CPI-X-1', 'CS-LEX-001', 'MAN-HASH-001', 'PERP-ORD-006', 'PERP-ORD-007']);
  for (const id of ['VM-WORD-001', 'VM-OP-MULDIV_DOWN', 'VM-SYS-CAP-DEBIT', 'VM-VAL-STACK-005', 'VM-STATE-ROOT']) t.true(ids.includes(id), id);
  t.deepEqual(perpIds('P1 only … P10 and RM3; E2E2, ADV1; not PX or P'), ['ADV1', 'E2E2', 'P1', 'P10', 'RM3']);
});

const read = (f: string): string => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');

test('CONF-COV-001 every id a vector covers is defined in a spec; every VM rule a vector can show is covered', (t) => {
  const c = coverage(
    vectors.map((v) => ({ id: v.vector.id, covers: v.vector.covers })),
    definedIds(spec, 'VM'),
    perpIds(read('spec/design/PERP_DESIGN.md')),
    { cs: definedIds(read('spec/curvescript.md'), 'CS'), manifest: definedIds(read('spec/manifest.md'), 'MAN|CPI'), perpSpec: definedIds(read('spec/perp.md'), 'PERP') },
  );
  t.deepEqual(c.unknown, []);
  // Import cycles need a sha256 fixed point (VM-STORE-004); VM-VER-002/003 are rules about the document itself.
  t.deepEqual(c.uncovered.vm, ['VM-STORE-004', 'VM-VER-002', 'VM-VER-003']);
  // PFM1 is a micro-benchmark (bench), not a state property.
  t.deepEqual(c.uncovered.perp, ['PFM1']);
  for (const id of ['VM-OP-ADD', 'VM-GAS-004', 'VM-CAP-003', 'VM-CALL-005', 'VM-MEM-002', 'VM-VAL-CALL-001', 'VM-MOD-006']) t.false(c.uncovered.vm.includes(id), id);
});

test.serial('CONF-COV-001 curve conformance coverage names uncovered VM rules and PERP_DESIGN invariants', async (t) => {
  const r = await curve('conformance', 'coverage', '--json', '--perp-design', new URL('./fixtures/perp-ids.md', import.meta.url).pathname);
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { uncovered: { vm: string[]; perp: string[]; cs?: string[]; perpSpec?: string[]; manifest?: string[] }; unknown: string[] };
  t.deepEqual(j.uncovered.perp, ['PFM1']);
  // The fixture defines only four invariant ids, so the others the vectors cite count as unknown here.
  t.true(j.unknown.includes('E2E2') && !j.unknown.some((x) => /^(VM|CS|MAN|CPI|PERP)-/.test(x)), j.unknown.join(', '));
  t.deepEqual(j.uncovered.vm, ['VM-STORE-004', 'VM-VER-002', 'VM-VER-003']);
  t.true(Array.isArray(j.uncovered.cs) && Array.isArray(j.uncovered.perpSpec) && Array.isArray(j.uncovered.manifest));
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

test('CONF-STR-003 perp mutants (a skipped cancel, an ignored expiry guard) are killed by the perp vectors; the reference is not', async (t) => {
  const pick = (re: RegExp) => vectors.filter((v) => v.vector.kind === 'perp.scenario' && re.test(v.vector.id));
  for (const [name, re] of [
    ['perp-cancel-route-noop', /^perp\/interface\/R8/],
    ['perp-debit-no-expiry', /^perp\/router\/P7/],
  ] as const) {
    const m = PERP_MUTANTS.find((x) => x.name === name);
    if (!m) return t.fail(`no mutant ${name}`);
    const out = await runVectors(referenceImplementation(m.hooks), pick(re), { stopAtFirstFailure: true });
    t.true(out.some((x) => x.verdict === 'fail'), `${name} survived`);
  }
  const clean = await runVectors(referenceImplementation(), pick(/^perp\/router\/P7/));
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
