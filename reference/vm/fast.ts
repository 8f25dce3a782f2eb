/**
 * The fast execution path of CurveVM: `executeFast` has exactly the observable semantics of the
 * reference `execute` (interpreter.ts) — status, halt kind and detail, revert code, gas used, results,
 * return data, logs, state diff, state root, and the world's state afterwards — and is kept equal to it
 * by test/vm/fast-differential.test.ts, fast-slots.test.ts and fast-conformance.test.ts. The design is
 * in fast/compile.ts (pre-decoded records, gas per basic block), fast/slots.ts (small words as doubles),
 * fast/jit.ts (each function generated as JavaScript) and fast/run.ts (the machine: one slot region per
 * activation, every uncommon case delegated to the reference handlers). With `trace` it simply runs the reference.
 */
import { FastMachine } from './fast/run.ts';
import { execute, type CallOptions, type ExecResult, type MachineFactory } from './interpreter.ts';
import { opByName, type OpName } from './opcodes.ts';
import type { ModuleStore } from './store.ts';
import type { World } from './world.ts';

/** The instruction numbers fast/jit.ts uses; checked against the opcode table at load. */
const NATIVE = {
  NOP: 0x01, JUMP: 0x02, JUMPI: 0x03, CALLF: 0x04, RET: 0x05, GAS: 0x0a, SELECT: 0x0b, POP: 0x13, DUP: 0x14, SWAP: 0x15,
  LGET: 0x18, LSET: 0x19, LTEE: 0x1a, ADD: 0x20, SUB: 0x21, MUL: 0x22, DIV: 0x23, MOD: 0x24, ADDW: 0x25, SUBW: 0x26,
  MULW: 0x27, MIN: 0x2b, MAX: 0x2c, SADD: 0x30, SSUB: 0x31, SMUL: 0x32, SDIV: 0x33, SMOD: 0x34, SLT: 0x36, SGT: 0x37,
  SLE: 0x38, SGE: 0x39, EQ: 0x40, NE: 0x41, LT: 0x42, GT: 0x43, LE: 0x44, GE: 0x45, ISZERO: 0x46, AND: 0x48, OR: 0x49,
  XOR: 0x4a, SHL: 0x4c, SHR: 0x4d, SAR: 0x4e, MLOAD: 0x50, MSTORE: 0x51, MLOAD8: 0x52, MSTORE8: 0x53, MLOAD64: 0x54,
  MSTORE64: 0x55, MSIZE: 0x56, SYSCALL: 0x08, SLOAD: 0x60, SSTORE: 0x61, SLOAD8: 0x62, SSTORE8: 0x63, SLOAD64: 0x64,
  SSTORE64: 0x65,
} as const satisfies Partial<Record<OpName, number>>;
for (const [name, code] of Object.entries(NATIVE)) {
  if (opByName(name)?.code !== code) throw new Error(`internal assertion failed: fast path numbers ${name} 0x${code.toString(16)}`);
}

/** The machine of the running top-level fast call (set by `fastMachine`, released when the call ends). */
let current: FastMachine | undefined;
/** One factory for every call (a closure per call cost more than the machine, PFM1). */
const fastMachine: MachineFactory = (s, w, now, origin) => (current = new FastMachine(s, w, now, origin, false));

/** Run `entry` of a stored module like `execute`, on the fast path (see the file comment). */
export function executeFast(store: ModuleStore, world: World, moduleHash: string, entry: string, args: readonly bigint[], opts: CallOptions): ExecResult {
  // A trace or a pause needs the reference loop's per-instruction hooks.
  if (opts.trace === true || opts.pauseAt !== undefined) return execute(store, world, moduleHash, entry, args, opts);
  const outer = current;
  current = undefined;
  try {
    return execute(store, world, moduleHash, entry, args, opts, fastMachine);
  } finally {
    (current as FastMachine | undefined)?.release(); // set by fastMachine during the call
    current = outer;
  }
}
