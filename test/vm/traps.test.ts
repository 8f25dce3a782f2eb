/**
 * Traps and their exact state effects (spec/curvevm.md §7, VM-TRAP-*): every halt kind of HALT_KINDS is
 * raised by some program; a halt or revert undoes every write of the failing module call (storage,
 * escrows, vaults, wallets, caps, logs); a halt consumes the whole grant, a revert returns unused gas.
 */
import test from 'ava';
import fc from 'fast-check';
import { HALT_KINDS, type HaltKind } from '../../reference/vm/halts.ts';
import { execute, type ExecResult, type Status } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { CAP } from '../../reference/vm/capabilities.ts';
import { BIG_GAS, load, program, runBody, runLoaded } from './helpers.ts';

/** A program that raises each halt kind, run in a fresh world. */
const RAISE: Record<HaltKind, () => ExecResult> = {
  out_of_gas: () => runBody('PUSH 1\nPUSH 2\nADD\nRET', { gasLimit: 4 }),
  overflow: () => runBody('PUSH -1\nPUSH 1\nADD\nRET'),
  div_by_zero: () => runBody('PUSH 1\nPUSH 0\nDIV\nRET'),
  memory_oob: () => runBody('PUSH 65535\nMLOAD\nRET'),
  memory_limit: () => runBody('PUSH 1\nMGROW\nRET'),
  storage_oob: () => runBody('PUSH 49\nSLOAD\nRET'),
  // The module declares clock.read; the call grants nothing.
  capability: () => runLoaded(load(program('SYSCALL CLOCK\nRET', { caps: 'clock.read' })), { caps: 0 }),
  grant: () => {
    const callee = load(program('PUSH 1\nRET'));
    const caller = load(program(`PUSH 1000\nPUSH 0\nPUSH 0\nCALL c\nPOP\nPOP\nRET`, { caps: 'call', head: `.import c 0x${callee.lm.hashHex} main 0 1` }), callee.store);
    return runLoaded(caller, { gasLimit: 500 });
  },
  call_depth: () => {
    // 257 nested CALLF frames: one more than MAX_FUNCTION_FRAMES.
    const funcs = Array.from({ length: 256 }, (_, i) => `.func g${i} params=0 results=1 locals=0\n${i === 255 ? 'PUSH 1' : `CALLF g${i + 1}`}\nRET`).join('\n');
    return runBody('CALLF g0\nRET', { head: funcs });
  },
  unreachable: () => runBody('TRAP'),
  invalid_argument: () => runBody('PUSH 0\nPUSH 0\nPUSH 0\nPOSEIDON\nPUSH 0\nRET'),
};

test('VM-TRAP-001 every halt kind of HALT_KINDS has a program that raises it', (t) => {
  t.deepEqual(Object.keys(RAISE).sort(), [...HALT_KINDS].sort());
  for (const kind of HALT_KINDS) {
    const r = RAISE[kind]();
    t.is(r.status, 'halt', kind);
    t.is(r.halt, kind, kind);
    t.deepEqual(r.results, [], kind);
    t.is(r.returnData.length, 0, kind);
    t.deepEqual(r.stateDiff, [], kind);
  }
});

test('VM-TRAP-003 a halt consumes the whole gas grant', (t) => {
  for (const kind of HALT_KINDS) {
    const r = RAISE[kind]();
    const limit = kind === 'out_of_gas' ? 4 : kind === 'grant' ? 500 : BIG_GAS;
    t.is(r.gasUsed, limit, kind);
  }
});

test('VM-TRAP-004 REVERT returns its code and the unused gas', (t) => {
  const r = runBody('PUSH 7\nPUSH 9\nPOP\nREVERT', { gasLimit: 100 });
  t.is(r.status, 'revert');
  t.is(r.revertCode, 7n);
  t.is(r.gasUsed, 3, 'two pushes and a pop; REVERT itself is free');
  t.is(r.halt, undefined);
  t.deepEqual(r.results, []);
});

test('VM-OP-TRAP is free and halts `unreachable`', (t) => {
  const r = runBody('TRAP', { gasLimit: 0 });
  t.is(r.halt, 'unreachable');
  t.is(r.gasUsed, 0);
});

// ---- every write of the failing call is undone ----

const WRITER_CAPS = 'escrow.read,escrow.write,vault.write,cap.mint,log.emit';
/** Writes storage, an escrow, a vault, a wallet, a cap and a log, then runs `tail`. */
const writer = (tail: string): string =>
  program(
    [
      'PUSH 0\nPUSH 42\nSSTORE',
      'PUSH 33\nPUSH 7\nSSTORE8',
      'PUSH 1\nPUSH 2\nPUSH 3\nPUSH 10\nSYSCALL ESCROW_CREDIT\nPOP',
      'PUSH 1\nPUSH 3\nPUSH 5\nSYSCALL VAULT_DEPOSIT\nPOP',
      'PUSH 1\nPUSH 2\nPUSH 3\nSYSCALL ESCROW_BUMP_NONCE\nPOP',
      'PUSH 1\nPUSH 2\nPUSH 3\nPUSH 100\nPUSH 1000\nSYSCALL CAP_MINT\nPOP',
      'PUSH 0\nPUSH 4\nPUSH 77\nLOG 1',
      tail,
    ].join('\n'),
    { caps: WRITER_CAPS },
  );

function seededWorld(): World {
  const w = new World();
  w.setVault(3n, 100n);
  w.setWallet(1n, 3n, 50n);
  w.commit();
  return w;
}

const TAILS: Record<string, { tail: string; status: Status }> = {
  unreachable: { tail: 'TRAP', status: 'halt' },
  overflow: { tail: 'PUSH -1\nPUSH 1\nADD\nRET', status: 'halt' },
  div_by_zero: { tail: 'PUSH 1\nPUSH 0\nMOD\nRET', status: 'halt' },
  memory_oob: { tail: 'PUSH 65536\nMLOAD8\nRET', status: 'halt' },
  storage_oob: { tail: 'PUSH 64\nSLOAD8\nRET', status: 'halt' },
  revert: { tail: 'PUSH 5\nREVERT', status: 'revert' },
};

for (const [name, { tail, status }] of Object.entries(TAILS)) {
  test(`VM-TRAP-002 ${name} after writes leaves storage, escrows, vaults, wallets, caps and logs as before`, (t) => {
    const world = seededWorld();
    const before = world.toJSON();
    const l = load(writer(tail), new ModuleStore(), world);
    const r = runLoaded(l);
    t.is(r.status, status);
    t.deepEqual(world.toJSON(), before);
    t.is(r.stateRoot, before['stateRoot'] as string);
    t.deepEqual(r.logs, []);
    t.deepEqual(r.stateDiff, []);
    t.is(world.readSegmentWord(l.lm.hashHex, 0), 0n);
    t.is(world.logs.length, 0);
  });
}

test('VM-TRAP-002 the same writes without a trap do change state (the trap tests are not vacuous)', (t) => {
  const world = seededWorld();
  const before = world.toJSON();
  const l = load(writer('PUSH 0\nRET'), new ModuleStore(), world);
  const r = runLoaded(l);
  t.is(r.status, 'ok');
  t.notDeepEqual(world.toJSON(), before);
  t.is(world.readSegmentWord(l.lm.hashHex, 0), 42n);
  t.is(r.logs.length, 1);
  t.deepEqual(
    r.stateDiff.map((d) => d.key.split('/')[0]),
    ['cap', 'escrow', 'meta', 'vault', 'wallet', 'word', 'word'],
  );
});

test('VM-TRAP-003 out_of_gas in the middle of the writes undoes them and uses the whole limit', (t) => {
  const world = seededWorld();
  const src = writer('PUSH 0\nRET');
  const full = runLoaded(load(src, new ModuleStore(), world.clone()));
  t.is(full.status, 'ok');
  for (const limit of [0, 1, 60, full.gasUsed - 1]) {
    const w = seededWorld();
    const before = w.toJSON();
    const r = runLoaded(load(src, new ModuleStore(), w), { gasLimit: limit });
    t.is(r.halt, 'out_of_gas', `limit ${limit}`);
    t.is(r.gasUsed, limit);
    t.deepEqual(w.toJSON(), before);
  }
});

test('VM-CAP-002 VM-CAP-003 the effective capabilities are granted ∩ declared', (t) => {
  const l = load(program('SYSCALL CLOCK\nRET', { caps: 'clock.read' }));
  t.is(runLoaded(l, { caps: CAP['clock.read'] | CAP['log.emit'], now: 9n }).results[0], 9n);
  t.is(runLoaded(l, { caps: CAP['log.emit'] }).halt, 'capability');
  const r = runLoaded(l, { caps: 0 });
  t.is(r.haltDetail, 'clock.read not granted');
});

// ---- property: a trap leaves world state exactly as before ----

interface Write {
  readonly text: string;
}
const smallWord = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 200 }));
const writeArb: fc.Arbitrary<Write> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 48 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })).map(([off, v]) => ({ text: `PUSH ${off}\nPUSH 0x${v.toString(16)}\nSSTORE` })),
  fc.tuple(fc.integer({ min: 0, max: 63 }), smallWord).map(([off, v]) => ({ text: `PUSH ${off}\nPUSH ${v}\nSSTORE8` })),
  fc.tuple(fc.integer({ min: 0, max: 56 }), smallWord).map(([off, v]) => ({ text: `PUSH ${off}\nPUSH ${v}\nSSTORE64` })),
  fc.tuple(smallWord, smallWord, smallWord).map(([u, a, n]) => ({ text: `PUSH ${u}\nPUSH 2\nPUSH ${a % 4}\nPUSH ${n}\nSYSCALL ESCROW_CREDIT\nPOP` })),
  fc.tuple(smallWord, smallWord, smallWord).map(([u, a, n]) => ({ text: `PUSH ${u}\nPUSH 2\nPUSH ${a % 4}\nPUSH ${n}\nSYSCALL ESCROW_DEBIT\nPOP` })),
  fc.tuple(smallWord, smallWord).map(([u, n]) => ({ text: `PUSH ${u % 3}\nPUSH 3\nPUSH ${n}\nSYSCALL VAULT_DEPOSIT\nPOP` })),
  fc.tuple(smallWord, smallWord).map(([u, n]) => ({ text: `PUSH ${u % 3}\nPUSH 3\nPUSH ${n}\nSYSCALL VAULT_WITHDRAW\nPOP` })),
  fc.tuple(smallWord, smallWord).map(([u, n]) => ({ text: `PUSH ${u}\nPUSH 2\nPUSH 3\nPUSH ${n}\nPUSH 99\nSYSCALL CAP_MINT\nPOP` })),
  fc.constant({ text: 'PUSH 1\nSYSCALL CAP_BURN\nPOP' }),
  fc.constant({ text: 'PUSH 1\nPUSH 2\nPUSH 3\nSYSCALL ESCROW_BUMP_NONCE\nPOP' }),
  fc.tuple(smallWord, smallWord).map(([p, n]) => ({ text: `PUSH ${p}\nPUSH ${n}\nPUSH 1\nPUSH 2\nLOG 2` })),
);
const trapTail = fc.constantFrom('TRAP', 'PUSH 3\nREVERT', 'PUSH 0\nPUSH 1\nSUB\nRET', 'PUSH 0\nPUSH 0\nSDIV\nRET', 'PUSH 64\nSLOAD\nRET', 'PUSH 1\nMGROW\nRET', 'OOG');

test('property VM-TRAP-002: a trap after random writes leaves World.toJSON() and the state root as before', (t) => {
  fc.assert(
    fc.property(fc.array(writeArb, { minLength: 1, maxLength: 12 }), trapTail, (writes, tail) => {
      const world = seededWorld();
      world.setEscrow(4n, 2n, 3n, { balance: 30n, nonce: 1n });
      world.commit();
      const before = JSON.stringify(world.toJSON());
      const body = writes.map((w) => w.text).join('\n');
      const src = program(`${body}\n${tail === 'OOG' ? 'PUSH 0\nRET' : tail}`, { caps: WRITER_CAPS });
      const l = load(src, new ModuleStore(), world);
      let r: ExecResult;
      if (tail === 'OOG') {
        const full = runLoaded(load(src, new ModuleStore(), world.clone()));
        r = runLoaded(l, { gasLimit: Math.max(0, full.gasUsed - 1) });
      } else r = runLoaded(l);
      if (r.status === 'ok') return false;
      return JSON.stringify(world.toJSON()) === before && r.logs.length === 0 && world.logs.length === 0 && r.stateDiff.length === 0;
    }),
    { numRuns: 80 },
  );
  t.pass();
});

test('execute: a call inside a pending transaction keeps its journal (VM-STATE-003)', (t) => {
  const world = new World();
  world.setVault(1n, 5n); // pending, not committed
  const l = load(program('PUSH 0\nPUSH 1\nSSTORE\nPUSH 0\nRET'), new ModuleStore(), world);
  const r = execute(l.store, world, l.lm.hashHex, 'main', [], { gasLimit: 1000 });
  t.is(r.status, 'ok');
  t.true(world.journalSince({ journal: 0 }).length >= 2, 'journal kept for the enclosing transaction');
  world.revertTo({ journal: 0, logs: 0 });
  t.is(world.vault(1n), 0n);
  t.is(world.readSegmentWord(l.lm.hashHex, 0), 0n);
});
