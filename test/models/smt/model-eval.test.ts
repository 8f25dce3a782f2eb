/**
 * From a z3 model to concrete values (models/smt/model-eval.ts, the counterexample replay's first step,
 * issue 5 "Counterexamples"): the value of a term does not depend on the order its constants were created
 * in, on array models given as `(_ as-array f)`, store chains or constant arrays, and the substitution way
 * (which reads no function interpretation through z3's evaluator) agrees with the evaluator.
 */
import test from 'ava';
import fc from 'fast-check';
import { evalBySubstitution, literal, modelValue } from '../../../models/smt/model-eval.ts';
import { closeZ3, z3Context } from '../../../models/smt/z3.ts';

test.after.always(async () => {
  await closeZ3();
});

const W = 16;

test('PROOF-VERDICT-003 model values agree with the constraints whatever order the terms were built in (fast-check)', async (t) => {
  const ctx = await z3Context();
  const bv = (n: number | bigint) => ctx.BitVec.val(BigInt(n), W);
  const names = ['A', 'B', 'C', 'f', 'x', 'y'] as const;
  let round = 0;
  await fc.assert(
    fc.asyncProperty(fc.shuffledSubarray([...names], { minLength: names.length }), fc.nat(30), fc.integer({ min: 1, max: 0xfffe }), fc.integer({ min: 1, max: 0xfffe }), async (order, junk, va, vb) => {
      const tag = `r${round++}`;
      // terms made before ours shift every AST id (what other obligations in the same context do)
      for (let i = 0; i < junk; i++) ctx.BitVec.const(`${tag}.junk${i}`, W).add(bv(i));
      const made: Record<string, unknown> = {};
      for (const n of order) {
        if (n === 'A') made.A = ctx.Array.const(`${tag}.A`, ctx.BitVec.sort(W), ctx.BitVec.sort(W));
        if (n === 'B') made.B = ctx.Array.const(`${tag}.B`, ctx.BitVec.sort(W), ctx.Bool.sort());
        if (n === 'C') made.C = ctx.Array.const(`${tag}.C`, ctx.BitVec.sort(W), ctx.BitVec.sort(W));
        if (n === 'f') made.f = ctx.Function.declare(`${tag}.f`, ctx.BitVec.sort(W), ctx.BitVec.sort(W));
        if (n === 'x') made.x = ctx.BitVec.const(`${tag}.x`, W);
        if (n === 'y') made.y = ctx.BitVec.const(`${tag}.y`, W);
      }
      const { A, B, C, f, x, y } = made as any;
      const s = new ctx.Solver();
      try {
        s.add(x.neq(y), A.select(x).eq(bv(va)), A.select(y).eq(bv(vb)), B.select(x), C.eq(ctx.Array.fromFunc(f)), f.call(x).eq(bv(va)), f.call(y).eq(A.select(y)));
        if ((await s.check()) !== 'sat') return false;
        const m = s.model();
        const want: [unknown, bigint | boolean][] = [
          [A.select(x), BigInt(va)],
          [A.select(y), BigInt(vb)],
          [B.select(x), true],
          [C.select(x), BigInt(va)],
          [C.select(y), BigInt(vb)],
          [A.select(x).add(C.select(y)), BigInt((va + vb) % 2 ** W)],
        ];
        for (const [e, v] of want) {
          if (modelValue(ctx, m, e as never) !== v) return false;
          if (literal(ctx, evalBySubstitution(ctx, m, e as never)) !== v) return false;
        }
        return true;
      } finally {
        s.release();
      }
    }),
    { numRuns: 25, seed: 0x5eed },
  );
  t.pass();
});

test('PROOF-VERDICT-003 an array given as (_ as-array g) is read from g\'s entries and else value, by both ways', async (t) => {
  const ctx = await z3Context();
  const bv = (n: number) => ctx.BitVec.val(BigInt(n), W);
  const A = ctx.Array.const('asarr.A', ctx.BitVec.sort(W), ctx.BitVec.sort(W));
  const g = ctx.Function.declare('asarr.g', ctx.BitVec.sort(W), ctx.BitVec.sort(W));
  const k = ctx.BitVec.const('asarr.k', W);
  const m = new ctx.Model();
  m.updateValue(A, ctx.Array.fromFunc(g) as never);
  const fi = m.addFuncInterp(g, bv(1) as never);
  fi.addEntry([bv(3)] as never, bv(7) as never);
  m.updateValue(k, bv(3));
  t.regex(m.sexpr(), /as-array/);
  for (const [e, v] of [
    [A.select(k), 7n],
    [A.select(bv(3)), 7n],
    [A.select(bv(4)), 1n],
    [A.store(k, bv(9)).select(bv(3)), 9n],
  ] as const) {
    t.is(modelValue(ctx, m, e as never), v, e.sexpr());
    t.is(literal(ctx, evalBySubstitution(ctx, m, e as never)), v, e.sexpr());
  }
  // a constant the model does not mention gets the completion default
  const free = ctx.Array.const('asarr.free', ctx.BitVec.sort(W), ctx.BitVec.sort(W));
  t.is(literal(ctx, evalBySubstitution(ctx, m, free.select(k) as never)), 0n);
});
