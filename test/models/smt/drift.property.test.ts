/**
 * The encodings cannot drift from the code (spec/proofs.md §2): for every spec-level obligation, random
 * assignments within its declared bounds (biased to small values and the range ends) are substituted
 * into the SMT terms, simplified by z3 to constants and compared with the golden model's functions;
 * and wherever the assumptions hold, the encoded property and the concrete replay agree (both hold).
 * fast-check prints the seed and the failing assignment.
 */
import test from 'ava';
import fc from 'fast-check';
import { SPEC_DEFS } from '../../../models/smt/spec/index.ts';
import { assumptionsHold, buildSpec, evaluate, findWitness, type SpecDef, type Values } from '../../../models/smt/spec/spec-obligation.ts';
import type { Vars } from '../../../models/smt/spec/encoding.ts';
import { closeZ3 } from '../../../models/smt/z3.ts';

test.after.always(async () => closeZ3());

const RUNS = 12;

function valueArb(lo: bigint, hi: bigint): fc.Arbitrary<bigint> {
  const near = (c: bigint) => fc.bigInt(c - 3n > lo ? c - 3n : lo, c + 3n < hi ? c + 3n : hi);
  const small = fc.bigInt(lo > -2000n ? lo : -2000n, hi < 2000n ? hi : 2000n);
  const parts = [fc.bigInt(lo, hi), near(lo), near(hi)];
  if (lo <= 2000n && hi >= -2000n) parts.push(small, small);
  return fc.oneof(...parts);
}

function assignmentArb(vars: Vars): fc.Arbitrary<Values> {
  return fc.record(Object.fromEntries(vars.decls.map((d) => [d.name, valueArb(d.spec.lo, d.spec.hi)])));
}

function label(def: SpecDef): string {
  return `${def.invariants[0]} ${def.id}`;
}

for (const def of SPEC_DEFS) {
  test.serial(`${label(def)}: the SMT terms evaluate like the model and the property agrees with the replay`, async (t) => {
    const b = await buildSpec(def);
    // A model of the assumptions seeds the run, so every obligation is checked at least once inside them.
    const witness = await findWitness(b, def.logic, 60_000);
    if (!witness) return t.fail('no witness for the assumptions');
    let inside = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(assignmentArb(b.vars), async (x) => {
        if (b.enc.termDomain && (await evaluate(b, b.enc.termDomain, x)) !== true) return;
        for (const [name, term] of Object.entries(b.enc.terms ?? {})) {
          let model: bigint | boolean;
          try {
            model = term.model(x);
          } catch (e) {
            // Outside the assumptions the model may refuse (ARITH_OVERFLOW, …); inside them it must not.
            if (await assumptionsHold(b, x)) throw e;
            continue;
          }
          const smt = await evaluate(b, term.smt, x);
          if (smt !== model) throw new Error(`${name}: SMT ${smt} ≠ model ${model}`);
          compared++;
        }
        if (!(await assumptionsHold(b, x))) return;
        inside++;
        const holds = await evaluate(b, b.enc.prove, x);
        const violation = def.replay(x);
        if (holds !== true || violation !== null) throw new Error(`property ${holds}, replay ${violation}`);
      }),
      { numRuns: RUNS, seed: 0x5eed5 ^ def.id.length, examples: [[witness]] },
    );
    t.true(inside >= 1, 'at least the witness is inside the assumptions');
    if (b.enc.terms) t.true(compared >= 1, 'terms were compared');
    t.log(`${inside} assignment(s) inside the assumptions, ${compared} term comparison(s)`);
  });
}

test.serial('PROOF-ENC-005 most obligations name sub-terms that mirror golden-model functions', async (t) => {
  let withTerms = 0;
  for (const def of SPEC_DEFS) if (Object.keys((await buildSpec(def)).enc.terms ?? {}).length > 0) withTerms++;
  t.true(withTerms >= 28, `${withTerms} of ${SPEC_DEFS.length}`);
});
