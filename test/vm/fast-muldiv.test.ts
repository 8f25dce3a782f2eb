/**
 * The fast path's inline MULDIV_DOWN, MULDIV_UP and DIV_UP (reference/vm/fast/jit.ts): on operands below
 * 2^53 whose product is too, the generated code divides doubles; everything else — a big operand, a zero
 * divisor, a product at or past 2^53 — goes to the word semantics. Both must equal the reference
 * interpreter (VM-OP-MULDIV, VM-OP-DIV_UP): results, halts, gas. Operands are drawn around the edges
 * (products near 2^53, divisors 0 and 1, exact and inexact quotients), from pushed constants and from
 * locals (the generated code reads either directly).
 */
import { deepStrictEqual } from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { assembleToBytes } from '../../reference/vm/asm.ts';
import { executeFast } from '../../reference/vm/fast.ts';
import { execute } from '../../reference/vm/interpreter.ts';
import { resultJson } from '../../reference/vm/result-json.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

const OPS = ['MULDIV_DOWN', 'MULDIV_UP', 'DIV_UP'] as const;
const TWO_53 = 2n ** 53n;

/** `main(a, b, d)`: OP over the three (DIV_UP: over a and d), operands from locals; `lit`: the same on pushed constants. */
function program(op: (typeof OPS)[number], lit?: readonly [bigint, bigint, bigint]): string {
  const operands = lit ? lit.map((v) => `  PUSH128 0x${v.toString(16)}`) : ['  LGET 0', '  LGET 1', '  LGET 2'];
  const body = op === 'DIV_UP' ? [operands[0], operands[2]] : operands;
  return ['.memory initial=0 max=0 storage=0', '.caps none', '.func f params=3 results=1 locals=0', ...body, `  ${op}`, '  RET', '.entry main f (u128 u128 u128) -> (u128)'].join('\n');
}

/** A word near the interesting edges. */
const word = fc.oneof(
  fc.bigInt({ min: 0n, max: 20n }),
  fc.bigInt({ min: 0n, max: 2n ** 27n }),
  fc.bigInt({ min: 2n ** 26n, max: 2n ** 27n }),
  fc.bigInt({ min: TWO_53 - 3n, max: TWO_53 + 3n }),
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
);

test('VM-OP-MULDIV VM-OP-DIV_UP the fast path equals the reference on small, edge and big operands', (t) => {
  const store = new ModuleStore();
  const fromLocals = new Map(OPS.map((op) => [op, store.add(assembleToBytes(program(op)))]));
  let inline = 0;
  fc.assert(
    fc.property(fc.constantFrom(...OPS), word, word, word, fc.boolean(), (op, a, b, d, literal) => {
      const lm = literal ? store.add(assembleToBytes(program(op, [a, b, d]))) : (fromLocals.get(op) as ReturnType<ModuleStore['add']>);
      const opts = { gasLimit: 1_000 };
      const ref = execute(store, new World(), lm.hashHex, 'main', [a, b, d], opts);
      const fast = executeFast(store, new World(), lm.hashHex, 'main', [a, b, d], opts);
      deepStrictEqual(resultJson(fast), resultJson(ref));
      if (d !== 0n && (op === 'DIV_UP' ? a < TWO_53 && d < TWO_53 : a * b < TWO_53)) inline++;
    }),
    { numRuns: 1_500 },
  );
  t.true(inline > 200, `${inline} calls on the inline path`);
});

test('VM-OP-MULDIV a product just below, at and past 2^53 rounds exactly on the fast path', (t) => {
  const store = new ModuleStore();
  const cases: [bigint, bigint, bigint][] = [
    [TWO_53 - 1n, 1n, 3n],
    [TWO_53 - 1n, 1n, TWO_53 - 1n],
    [(TWO_53 - 1n) / 3n, 3n, 7n],
    [2n ** 26n + 1n, 2n ** 27n - 1n, 1_000_003n],
    [2n ** 26n, 2n ** 27n, 3n],
    [2n ** 27n, 2n ** 27n, 5n],
    [94_906_265n, 94_906_265n, 10_000n],
    [0n, TWO_53 + 5n, 7n],
  ];
  for (const op of ['MULDIV_DOWN', 'MULDIV_UP'] as const) {
    for (const [a, b, d] of cases) {
      const lm = store.add(assembleToBytes(program(op)));
      const fast = executeFast(store, new World(), lm.hashHex, 'main', [a, b, d], { gasLimit: 1_000 });
      const exact = (a * b) / d + (op === 'MULDIV_UP' && (a * b) % d !== 0n ? 1n : 0n);
      t.deepEqual(fast.results, [exact], `${op} ${a} ${b} ${d}`);
    }
  }
});
