/**
 * CS-OPT-003…006 (spec/curvescript.md §10.4): value reuse, values kept on the stack, dead stores and
 * conditions. Each has an example that shows the instructions saved and the result unchanged; the
 * property runs random IR programs (locals, storage, loops, traps, reverts) built with only CS-OPT-001/002
 * and with every pass, and compares everything a call can observe but gas.
 */
import test from 'ava';
import fc from 'fast-check';
import type { IrExpr, IrFunction, IrStmt } from '../../reference/compiler/ir.ts';
import { gasBounds } from '../../reference/compiler/gas.ts';
import { optimizeModule } from '../../reference/compiler/opt.ts';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { BINARY, type BinaryOpName, type UnaryOpName } from '../../reference/vm/semantics.ts';
import { countOp, irModule, observed, runIr } from './ir-run.ts';

const c = (v: bigint): IrExpr => ({ k: 'const', v });
const l = (slot: number): IrExpr => ({ k: 'local', slot });
const bin = (op: BinaryOpName, a: IrExpr, b: IrExpr): IrExpr => ({ k: 'bin', op, a, b });
const un = (op: UnaryOpName, a: IrExpr): IrExpr => ({ k: 'un', op, a });
const set = (slot: number, e: IrExpr): IrStmt => ({ k: 'set', slot, e });
const main = (params: number, body: IrStmt[], locals = 4): IrFunction => ({ name: 'main', params, results: 1, locals, body });

const plain = (fn: IrFunction) => optimizeModule(irModule([fn]), [], { locals: false });
const full = (fn: IrFunction) => optimizeModule(irModule([fn]));

/** `pool[i]` of 4 records of 8 bytes at 16, as lower.ts builds it (CS-LOWER-INDEX). */
const element = (i: IrExpr): IrExpr => ({ k: 'select', c: bin('LT', i, c(4n)), a: bin('ADD', c(16n), bin('MUL', i, c(8n))), b: c(1n << 64n) });

test('CS-OPT-003 the bounds-checked address of pool[i] is computed once while i is unchanged', (t) => {
  const fn = main(1, [
    set(1, element(l(0))),
    { k: 'sstore', width: 8, off: l(1), v: bin('ADD', l(0), c(5n)) },
    set(2, element(l(0))),
    set(3, { k: 'sload', width: 8, off: l(2) }),
    { k: 'return', values: [l(3)] },
  ]);
  for (const i of [0n, 3n, 4n, 9n]) {
    const before = runIr(plain(fn), [i]);
    const after = runIr(full(fn), [i]);
    t.deepEqual(observed(after), observed(before), `i = ${i}`);
    t.is(countOp(before.asm, 'MUL'), 2);
    t.is(countOp(after.asm, 'MUL'), 1);
    if (i < 4n) t.true(after.result.gasUsed < before.result.gasUsed);
  }
  t.is(runIr(full(fn), [2n]).result.results[0], 7n);
  t.is(runIr(full(fn), [4n]).result.halt, 'storage_oob');
});

test('CS-OPT-003 a slot written between the two computations is not reused', (t) => {
  const fn = main(1, [
    set(1, element(l(0))),
    { k: 'sstore', width: 8, off: l(1), v: c(1n) },
    set(0, bin('ADD', l(0), c(1n))),
    set(2, element(l(0))),
    { k: 'return', values: [{ k: 'sload', width: 8, off: l(2) }] },
  ]);
  const after = runIr(full(fn), [1n]);
  t.is(countOp(after.asm, 'MUL'), 2);
  t.deepEqual(after.result.results, [0n]); // pool[2] was never written
  t.deepEqual(observed(after), observed(runIr(plain(fn), [1n])));
});

test('CS-OPT-004 a value read once by the next statement stays on the stack; read again, it is kept with LTEE', (t) => {
  const once = main(2, [set(2, bin('ADD', l(0), l(1))), { k: 'return', values: [bin('MUL', l(2), c(2n))] }]);
  const a = runIr(full(once), [3n, 4n]);
  t.deepEqual(a.result.results, [14n]);
  t.is(countOp(a.asm, 'LSET') + countOp(a.asm, 'LTEE'), 0);
  const twice = main(2, [set(2, bin('ADD', l(0), l(1))), { k: 'return', values: [bin('MUL', l(2), l(2))] }]);
  const b = runIr(full(twice), [3n, 4n]);
  t.deepEqual(b.result.results, [49n]);
  t.is(countOp(b.asm, 'LTEE'), 1);
  t.is(countOp(b.asm, 'LSET'), 0);
  t.true(b.asm.split('\n').length < runIr(plain(twice), [3n, 4n]).asm.split('\n').length);
});

test('CS-OPT-004 a value that can trap does not move past a load that can trap first', (t) => {
  // original order: the overflow of l0 + l1, then the out-of-range load at l2
  const fn = main(3, [
    set(3, bin('ADD', l(0), l(1))),
    { k: 'sstore', width: 16, off: c(0n), v: bin('ADD', { k: 'sload', width: 16, off: l(2) }, l(3)) },
    { k: 'return', values: [c(0n)] },
  ]);
  const r = runIr(full(fn), [U128_MAX, 1n, 1n << 40n]);
  t.is(r.result.halt, 'overflow');
  t.deepEqual(observed(r), observed(runIr(plain(fn), [U128_MAX, 1n, 1n << 40n])));
  t.is(countOp(r.asm, 'LSET'), 1);
});

test('CS-OPT-005 a dead store goes; one that can trap stays as a drop', (t) => {
  const pure = main(2, [set(2, bin('XOR', l(0), l(1))), set(2, l(1)), { k: 'return', values: [l(2)] }]);
  const p = runIr(full(pure), [5n, 6n]);
  t.deepEqual(p.result.results, [6n]);
  t.is(countOp(p.asm, 'XOR'), 0);
  const trapping = main(2, [set(2, bin('ADD', l(0), l(1))), set(2, l(1)), { k: 'return', values: [l(2)] }]);
  const q = runIr(full(trapping), [U128_MAX, 1n]);
  t.is(q.result.halt, 'overflow');
  t.is(countOp(q.asm, 'ADD'), 1);
  t.deepEqual(runIr(full(trapping), [1n, 2n]).result.results, [2n]);
});

const COMPARISONS: BinaryOpName[] = ['EQ', 'NE', 'LT', 'GE', 'GT', 'LE', 'SLT', 'SGE', 'SGT', 'SLE'];
const word = fc.oneof(fc.constantFrom(0n, 1n, 2n, 3n, U128_MAX, U128_MAX, 1n << 127n, (1n << 127n) - 1n), fc.bigInt({ min: 0n, max: 5n }), fc.bigInt({ min: 0n, max: U128_MAX }));

test('CS-OPT-006 property: an if on a comparison or an ISZERO jumps on the negation, with no ISZERO, and takes the same arm', (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...COMPARISONS), fc.boolean(), word, word, (op, negate, x, y) => {
      const cond = negate ? un('ISZERO', un('ISZERO', bin(op, l(0), l(1)))) : bin(op, l(0), l(1));
      const fn = main(2, [{ k: 'if', c: cond, then: [{ k: 'return', values: [c(1n)] }], else: [{ k: 'return', values: [c(2n)] }] }], 0);
      const r = runIr(full(fn), [x, y]);
      t.is(countOp(r.asm, 'ISZERO'), 0);
      t.deepEqual(r.result.results, [BINARY[op](x, y) !== 0n ? 1n : 2n]);
    }),
    { numRuns: 200 },
  );
});

test('CS-OPT-006 cond on an ISZERO swaps its arms; only the chosen arm runs', (t) => {
  const fn = main(1, [{ k: 'return', values: [{ k: 'cond', c: un('ISZERO', l(0)), a: c(7n), b: bin('SUB', c(0n), c(1n)) }] }], 0);
  const zero = runIr(full(fn), [0n]);
  t.deepEqual(zero.result.results, [7n]);
  t.is(runIr(full(fn), [3n]).result.halt, 'overflow');
  t.is(countOp(zero.asm, 'ISZERO'), 0);
});

test('CS-OPT-008 a loop tests at its bottom: no jump back to a header, the trip count and gas bound unchanged', (t) => {
  for (const [from, to] of [[0n, 5n], [2n, 3n], [3n, 3n], [4n, 1n]] as const) {
    // sum of slot·slot over from..to, plus one when the loop ran
    const body: IrStmt[] = [set(1, bin('ADD', l(1), bin('MUL', l(3), l(3)))), set(2, c(1n))];
    const fn = main(1, [{ k: 'for', slot: 3, limitSlot: 4, from: c(from), to: c(to), body }, { k: 'return', values: [bin('ADD', l(1), l(2))] }]);
    for (const m of [plain(fn), irModule([fn])]) {
      const r = runIr(m, [0n]);
      let want = 0n;
      for (let i = from; i < to; i++) want += i * i;
      t.deepEqual(r.result.results, [want + (from < to ? 1n : 0n)], `${from}..${to}`);
      t.is(countOp(r.asm, 'JUMP'), 0);
      t.is(BigInt(r.result.gasUsed), gasBounds(m.functions).get('main') ?? -1n, 'straight-line body: the bound is exact');
    }
  }
  // a body that returns runs once, from a test at the top
  const early = main(1, [{ k: 'for', slot: 3, limitSlot: 4, from: c(0n), to: c(9n), body: [{ k: 'return', values: [bin('ADD', l(3), c(7n))] }] }, { k: 'return', values: [c(0n)] }]);
  t.deepEqual(runIr(full(early), [0n]).result.results, [7n]);
});

test('CS-OPT-009 past require(i < 4), in an if on i < 4 and in a loop over 0..4, the bounds check of pool[i] folds away', (t) => {
  const required = main(1, [{ k: 'require', c: bin('LT', l(0), c(4n)), code: 9n }, { k: 'return', values: [{ k: 'sload', width: 8, off: element(l(0)) }] }]);
  const guarded = main(1, [{ k: 'if', c: bin('GE', l(0), c(4n)), then: [{ k: 'revert', code: c(9n) }], else: [] }, { k: 'return', values: [{ k: 'sload', width: 8, off: element(l(0)) }] }]);
  const looped = main(1, [
    { k: 'for', slot: 3, limitSlot: 4, from: c(0n), to: c(4n), body: [{ k: 'sstore', width: 8, off: element(l(3)), v: bin('ADD', l(3), l(0)) }] },
    { k: 'return', values: [{ k: 'sload', width: 8, off: element(l(0)) }] },
  ]);
  for (const fn of [required, guarded, looped]) {
    const listing = runIr(full(fn), [1n]).asm;
    t.is(countOp(listing, 'SELECT'), fn === required || fn === guarded ? 0 : 1, 'only the unchecked read keeps its check');
    for (const i of [0n, 3n, 4n, 7n]) t.deepEqual(observed(runIr(full(fn), [i])), observed(runIr(plain(fn), [i])), `i = ${i}`);
  }
  t.is(runIr(full(required), [4n]).result.revertCode, 9n);
  t.is(runIr(full(looped), [4n]).result.halt, 'storage_oob');
});

test('CS-OPT-009 property: a bound learnt from a require or an if on i never removes a check that could fail', (t) => {
  const cmp = fc.tuple(fc.constantFrom('LT', 'GE', 'LE', 'GT') as fc.Arbitrary<BinaryOpName>, fc.bigInt({ min: 0n, max: 6n }), fc.boolean()).map(([op, k, neg]) => (neg ? un('ISZERO', bin(op, l(0), c(k))) : bin(op, l(0), c(k))));
  const read: IrStmt = { k: 'return', values: [{ k: 'sload', width: 8, off: element(l(0)) }] };
  const guard = fc.oneof(
    cmp.map((cond): IrStmt[] => [{ k: 'require', c: cond, code: 3n }, read]),
    cmp.map((cond): IrStmt[] => [{ k: 'if', c: cond, then: [{ k: 'revert', code: c(3n) }], else: [] }, read]),
    cmp.map((cond): IrStmt[] => [{ k: 'if', c: cond, then: [read], else: [{ k: 'return', values: [bin('ADD', { k: 'sload', width: 8, off: element(l(0)) }, c(1n))] }] }]),
  );
  fc.assert(
    fc.property(guard, fc.bigInt({ min: 0n, max: 8n }), (body, i) => {
      const fn = main(1, body);
      t.deepEqual(observed(runIr(full(fn), [i])), observed(runIr(plain(fn), [i])));
    }),
    { numRuns: 300 },
  );
});

// ---- property: random programs, CS-OPT-001/002 only vs every pass ----

const SLOTS = 6; // 0..2 params, 3..5 locals; 6, 7 loop slot and limit
const BIN_OPS: BinaryOpName[] = ['ADD', 'SUB', 'MUL', 'ADDW', 'SUBW', 'MULW', 'DIV', 'MIN', 'MAX', 'EQ', 'NE', 'LT', 'GT', 'SLT', 'AND', 'OR', 'XOR', 'SHL', 'SHR'];
const UN_OPS: UnaryOpName[] = ['ISZERO', 'NOT', 'SNEG'];
const storageOff = (e: IrExpr): IrExpr => bin('AND', e, c(0x30n));

const slotArb = fc.integer({ min: 0, max: 3 });
/** A small vocabulary, so that programs compute the same expression again (what CS-OPT-003 reuses). */
const repeated: fc.Arbitrary<IrExpr> = fc.oneof(
  slotArb.map((i) => element(l(i))),
  fc.tuple(slotArb, slotArb).map(([a, b]) => bin('ADD', l(a), l(b))),
  slotArb.map((i) => ({ k: 'sload' as const, width: 8 as const, off: element(l(i)) })),
  slotArb.map((i) => ({ k: 'sload' as const, width: 8 as const, off: l(i) })),
);

const exprArb: fc.Arbitrary<IrExpr> = fc.letrec<{ e: IrExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    repeated,
    repeated,
    word.map(c),
    fc.integer({ min: 0, max: 7 }).map(l),
    fc.integer({ min: 0, max: 7 }).map(l),
    fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom(...BIN_OPS), a: tie('e'), b: tie('e') }),
    fc.record({ k: fc.constant('un' as const), op: fc.constantFrom(...UN_OPS), a: tie('e') }),
    fc.record({ k: fc.constant('select' as const), c: tie('e'), a: tie('e'), b: tie('e') }),
    fc.record({ k: fc.constant('cond' as const), c: tie('e'), a: tie('e'), b: tie('e') }),
    tie('e').map((i) => element(bin('AND', i, c(7n)))),
    tie('e').map((off) => ({ k: 'sload' as const, width: 16 as const, off: storageOff(off) })),
    tie('e').map((off) => ({ k: 'sload' as const, width: 8 as const, off })), // usually out of range
  ),
})).e;

const stmtArb: fc.Arbitrary<IrStmt[]> = fc.letrec<{ block: IrStmt[]; s: IrStmt }>((tie) => ({
  block: fc.array(tie('s'), { maxLength: 6 }),
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ k: fc.constant('set' as const), slot: fc.integer({ min: 0, max: SLOTS - 1 }), e: exprArb }),
    fc.record({ k: fc.constant('set' as const), slot: fc.integer({ min: 0, max: SLOTS - 1 }), e: exprArb }),
    fc.tuple(fc.integer({ min: 3, max: SLOTS - 1 }), exprArb).map(([slot, i]): IrStmt => ({ k: 'set', slot, e: element(bin('AND', i, c(7n))) })),
    fc.record({ k: fc.constant('sstore' as const), width: fc.constant(16 as const), off: exprArb.map(storageOff), v: exprArb }),
    fc.record({ k: fc.constant('sstore' as const), width: fc.constant(8 as const), off: repeated, v: exprArb }),
    fc.record({ k: fc.constant('set' as const), slot: fc.integer({ min: 0, max: SLOTS - 1 }), e: repeated }),
    fc.record({ k: fc.constant('set' as const), slot: slotArb, e: exprArb }),
    fc.record({ k: fc.constant('require' as const), c: exprArb, code: fc.bigInt({ min: 1n, max: 99n }) }),
    fc.tuple(slotArb, fc.bigInt({ min: 0n, max: 6n }), fc.constantFrom('LT', 'GE', 'LE', 'GT') as fc.Arbitrary<BinaryOpName>).map(([slot, k, op]): IrStmt => ({ k: 'require', c: bin(op, l(slot), c(k)), code: 5n })),
    fc.record({ k: fc.constant('drop' as const), e: exprArb, results: fc.constant(1) }),
    fc.record({ k: fc.constant('return' as const), values: exprArb.map((e) => [e]) }),
    fc.record({ k: fc.constant('if' as const), c: exprArb, then: tie('block'), else: tie('block') }),
    fc.record({ k: fc.constant('if' as const), c: fc.tuple(slotArb, fc.bigInt({ min: 0n, max: 6n }), fc.constantFrom('LT', 'GE', 'LE', 'GT') as fc.Arbitrary<BinaryOpName>).map(([slot, k, op]) => bin(op, l(slot), c(k))), then: tie('block'), else: tie('block') }),
    fc.record({ k: fc.constant('for' as const), slot: fc.constant(6), limitSlot: fc.constant(7), from: fc.bigInt({ min: 0n, max: 2n }).map(c), to: fc.bigInt({ min: 0n, max: 4n }).map(c), body: tie('block') }),
  ),
})).block;

test('CS-OPT-003 CS-OPT-004 CS-OPT-005 CS-OPT-009 property: every pass leaves status, halt, revert code, results, logs and storage as CS-OPT-001/002 alone', (t) => {
  fc.assert(
    // the same expression computed before and after random code: what CS-OPT-003 may or may not reuse
    fc.property(repeated, stmtArb, stmtArb, fc.array(word, { minLength: 3, maxLength: 3 }), (r, first, then, args) => {
      const body: IrStmt[] = [set(5, r), ...first, set(4, r), ...then];
      const fn: IrFunction = { name: 'main', params: 3, results: 1, locals: 5, body: [...body, { k: 'return', values: [bin('ADDW', l(3), bin('XOR', l(4), l(5)))] }] };
      const before = runIr(plain(fn), args, 500_000);
      const after = runIr(full(fn), args, 500_000);
      t.true(after.result.gasUsed <= before.result.gasUsed);
      // gas is not kept: the optimised call may finish where the baseline ran out
      if (before.result.halt !== 'out_of_gas') t.deepEqual(observed(after), observed(before));
    }),
    { numRuns: 600 },
  );
});
