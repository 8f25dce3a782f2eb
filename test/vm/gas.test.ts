/**
 * Gas metering (spec/curvevm.md §6, VM-GAS-*): static gas from the opcode table for every opcode, exact
 * boundaries (exactly enough succeeds, one less halts out_of_gas and uses the whole limit) for static and
 * dynamic charges, GAS, and the property that gas used never exceeds the limit.
 */
import test from 'ava';
import fc from 'fast-check';
import { G_CALL } from '../../reference/vm/gas.ts';
import { OPCODES } from '../../reference/vm/opcodes.ts';
import { SYSCALLS } from '../../reference/vm/syscalls.ts';
import { bodyArb } from './gen.ts';
import { load, program, runBody, runLoaded } from './helpers.ts';

test('VM-GAS-002 every fixed-effect opcode costs its table gas', (t) => {
  for (const o of OPCODES) {
    if (typeof o.pops !== 'number' || typeof o.pushes !== 'number' || o.imm.length > 0) continue;
    if (['TRAP', 'REVERT', 'RET'].includes(o.name)) continue;
    // Operands of 1 keep every operation in range (addresses, shift counts, divisors, lengths).
    const dynamic = ['MGROW', 'MCOPY', 'SHA256', 'KECCAK256', 'POSEIDON', 'MERKLE_VERIFY'].includes(o.name);
    const pre = Array.from({ length: o.pops }, () => (dynamic ? 'PUSH 0' : 'PUSH 1')).join('\n');
    const post = Array.from({ length: o.pushes }, () => 'POP').join('\n');
    const body = o.name === 'POSEIDON' ? 'PUSH 0\nPUSH 1\nPUSH 0\nPOSEIDON' : `${pre}\n${o.name}\n${post}`;
    const r = runBody(`${body}\nPUSH 0\nRET`, { trace: true });
    t.is(r.status, 'ok', o.name);
    const step = r.trace?.find((s) => s.op === o.name);
    if (!dynamic) t.is(step?.gasCost, o.gas, o.name);
    else t.true((step?.gasCost ?? 0) >= o.gas, o.name);
  }
});

/** Programs covering static and each kind of dynamic charge. */
const BOUNDARY: Record<string, string> = {
  arith: program('PUSH 3\nPUSH 4\nMUL\nPUSH 2\nPUSH 5\nMULDIV_UP\nRET'),
  jumps: program('PUSH 0\nJUMPI skip\nNOP\nskip:\nPUSH 1\nRET'),
  mgrow: program('PUSH 2\nMGROW\nRET', { memory: 'initial=0 max=2' }),
  mcopy: program('PUSH 0\nPUSH 100\nPUSH 40\nMCOPY\nPUSH 0\nRET'),
  sha256: program('PUSH 0\nPUSH 65\nPUSH 100\nSHA256\nPUSH 0\nRET'),
  keccak: program('PUSH 0\nPUSH 64\nPUSH 100\nKECCAK256\nPUSH 0\nRET'),
  poseidon: program('PUSH 0\nPUSH 3\nPUSH 100\nPOSEIDON\nPUSH 0\nRET'),
  merkle: program('PUSH 0\nPUSH 32\nPUSH 64\nPUSH 3\nPUSH 0\nMERKLE_VERIFY\nRET'),
  log: program('PUSH 0\nPUSH 10\nPUSH 1\nPUSH 2\nLOG 2\nPUSH 0\nRET', { caps: 'log.emit' }),
  storage: program('PUSH 0\nPUSH 7\nSSTORE\nPUSH 0\nSLOAD\nRET'),
  syscall: program('PUSH 1\nPUSH 2\nPUSH 3\nSYSCALL ESCROW_BALANCE\nRET', { caps: 'escrow.read' }),
  callf: program('CALLF g\nRET', { head: '.func g params=0 results=1 locals=0\nPUSH 4\nRET' }),
};

for (const [name, src] of Object.entries(BOUNDARY)) {
  test(`VM-GAS-004 ${name}: exactly enough gas succeeds, one less halts out_of_gas using the whole limit`, (t) => {
    const l = load(src);
    const full = runLoaded(l);
    t.is(full.status, 'ok');
    const exact = runLoaded(l, { gasLimit: full.gasUsed });
    t.is(exact.status, 'ok');
    t.is(exact.gasUsed, full.gasUsed);
    const short = runLoaded(l, { gasLimit: full.gasUsed - 1 });
    t.is(short.halt, 'out_of_gas');
    t.is(short.gasUsed, full.gasUsed - 1);
  });
}

test('VM-CALL-003 a nested call needs its whole grant left after G_CALL; unused gas returns', (t) => {
  const callee = load(program('LGET 0\nRET', { params: 1, memory: 'initial=0 max=0' }));
  const caller = load(program('PUSH 1\nPUSH 50\nPUSH 0\nPUSH 0\nCALL c\nPOP\nPOP\nRET', { caps: 'call', head: `.import c 0x${callee.lm.hashHex} main 1 1` }), callee.store);
  const full = runLoaded(caller);
  t.is(full.gasUsed, 4 + G_CALL + 3 + 2 + 2);
  // The whole grant of 50 must be left after the CALL's static charge, even though only 3 are used.
  t.is(runLoaded(caller, { gasLimit: 4 + G_CALL + 50 }).gasUsed, full.gasUsed);
  t.is(runLoaded(caller, { gasLimit: 4 + G_CALL + 49 }).halt, 'grant');
  t.is(runLoaded(caller, { gasLimit: full.gasUsed }).halt, 'grant', 'the gas used is less than what the grant needs');
});

test('VM-GAS-005 GAS pushes the gas left after its own charge', (t) => {
  t.deepEqual(runBody('NOP\nGAS\nRET', { gasLimit: 100 }).results, [100n - 1n - 1n]);
});

test('VM-GAS-001 a gas limit of 0 halts at the first charged instruction', (t) => {
  const r = runBody('PUSH 1\nRET', { gasLimit: 0 });
  t.is(r.halt, 'out_of_gas');
  t.is(r.gasUsed, 0);
});

test('VM-SYS-001 syscall gas is charged after the capability check', (t) => {
  const s = SYSCALLS.find((x) => x.name === 'CLOCK');
  const l = load(program('SYSCALL CLOCK\nRET', { caps: 'clock.read' }));
  t.is(runLoaded(l, { gasLimit: (s?.gas ?? 0) + 1 }).status, 'halt');
  t.is(runLoaded(l, { gasLimit: (s?.gas ?? 0) + 2 }).status, 'ok');
});

test('property VM-GAS-006: gas used never exceeds the limit; ok runs use the sum of their step costs', (t) => {
  const outcomes = new Set<string>();
  fc.assert(
    fc.property(bodyArb(25), fc.integer({ min: 0, max: 400 }), (body, limit) => {
      const r = runLoaded(load(program(body, { memory: 'initial=1 max=2' })), { gasLimit: limit, trace: true, stateRoot: false });
      outcomes.add(r.status === 'halt' ? (r.halt ?? '') : r.status);
      if (r.gasUsed > limit || r.gasUsed < 0) return false;
      if (r.status === 'halt' && r.gasUsed !== limit) return false;
      const sum = (r.trace ?? []).reduce((n, s) => n + s.gasCost, 0);
      return r.status === 'halt' ? sum <= limit : sum === r.gasUsed;
    }),
    { numRuns: 300 },
  );
  t.true(outcomes.has('ok'));
  t.true(outcomes.has('out_of_gas'));
});
