/**
 * Honesty of the symbolic executor, symbolic side (issue 5): random valid programs (test/vm/gen.ts bodies
 * after requires on the symbolic parameters, plus custody syscalls whose arguments are constants or the
 * symbolic parameters) run once from an
 * unconstrained pre-state; then, for several random concrete inputs (arguments, gas limit, clock, origin,
 * storage words, custody), the inputs are substituted into every path end's condition and terms: exactly
 * one condition must hold, and its end must equal the interpreter on those inputs (status, halt kind —
 * traps and gas exhaustion included —, revert code, results, gas used, storage words, custody).
 * `npm run symexec-honest` runs a longer campaign (SYMEXEC_HONEST_RUNS).
 */
import test from 'ava';
import fc from 'fast-check';
import { program } from '../../../../conformance/fillers/lib.ts';
import { World } from '../../../../reference/vm/world.ts';
import { runSymbolic, symbolicInputs } from '../../../../models/smt/symexec/run.ts';
import { closeZ3, z3Context } from '../../../../models/smt/z3.ts';
import { bodyArb, operand } from '../../../vm/gen.ts';
import { crossCheck, type Draw } from './honesty-symbolic-lib.ts';
import { load } from './honesty-lib.ts';

const RUNS = Number(process.env.SYMEXEC_HONEST_RUNS ?? 40);
/** Replays a failure: the seed fast-check printed. */
const SEED = process.env.SYMEXEC_HONEST_SEED === undefined ? undefined : Number(process.env.SYMEXEC_HONEST_SEED);

test.after.always(async () => {
  await closeZ3();
});

/** [name, arguments, results] of the syscalls drawn (custody, clock, identity, oracle). */
const SYSCALLS: readonly [string, number, number][] = [
  ['CLOCK', 0, 1], ['CALLER', 0, 1], ['ORIGIN', 0, 1], ['ESCROW_BALANCE', 3, 1], ['ESCROW_CREDIT', 4, 1], ['ESCROW_DEBIT', 4, 1],
  ['ESCROW_NONCE', 3, 1], ['ESCROW_BUMP_NONCE', 3, 1], ['VAULT_BALANCE', 1, 1], ['VAULT_DEPOSIT', 3, 1], ['VAULT_WITHDRAW', 3, 1],
  ['CAP_MINT', 5, 1], ['CAP_BURN', 1, 1], ['CAP_REMAINING', 1, 1], ['CAP_DEBIT', 2, 1], ['ORACLE', 1, 2],
];

/** An argument line: a small constant (so the world's entries are hit) or one of the two symbolic parameters. */
const argLine = fc.oneof({ weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 3n }).map((v) => `PUSH ${v}`) }, { weight: 1, arbitrary: fc.constantFrom('LGET 0', 'LGET 1') });

/** Syscalls whose results go to storage words 0–3 (so the post-state shows them). */
const syscallLines = fc
  .array(fc.tuple(fc.constantFrom(...SYSCALLS), fc.array(argLine, { minLength: 5, maxLength: 5 })), { maxLength: 4 })
  .map((calls) => calls.flatMap(([[name, n, results], args], i) => [...args.slice(0, n), `SYSCALL ${name}`, ...Array.from({ length: results }, (_, r) => `PUSH ${16 * ((i + r) % 4)}\nSWAP 1\nSSTORE`)]).join('\n'));

/** Requires on the symbolic parameters (a revert when `param op c` fails): forks, reverts and merges. */
const guardLines = fc
  .array(fc.tuple(fc.constantFrom('LGET 0', 'LGET 1'), fc.constantFrom('LT', 'GT', 'EQ'), fc.bigInt({ min: 0n, max: 64n }), fc.bigInt({ min: 1n, max: 0xffffn })), { maxLength: 2 })
  .map((gs) => gs.map(([p, op, c, code], i) => `${p}\nPUSH ${c}\n${op}\nJUMPI G${i}\nPUSH ${code}\nREVERT\nG${i}:`).join('\n'));

const small = fc.bigInt({ min: 0n, max: 60n });

/** A concrete pre-state: a few custody entries with small keys and amounts, and the 64 storage bytes. */
const drawArb = fc.record({
  args: fc.tuple(fc.oneof(operand, fc.bigInt({ min: 0n, max: 3n })), fc.oneof(operand, fc.bigInt({ min: 0n, max: 3n }))),
  gasLimit: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constant(100_000)),
  now: fc.bigInt({ min: 0n, max: 200n }),
  origin: fc.bigInt({ min: 0n, max: 3n }),
  wallet: small,
  vault: small,
  escrow: fc.tuple(small, fc.bigInt({ min: 0n, max: 3n })),
  cap: fc.record({ remaining: small, expiry: fc.bigInt({ min: 0n, max: 200n }), burned: fc.boolean(), slab: fc.bigInt({ min: 0n, max: 3n }) }),
  oracle: fc.option(fc.tuple(small, small), { nil: undefined }),
  storage: fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => b.map((x) => (x < 200 ? 0 : x))),
});

type Raw = typeof drawArb extends fc.Arbitrary<infer T> ? T : never;

function world(d: Raw, hashHex: string, storageBytes: number): World {
  const w = new World();
  w.setWallet(1n, 1n, d.wallet);
  w.setVault(1n, d.vault);
  w.setEscrow(1n, 2n, 1n, { balance: d.escrow[0], nonce: d.escrow[1] });
  w.setCap(1n, { user: 1n, slab: d.cap.slab, asset: 1n, amountMax: d.cap.remaining + 5n, remaining: d.cap.remaining, expiry: d.cap.expiry, nonce: 0n, burned: d.cap.burned });
  w.setNextCap(2n);
  if (d.oracle) w.setOracle(1n, { price: d.oracle[0], publishTime: d.oracle[1] });
  const seg = w.segment(hashHex, storageBytes);
  w.segmentWrite(hashHex, seg, 0, d.storage.subarray(0, storageBytes));
  w.commit();
  return w;
}

test.serial('SYMEXEC-HONEST-SYM random programs on symbolic inputs: under random concrete inputs exactly one path condition holds and its end equals the interpreter (status, halt, revert code, results, gas, storage, custody)', async (t) => {
  const ctx = await z3Context();
  const tally = new Map<string, number>();
  const count = (k: string): void => void tally.set(k, (tally.get(k) ?? 0) + 1);
  await fc.assert(
    fc.asyncProperty(guardLines, bodyArb(30), syscallLines, fc.array(drawArb, { minLength: 3, maxLength: 3 }), async (guards, body, sys, draws) => {
      const { store, lm } = load(program(`${guards}\n${sys}\n${body}`, { params: 2, caps: 'all' }));
      const inp = symbolicInputs(ctx, lm, 'main');
      const out = runSymbolic(ctx, lm, 'main', inp);
      for (const d of draws) {
        const draw: Draw = { world: world(d, lm.hashHex, lm.module.memory.storageBytes), args: d.args, gasLimit: d.gasLimit, now: d.now, origin: d.origin };
        const v = await crossCheck(ctx, store, lm, 'main', inp, out, draw);
        if (v.kind === 'differ') {
          t.log(`${v.why}\nprogram:\n${guards}\n${sys}\n${body}\ninputs: ${JSON.stringify(d, (_k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? [...x] : x))}`);
          return false;
        }
        count(v.kind === 'same' ? v.end : 'skipped');
      }
      return true;
    }),
    { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
  );
  t.log([...tally].map(([k, n]) => `${k}: ${n}`).join(', '));
  const skipped = tally.get('skipped') ?? 0;
  const compared = [...tally.values()].reduce((a, b) => a + b, 0) - skipped;
  t.true(compared >= 2 * RUNS, `compared ${compared} draws (skipped ${skipped}: hashes of symbolic bytes are free values)`);
  for (const kind of ['ok', 'revert', 'halt out_of_gas']) t.true((tally.get(kind) ?? 0) > 0, `some draws ended ${kind}`);
});

test.serial('SYMEXEC-HONEST-SYM a trap reached after the gas ran out is out_of_gas, as on the interpreter (the split uses the gas at the trap)', async (t) => {
  const ctx = await z3Context();
  // CAP_REMAINING costs 30: with a limit of 30 or less the interpreter stops there, before MGROW's memory_limit
  const { store, lm } = load(program('PUSH 1\nSYSCALL CAP_REMAINING\nPOP\nPUSH 0x11\nMGROW\nRET', { params: 2, caps: 'all' }));
  const inp = symbolicInputs(ctx, lm, 'main');
  const out = runSymbolic(ctx, lm, 'main', inp);
  const seen: string[] = [];
  for (const gasLimit of [0, 30, 200, 5000]) {
    const v = await crossCheck(ctx, store, lm, 'main', inp, out, { world: new World(), args: [1n, 2n], gasLimit, now: 0n, origin: 0n });
    t.is(v.kind, 'same', v.kind === 'differ' ? v.why : '');
    seen.push(v.kind === 'same' ? v.end : v.kind);
  }
  t.deepEqual(seen, ['halt out_of_gas', 'halt out_of_gas', 'halt memory_limit', 'halt memory_limit']);
});

test.serial('SYMEXEC-HONEST-SYM an unsupported path (MCOPY of a symbolic length) is split by gas too: under a zero limit its out_of_gas end holds (seed 83201079)', async (t) => {
  const ctx = await z3Context();
  const { store, lm } = load(program('PUSH 1\nPUSH 1\nSWAP 1\nPUSH 0x0\nSLOAD8\nMCOPY\nPUSH 1\nRET', { params: 2, caps: 'all' }));
  const inp = symbolicInputs(ctx, lm, 'main');
  const out = runSymbolic(ctx, lm, 'main', inp);
  const v0 = await crossCheck(ctx, store, lm, 'main', inp, out, { world: new World(), args: [0n, 0n], gasLimit: 0, now: 0n, origin: 0n });
  t.deepEqual(v0.kind === 'same' ? v0.end : v0.kind, 'halt out_of_gas', v0.kind === 'differ' ? v0.why : '');
  // with gas the path is the executor's unsupported one: skipped, never a wrong end
  const v1 = await crossCheck(ctx, store, lm, 'main', inp, out, { world: new World(), args: [0n, 0n], gasLimit: 100_000, now: 0n, origin: 0n });
  t.is(v1.kind, 'skip');
});
