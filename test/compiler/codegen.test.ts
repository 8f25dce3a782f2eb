/**
 * Compiler backend (CS-GEN-*, CS-OPT-*): IR → CurveVM modules that pass the validator and behave as the
 * IR says; optimisation (constant folding, dead code) preserves behaviour, traps included.
 */
import test from 'ava';
import fc from 'fast-check';
import { codegen } from '../../reference/compiler/codegen.ts';
import type { IrExpr, IrFunction, IrModule, IrStmt } from '../../reference/compiler/ir.ts';
import { foldExpr, optimizeModule } from '../../reference/compiler/opt.ts';
import { CAP } from '../../reference/vm/capabilities.ts';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { encodeModule } from '../../reference/vm/module.ts';
import { BINARY, UNARY, type BinaryOpName, type UnaryOpName } from '../../reference/vm/semantics.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { irModule as moduleOf } from './ir-run.ts';

const c = (v: bigint): IrExpr => ({ k: 'const', v });
const l = (slot: number): IrExpr => ({ k: 'local', slot });
const bin = (op: BinaryOpName, a: IrExpr, b: IrExpr): IrExpr => ({ k: 'bin', op, a, b });

function run(m: IrModule, args: bigint[], gasLimit = 1_000_000): ExecResult {
  const store = new ModuleStore();
  const lm = store.add(encodeModule(codegen(m).module));
  return execute(store, new World(), lm.hashHex, 'main', args, { gasLimit, stateRoot: false });
}

const observable = (r: ExecResult) => ({ status: r.status, halt: r.halt, revertCode: r.revertCode, results: r.results, logs: r.logs.length });

test('CS-GEN loop, require and if/else compile to a module that computes the right result', (t) => {
  // fn main(n) -> u128 { require(n <= 1000, 7); acc = 0; for i in 0..n { if i % 2 == 0 { acc += i } else { acc += 1 } } return acc }
  const body: IrStmt[] = [
    { k: 'require', c: bin('LE', l(0), c(1000n)), code: 7n },
    { k: 'set', slot: 1, e: c(0n) },
    {
      k: 'for',
      slot: 2,
      limitSlot: 3,
      from: c(0n),
      to: l(0),
      body: [{ k: 'if', c: bin('EQ', bin('MOD', l(2), c(2n)), c(0n)), then: [{ k: 'set', slot: 1, e: bin('ADD', l(1), l(2)) }], else: [{ k: 'set', slot: 1, e: bin('ADD', l(1), c(1n)) }] }],
    },
    { k: 'return', values: [l(1)] },
  ];
  const m = moduleOf([{ name: 'main', params: 1, results: 1, locals: 3, body }]);
  const model = (n: bigint): bigint => {
    let acc = 0n;
    for (let i = 0n; i < n; i++) acc += i % 2n === 0n ? i : 1n;
    return acc;
  };
  for (const n of [0n, 1n, 2n, 7n, 100n]) t.deepEqual(run(m, [n]).results, [model(n)]);
  const r = run(m, [1001n]);
  t.is(r.status, 'revert');
  t.is(r.revertCode, 7n);
});

test('CS-GEN short-circuit cond evaluates only the chosen arm (no trap from the other)', (t) => {
  // return b != 0 ? a / b : 0  — with b = 0 the division must not run
  const e: IrExpr = { k: 'cond', c: bin('NE', l(1), c(0n)), a: bin('DIV', l(0), l(1)), b: c(0n) };
  const m = moduleOf([{ name: 'main', params: 2, results: 1, locals: 0, body: [{ k: 'return', values: [e] }] }]);
  t.deepEqual(run(m, [10n, 0n]).results, [0n]);
  t.deepEqual(run(m, [10n, 3n]).results, [3n]);
  // select evaluates both arms: the division traps
  const s: IrExpr = { k: 'select', c: bin('NE', l(1), c(0n)), a: bin('DIV', l(0), l(1)), b: c(0n) };
  const ms = moduleOf([{ name: 'main', params: 2, results: 1, locals: 0, body: [{ k: 'return', values: [s] }] }]);
  t.is(run(ms, [10n, 0n]).halt, 'div_by_zero');
});

test('CS-GEN calls, multi-result syscalls, storage, memory and logs', (t) => {
  const helper: IrFunction = { name: 'double', params: 1, results: 1, locals: 0, body: [{ k: 'return', values: [bin('MUL', l(0), c(2n))] }] };
  const body: IrStmt[] = [
    { k: 'multi', slots: [1, 2], src: { k: 'sys', name: 'ORACLE', args: [c(9n)] } },
    { k: 'sstore', width: 16, off: c(16n), v: { k: 'call', fn: 'double', args: [l(0)] } },
    { k: 'mstore', width: 8, addr: c(0n), v: { k: 'sload', width: 16, off: c(16n) } },
    { k: 'log', ptr: c(0n), len: c(8n), topics: [c(0xabcn)] },
    { k: 'drop', e: { k: 'sys', name: 'SELF', args: [] }, results: 1 },
    { k: 'return', values: [bin('ADD', { k: 'mload', width: 8, addr: c(0n) }, l(1))] },
  ];
  const m = moduleOf([{ name: 'main', params: 1, results: 1, locals: 2, body }, helper], undefined, { caps: CAP['oracle.read'] | CAP['log.emit'] });
  const store = new ModuleStore();
  const lm = store.add(encodeModule(codegen(m).module));
  const world = new World();
  world.setOracle(9n, { price: 1000n, publishTime: 5n });
  const r = execute(store, world, lm.hashHex, 'main', [21n], { gasLimit: 100_000 });
  t.is(r.status, 'ok', r.halt);
  t.deepEqual(r.results, [1042n]);
  t.is(r.logs.length, 1);
  t.deepEqual(r.logs[0]?.topics, [0xabcn]);
});

test('CS-GEN a branch that returns gets no jump-over and no unreachable join (validator accepts)', (t) => {
  const body: IrStmt[] = [
    { k: 'if', c: bin('GT', l(0), c(5n)), then: [{ k: 'return', values: [c(1n)] }], else: [{ k: 'revert', code: c(3n) }] },
  ];
  const m = moduleOf([{ name: 'main', params: 1, results: 1, locals: 0, body }]);
  t.deepEqual(run(m, [6n]).results, [1n]);
  t.is(run(m, [5n]).revertCode, 3n);
  const loopReturns: IrStmt[] = [{ k: 'for', slot: 1, limitSlot: 2, from: c(0n), to: l(0), body: [{ k: 'return', values: [l(1)] }] }, { k: 'return', values: [c(99n)] }];
  const m2 = moduleOf([{ name: 'main', params: 1, results: 1, locals: 2, body: loopReturns }]);
  t.deepEqual(run(m2, [3n]).results, [0n]);
  t.deepEqual(run(m2, [0n]).results, [99n]);
});

test('CS-OPT constant folding uses VM semantics and leaves trapping constants to run time', (t) => {
  t.deepEqual(foldExpr(bin('ADD', c(2n), bin('MUL', c(3n), c(4n)))), c(14n));
  const found: string[] = [];
  const trap = bin('ADD', c(U128_MAX), c(1n));
  t.deepEqual(foldExpr(trap, found), trap);
  t.regex(found[0] ?? '', /always traps \(overflow\)/);
  t.deepEqual(foldExpr(bin('ADD', l(0), c(0n))), l(0));
  t.deepEqual(foldExpr({ k: 'cond', c: c(0n), a: l(1), b: l(2) }), l(2));
});

test('CS-OPT dead code: statements after a terminator and constant branches are removed', (t) => {
  const fn: IrFunction = {
    name: 'main',
    params: 1,
    results: 1,
    locals: 0,
    body: [
      { k: 'if', c: c(1n), then: [{ k: 'return', values: [l(0)] }], else: [{ k: 'trap' }] },
      { k: 'return', values: [c(5n)] },
      { k: 'trap' },
    ],
  };
  const opt = optimizeModule(moduleOf([fn]));
  t.deepEqual(opt.functions[0]?.body, [{ k: 'return', values: [l(0)] }]);
  t.deepEqual(run(opt, [8n]).results, [8n]);
});

// ---- properties ----

const BIN_OPS = Object.keys(BINARY) as BinaryOpName[];
const UN_OPS = Object.keys(UNARY) as UnaryOpName[];
const word = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 127n, 128n, U128_MAX, U128_MAX - 1n, 1n << 127n, (1n << 127n) - 1n),
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 0n, max: U128_MAX }),
);

const exprArb: fc.Arbitrary<IrExpr> = fc.letrec<{ e: IrExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    word.map(c),
    fc.integer({ min: 0, max: 2 }).map(l),
    fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom(...BIN_OPS), a: tie('e'), b: tie('e') }),
    fc.record({ k: fc.constant('un' as const), op: fc.constantFrom(...UN_OPS), a: tie('e') }),
    fc.record({ k: fc.constant('muldiv' as const), rounding: fc.constantFrom('down' as const, 'up' as const), a: tie('e'), b: tie('e'), d: tie('e') }),
    fc.record({ k: fc.constant('select' as const), c: tie('e'), a: tie('e'), b: tie('e') }),
    fc.record({ k: fc.constant('cond' as const), c: tie('e'), a: tie('e'), b: tie('e') }),
  ),
})).e;

test('CS-OPT property: folding an expression never changes status, halt kind or result', (t) => {
  fc.assert(
    fc.property(exprArb, fc.array(word, { minLength: 3, maxLength: 3 }), (e, args) => {
      const fn = (body: IrExpr): IrFunction => ({ name: 'main', params: 3, results: 1, locals: 0, body: [{ k: 'return', values: [body] }] });
      const plain = run(moduleOf([fn(e)]), args);
      const folded = run(moduleOf([fn(foldExpr(e))]), args);
      t.deepEqual(observable(folded), observable(plain));
    }),
    { numRuns: 300 },
  );
});

const stmtArb: fc.Arbitrary<IrStmt[]> = fc.letrec<{ block: IrStmt[]; s: IrStmt }>((tie) => ({
  block: fc.array(tie('s'), { maxLength: 4 }),
  s: fc.oneof(
    { depthSize: 'small' },
    fc.record({ k: fc.constant('set' as const), slot: fc.integer({ min: 0, max: 3 }), e: exprArb }),
    fc.record({ k: fc.constant('require' as const), c: exprArb, code: fc.bigInt({ min: 1n, max: 99n }) }),
    fc.record({ k: fc.constant('return' as const), values: exprArb.map((e) => [e]) }),
    fc.record({ k: fc.constant('revert' as const), code: exprArb }),
    fc.record({ k: fc.constant('if' as const), c: exprArb, then: tie('block'), else: tie('block') }),
    fc.record({ k: fc.constant('for' as const), slot: fc.constant(4), limitSlot: fc.constant(5), from: fc.bigInt({ min: 0n, max: 3n }).map(c), to: fc.bigInt({ min: 0n, max: 6n }).map(c), body: tie('block') }),
  ),
})).block;

test('CS-GEN property: any IR program compiles to a valid module, and optimisation preserves behaviour', (t) => {
  fc.assert(
    fc.property(stmtArb, fc.array(word, { minLength: 3, maxLength: 3 }), (body, args) => {
      const fn: IrFunction = { name: 'main', params: 3, results: 1, locals: 3, body: [...body, { k: 'return', values: [l(0)] }] };
      const m = moduleOf([fn]);
      const plain = run(m, args, 200_000);
      const opt = run(optimizeModule(m), args, 200_000);
      // gas is not kept (spec §10.4): optimised code uses no more, so it may finish where the plain one ran out
      t.true(opt.gasUsed <= plain.gasUsed);
      if (plain.halt !== 'out_of_gas') t.deepEqual(observable(opt), observable(plain));
    }),
    { numRuns: 200 },
  );
});
