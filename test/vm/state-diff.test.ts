/**
 * The state diff of a call (VM-STATE-DIFF) is taken when the call ends and built as hex only when read
 * (reference/vm/state-diff.ts). Reading it late — after later calls changed the same storage words,
 * balances and caps, committed or not — gives exactly what reading it at once gives; so does a diff read
 * twice, and `World.diffSince` over the same journal. Both engines.
 */
import { deepStrictEqual } from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { assembleToBytes } from '../../reference/vm/asm.ts';
import { executeFast } from '../../reference/vm/fast.ts';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

/** Storage of six words; stores of each width; a vault deposit; a revert; a cap mint. */
const SOURCE = `
.memory initial=0 max=0 storage=96
.caps vault.write,cap.mint
${[['s1', 'SSTORE8'], ['s8', 'SSTORE64'], ['s16', 'SSTORE']].map(([f, op]) => `.func ${f} params=2 results=0 locals=0\n  LGET 0\n  LGET 1\n  ${op}\n  RET`).join('\n')}
.func dep params=2 results=1 locals=0
  LGET 0
  PUSH 1
  LGET 1
  SYSCALL VAULT_DEPOSIT
  RET
.func rev params=2 results=0 locals=0
  LGET 0
  LGET 1
  SSTORE
  PUSH 5
  REVERT
.func mint params=2 results=1 locals=0
  LGET 0
  PUSH 9
  PUSH 1
  LGET 1
  PUSH 1000
  SYSCALL CAP_MINT
  RET
.entry dep dep (u128 u128) -> (u128)
.entry mint mint (u128 u128) -> (u128)
.entry rev rev (u128 u128) -> ()
.entry s1 s1 (u128 u128) -> ()
.entry s16 s16 (u128 u128) -> ()
.entry s8 s8 (u128 u128) -> ()
`;

const ENTRIES = ['s1', 's8', 's16', 'dep', 'rev', 'mint'] as const;

const call = fc.record({
  entry: fc.constantFrom(...ENTRIES),
  a: fc.oneof(fc.integer({ min: 0, max: 96 }), fc.constantFrom(76, 80, 88, 95)),
  b: fc.oneof(fc.bigInt({ min: 0n, max: 3n }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })),
  /** Commit the world after the call (else the next call runs inside the pending transaction). */
  commit: fc.boolean(),
});

function world(): World {
  const w = new World();
  for (const user of [0n, 1n, 2n, 3n]) w.setWallet(user, 1n, 50n);
  w.commit();
  return w;
}

test('VM-STATE-DIFF a diff read after later calls equals the diff read when its call ended', (t) => {
  const store = new ModuleStore();
  const lm = store.add(assembleToBytes(SOURCE));
  let nonEmpty = 0;
  fc.assert(
    fc.property(fc.array(call, { minLength: 1, maxLength: 12 }), fc.boolean(), (calls, fast) => {
      const run = fast ? executeFast : execute;
      const now = world();
      const late = world();
      const atOnce: unknown[] = [];
      const results: ExecResult[] = [];
      for (const c of calls) {
        const args = [BigInt(c.a) % 96n, c.entry === 'dep' || c.entry === 'mint' ? c.b % 64n : c.b];
        const r1 = run(store, now, lm.hashHex, c.entry, args, { gasLimit: 100_000 });
        atOnce.push(r1.stateDiff);
        const r2 = run(store, late, lm.hashHex, c.entry, args, { gasLimit: 100_000 });
        results.push(r2);
        if (c.commit) {
          now.commit();
          late.commit();
        }
      }
      const lateDiffs = results.map((r) => r.stateDiff);
      deepStrictEqual(lateDiffs, atOnce);
      deepStrictEqual(results.map((r) => r.stateDiff), lateDiffs, 'a diff read twice');
      deepStrictEqual(late.diffSince({ journal: 0 }), now.diffSince({ journal: 0 }));
      nonEmpty += lateDiffs.filter((d) => d.length > 0).length;
    }),
    { numRuns: 150 },
  );
  t.true(nonEmpty > 100, `${nonEmpty} non-empty diffs`);
});

test('VM-STATE-DIFF a store across two words, read late; a word written back to its old value', (t) => {
  const store = new ModuleStore();
  const lm = store.add(assembleToBytes(SOURCE));
  const w = world();
  const r = execute(store, w, lm.hashHex, 's8', [76n, 0x0102030405060708n], { gasLimit: 100_000 });
  execute(store, w, lm.hashHex, 's16', [80n, 0n], { gasLimit: 100_000 });
  t.deepEqual(r.stateDiff, [
    { key: `word/${lm.hashHex}/4`, before: '', after: '00000000000000000000000008070605' },
    { key: `word/${lm.hashHex}/5`, before: '', after: '04030201000000000000000000000000' },
  ]);
  // Written and then written back inside one call: no entry.
  const back = execute(store, w, lm.hashHex, 'rev', [0n, 0n], { gasLimit: 100_000 });
  t.is(back.status, 'revert');
  t.is(back.stateDiff.length, 0);
  const same = executeFast(store, w, lm.hashHex, 's16', [64n, 0x05060708n << 96n], { gasLimit: 100_000 });
  t.is(same.stateDiff.length, 0);
});
