/**
 * The fast path's slot regions (reference/vm/fast/run.ts): every function activation of a machine lives
 * in one region of shared slot arrays (locals, then its stack; a callee's region starts at the caller's
 * arguments), the arrays grow while activations are live, nested module calls start above the running
 * region, and the arrays pass to the next machine when a call ends. These calls stress exactly that —
 * deep CALLF chains with many locals and tall stacks, a module CALL from the deepest frame whose callee
 * grows the arrays again, halts and reverts in the middle, calls in a row reusing the arrays — and
 * check that `executeFast` equals the reference `execute` (VM-EXEC; the differential property of
 * fast-differential.test.ts on programs its generator does not reach).
 */
import { deepStrictEqual } from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { assembleToBytes } from '../../reference/vm/asm.ts';
import { executeFast } from '../../reference/vm/fast.ts';
import { execute, type CallOptions } from '../../reference/vm/interpreter.ts';
import { ModuleStore, type LoadedModule } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

/** A callee whose function keeps `height` words on its stack and `locals` locals, writes storage, and ends as told. */
function tallCallee(height: number, locals: number, end: 'ok' | 'revert' | 'trap'): string {
  const pushes = Array.from({ length: height }, (_, i) => `  PUSH ${i + 1}`);
  const adds = Array.from({ length: height - 1 }, () => '  ADD');
  const tail = end === 'ok' ? '  RET' : end === 'revert' ? '  PUSH 9\n  REVERT' : '  TRAP';
  return [
    '.memory initial=0 max=0 storage=64',
    '.caps none',
    `.func f params=1 results=1 locals=${locals}`,
    `  LGET 0\n  LSET ${locals}`,
    ...pushes,
    ...adds,
    `  LGET ${locals}\n  ADD`,
    '  PUSH 16\n  LGET 0\n  SSTORE',
    tail,
    '.entry main f (u128) -> (u128)',
  ].join('\n');
}

/**
 * A caller: a chain of `depth` functions, each with `locals` locals it fills, calling the next with its
 * argument + 1; the last CALLs the callee (from the deepest frame) and adds the status and code, and each
 * frame on the way back adds its locals.
 */
function deepCaller(callee: string, depth: number, locals: number): string {
  const fns = Array.from({ length: depth }, (_, i) => {
    const fill = Array.from({ length: locals }, (_, k) => `  LGET 0\n  PUSH ${k}\n  ADD\n  LSET ${k + 1}`);
    const sum = Array.from({ length: locals }, (_, k) => `  LGET ${k + 1}\n  ADD`);
    const inner =
      i === depth - 1
        ? ['  LGET 0', '  PUSH 1000000\n  PUSH 0\n  PUSH 0', '  CALL c', '  ADD\n  ADD']
        : ['  LGET 0\n  PUSH 1\n  ADD', `  CALLF f${i + 1}`];
    return [`.func f${i} params=1 results=1 locals=${locals}`, ...fill, ...inner, ...sum, '  RET'].join('\n');
  });
  return ['.memory initial=0 max=0 storage=0', '.caps call', `.import c 0x${callee} main 1 1`, ...fns, '.entry main f0 (u128) -> (u128)'].join('\n');
}

function both(store: ModuleStore, lm: LoadedModule, args: readonly bigint[], opts: CallOptions): void {
  const wr = new World();
  const wf = new World();
  const ref = execute(store, wr, lm.hashHex, 'main', args, opts);
  const fast = executeFast(store, wf, lm.hashHex, 'main', args, opts);
  deepStrictEqual(fast, ref);
  deepStrictEqual(wf.toJSON(), wr.toJSON());
}

test('VM-EXEC fast slot regions: deep CALLF chains, tall stacks and a nested CALL equal the reference', (t) => {
  let calls = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom('ok', 'revert', 'trap'),
      fc.bigInt({ min: 0n, max: 1n << 60n }),
      (depth, locals, height, calleeLocals, end, arg) => {
        const store = new ModuleStore();
        const c = store.add(assembleToBytes(tallCallee(height, calleeLocals, end)));
        const a = store.add(assembleToBytes(deepCaller(c.hashHex, depth, locals)));
        both(store, a, [arg], { gasLimit: 50_000_000 });
        // Out of gas part-way, and a second call on the same arrays.
        both(store, a, [arg], { gasLimit: 40 * depth });
        calls += 2;
      },
    ),
    { numRuns: 40 },
  );
  t.true(calls >= 80);
});

test('VM-EXEC fast slot regions: the results of a deep chain are the arithmetic the program does', (t) => {
  const store = new ModuleStore();
  // Deeper than anything above (the arrays pass from machine to machine): they grow inside the CALLF chain.
  const tall = store.add(assembleToBytes(tallCallee(2, 0, 'ok')));
  both(store, store.add(assembleToBytes(deepCaller(tall.hashHex, 250, 24))), [3n], { gasLimit: 50_000_000 });
  const c = store.add(assembleToBytes(tallCallee(300, 5, 'ok')));
  const a = store.add(assembleToBytes(deepCaller(c.hashHex, 50, 10)));
  const r = executeFast(store, new World(), a.hashHex, 'main', [1n], { gasLimit: 50_000_000 });
  t.is(r.status, 'ok');
  // Frame i gets x_i = 1 + i and adds Σ_k (x_i + k) = 10·x_i + 45; the callee returns Σ 1..300 + x_49, status 0, code 0.
  let expected = 300n * 301n / 2n + 50n;
  for (let i = 0; i < 50; i++) expected += 10n * BigInt(1 + i) + 45n;
  t.deepEqual(r.results, [expected]);
});
