/**
 * The spec-level obligations of issue 5 (spec/proofs.md §3): every one is proved — not vacuous, not unknown
 * — one per rule id, in the three invariant families. The clock is a step counter (no timings in
 * pass/fail tests; `curve prove --json` reports seconds).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import type { Family } from '../../../models/smt/obligation.ts';
import { proveAll } from '../../../models/smt/prove.ts';
import { SPEC_DEFS, obligationTable, specObligations } from '../../../models/smt/spec/index.ts';
import { closeZ3 } from '../../../models/smt/z3.ts';

test.after.always(async () => closeZ3());

const counter = (): (() => number) => {
  let n = 0;
  return () => n++;
};

test('PROOF-OBL-001 spec-level obligation ids are unique, named after their rule and cover the three families', (t) => {
  const ids = SPEC_DEFS.map((d) => d.id);
  t.is(new Set(ids).size, ids.length);
  for (const d of SPEC_DEFS) {
    const [fam, rule] = d.id.split('/');
    t.true(['SAFE-DEBIT', 'RESERVATION', 'MARGIN'].includes(fam as string), d.id);
    t.true(d.invariants.includes(rule as string) || d.rules.some((r) => r.endsWith(rule as string)), `${d.id} is named after one of its ids`);
    t.true(d.bounds.length > 0 && d.rules.length > 0, `${d.id} declares bounds and rules`);
  }
  const fams = new Set(SPEC_DEFS.map((d) => d.family));
  t.deepEqual([...fams].sort(), ['margin-math', 'reservation-bounds', 'safe-debit']);
  for (const inv of ['P3', 'P5', 'P6', 'P7', 'R6', 'L2', 'F1', 'ADV1', 'S5', 'S8', 'S9', 'M4', 'M5', 'RM1', 'RM2', 'RM3', 'RM4', 'RM6', 'S10']) {
    t.true(
      SPEC_DEFS.some((d) => d.invariants.includes(inv)),
      `${inv} has an obligation`,
    );
  }
});

for (const family of ['safe-debit', 'reservation-bounds', 'margin-math'] as Family[]) {
  test.serial(`${family === 'safe-debit' ? 'R6' : family === 'reservation-bounds' ? 'S5' : 'RM1'} every ${family} spec-level obligation is proved (witnessed, not vacuous)`, async (t) => {
    const obls = specObligations().filter((o) => o.family === family);
    const r = await proveAll(obls, { timeoutMs: 90_000, clock: counter() });
    for (const e of r.entries) {
      t.is(e.verdict, 'proved', `${e.id}: ${e.reason ?? ''}`);
      t.truthy(e.result.witness, `${e.id} has a witness model`);
      t.true((e.result.witnessSmt2?.length ?? 0) >= 1 && e.result.smt2.includes('(check-sat)'), `${e.id} has certificates`);
    }
    t.is(r.proved, obls.length);
    t.log(`${obls.length} ${family} obligations proved`);
  });
}

test('PROOF-OBL-002 the obligation table of spec/proofs.md §3 is the generated one', (t) => {
  const spec = readFileSync(new URL('../../../spec/proofs.md', import.meta.url), 'utf8');
  const m = /<!-- BEGIN GENERATED: spec-obligations -->\n([\s\S]*?)\n<!-- END GENERATED: spec-obligations -->/.exec(spec);
  t.truthy(m, 'markers present');
  t.is(m?.[1], obligationTable(), 'regenerate with obligationTable() (models/smt/spec/index.ts)');
});
