/**
 * The fast path's code generator (reference/vm/fast/jit.ts) keeps LGET and PUSH results pending — a
 * slot that still names its local or constant — until something reads the stack from the slot arrays.
 * These programs put pending slots exactly where that could go wrong: below a write to the same local
 * (LSET, LTEE, a DUP of it), below a JUMPI to a join, under a storage store and load, and as operands of
 * the inline cases the generator adds (a product with 0 and a big word, bitwise operations past 2^32).
 * On random words each result is checked against the arithmetic the program does, and `executeFast`
 * against the reference `execute` (VM-EXEC).
 */
import { deepStrictEqual } from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { assembleToBytes } from '../../reference/vm/asm.ts';
import { executeFast } from '../../reference/vm/fast.ts';
import { execute } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

const HEADER = ['.memory initial=0 max=0 storage=64', '.caps none', '.func f params=2 results=1 locals=1'];
const wrap = (x: bigint): bigint => x & U128_MAX;

/** Programs of two words a, b and the result each must give. */
const PROGRAMS: readonly { readonly name: string; readonly body: string; readonly expect: (a: bigint, b: bigint) => bigint }[] = [
  {
    name: 'a pending copy of a local below LSET and LTEE of that local',
    // [a] l0 := b; [a, b] ADDW; l2 := a + b (kept); + l2; + a LGET-LSET of itself
    body: 'LGET 0\nLGET 1\nLSET 0\nLGET 0\nADDW\nLTEE 2\nLGET 2\nADDW\nLGET 0\nLSET 0\nLGET 0\nLTEE 0\nADDW\nRET',
    expect: (a, b) => wrap(2n * (a + b) + b),
  },
  {
    name: 'a DUP of a pending local, then a write to that local',
    body: 'LGET 0\nDUP 0\nLGET 1\nLSET 0\nADDW\nLGET 0\nADDW\nRET',
    expect: (a, b) => wrap(2n * a + b),
  },
  {
    name: 'pending slots below a JUMPI to a join, and storage written and read through pending operands',
    body: [
      'PUSH 16\nLGET 0\nSSTORE',
      'LGET 1\nLGET 0\nLGET 1\nJUMPI one',
      'PUSH 7\nADDW\nJUMP join',
      'one:\nPUSH 9\nADDW',
      'join:\nADDW\nPUSH 16\nSLOAD\nADDW\nRET',
    ].join('\n'),
    expect: (a, b) => wrap(b + a + (b !== 0n ? 9n : 7n) + a),
  },
  {
    name: 'products with 0 and bitwise operations on pending operands of any width',
    body: [
      'PUSH 0\nLGET 0\nMUL\nLGET 1\nPUSH 0\nMULW\nADDW',
      'LGET 0\nLGET 1\nOR\nADDW\nLGET 0\nLGET 1\nAND\nADDW\nLGET 0\nLGET 1\nXOR\nADDW',
      'LGET 0\nISZERO\nADDW\nRET',
    ].join('\n'),
    expect: (a, b) => wrap((a | b) + (a & b) + (a ^ b) + (a === 0n ? 1n : 0n)),
  },
];

const TWO = (n: number): bigint => 1n << BigInt(n);
const WORD = fc.oneof(
  fc.bigInt({ min: 0n, max: 40n }),
  fc.constantFrom(0n, TWO(32) - 1n, TWO(32), TWO(52), TWO(53) - 1n, TWO(53), TWO(64), U128_MAX),
  fc.bigInt({ min: 0n, max: TWO(53) }),
  fc.bigInt({ min: 0n, max: U128_MAX }),
);

for (const p of PROGRAMS) {
  test(`VM-EXEC fast path pending slots: ${p.name}`, (t) => {
    const store = new ModuleStore();
    const lm = store.add(assembleToBytes([...HEADER, p.body, '.entry main f (u128, u128) -> (u128)'].join('\n')));
    fc.assert(
      fc.property(WORD, WORD, (a, b) => {
        const wr = new World();
        const wf = new World();
        const opts = { gasLimit: 1_000_000, stateRoot: true };
        const ref = execute(store, wr, lm.hashHex, 'main', [a, b], opts);
        const fast = executeFast(store, wf, lm.hashHex, 'main', [a, b], opts);
        deepStrictEqual(fast, ref);
        deepStrictEqual(wf.toJSON(), wr.toJSON());
        deepStrictEqual(fast.results, [p.expect(a, b)]);
      }),
      { numRuns: 200 },
    );
    t.pass();
  });
}
