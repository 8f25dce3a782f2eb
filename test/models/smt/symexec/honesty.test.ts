/**
 * Honesty of the symbolic executor (issue 5): on random valid programs with concrete inputs, the
 * symbolic executor's result — status, halt kind, revert code, return words, storage writes, gas used —
 * equals the reference interpreter's. Programs come from the VM property generators (test/vm/gen.ts) in
 * the conformance fillers' module builder, with storage, memory, hashing and custody syscalls.
 */
import test from 'ava';
import fc from 'fast-check';
import { program } from '../../../../conformance/fillers/lib.ts';
import { World } from '../../../../reference/vm/world.ts';
import { closeZ3, z3Context } from '../../../../models/smt/z3.ts';
import { bodyArb, operand } from '../../../vm/gen.ts';
import { interpreterOutcome, load, symbolicOutcome } from './honesty-lib.ts';

test.after.always(async () => {
  await closeZ3();
});

/** Custody syscalls with their argument counts, pushed as small constants so they often succeed. */
const SYSCALLS: readonly [string, number, number][] = [
  ['CLOCK', 0, 1], ['SELF', 0, 1], ['CALLER', 0, 1], ['ORIGIN', 0, 1], ['ESCROW_BALANCE', 3, 1], ['ESCROW_CREDIT', 4, 1], ['ESCROW_DEBIT', 4, 1],
  ['ESCROW_BUMP_NONCE', 3, 1], ['VAULT_BALANCE', 1, 1], ['VAULT_DEPOSIT', 3, 1], ['VAULT_WITHDRAW', 3, 1], ['CAP_MINT', 5, 1], ['CAP_BURN', 1, 1],
  ['CAP_REMAINING', 1, 1], ['CAP_DEBIT', 2, 1], ['ORACLE', 1, 2],
];
const syscallLines = fc.array(fc.tuple(fc.constantFrom(...SYSCALLS), fc.array(fc.bigInt({ min: 0n, max: 3n }), { minLength: 5, maxLength: 5 })), { maxLength: 4 }).map((calls) =>
  calls.flatMap(([[name, n, results], args], i) => [
    ...args.slice(0, n).map((a) => `PUSH ${a}`),
    `SYSCALL ${name}`,
    ...Array.from({ length: results }, (_, r) => `PUSH ${16 * ((i + r) % 4)}\nSWAP 1\nSSTORE`),
  ]).join('\n'),
);

function world(): World {
  const w = new World();
  w.setWallet(1n, 1n, 50n);
  w.setVault(1n, 40n);
  w.setEscrow(1n, 2n, 1n, { balance: 30n, nonce: 1n });
  w.setCap(1n, { user: 1n, slab: 2n, asset: 1n, amountMax: 20n, remaining: 20n, expiry: 100n, nonce: 0n, burned: false });
  w.commit();
  return w;
}

test('SYMEXEC-HONEST random valid programs: symbolic executor result equals the interpreter on concrete inputs', async (t) => {
  const ctx = await z3Context();
  fc.assert(
    fc.property(bodyArb(40), syscallLines, operand, operand, fc.integer({ min: 0, max: 400 }), (body, sys, a, b, gas) => {
      const { store, lm } = load(program(`${sys}\n${body}`, { params: 2, caps: 'all' }));
      const call = { args: [a, b], gasLimit: gas, now: 5n, origin: 7n };
      const want = interpreterOutcome(store, lm, 'main', world(), call);
      const got = symbolicOutcome(ctx, lm, 'main', world(), call);
      t.deepEqual(got, want);
    }),
    { numRuns: 300 },
  );
});

test('SYMEXEC-HONEST storage, memory and gas edges: word writes, out-of-bounds, exhaustion at the last instruction', async (t) => {
  const ctx = await z3Context();
  const bodies = [
    'PUSH 0x30\nLGET 0\nSSTORE\nPUSH 0x31\nLGET 1\nSSTORE8\nPUSH 0x30\nSLOAD\nRET',
    'PUSH 0x3c\nLGET 0\nSSTORE\nPUSH 0\nRET',
    'PUSH 0x10\nLGET 0\nMSTORE\nPUSH 0x10\nPUSH 0x10\nPUSH 0x40\nSHA256\nPUSH 0x40\nMLOAD\nRET',
    'LGET 0\nLGET 1\nPUSH 7\nMULDIV_UP\nRET',
  ];
  for (const body of bodies) {
    const { store, lm } = load(program(body, { params: 2, caps: 'all' }));
    for (const gasLimit of [0, 10, 60, 100, 200, 1000]) {
      const call = { args: [5n, 1n << 127n], gasLimit };
      t.deepEqual(symbolicOutcome(ctx, lm, 'main', world(), call), interpreterOutcome(store, lm, 'main', world(), call), `${body} @ ${gasLimit}`);
    }
  }
});
