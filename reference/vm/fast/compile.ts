/**
 * Pre-decoding for the fast execution path: each validated function becomes a flat Int32Array of
 * fixed-size records `[op, arg, g1, g2]`, with jump targets resolved to record offsets, PUSH constants
 * moved to a constant pool, and the static gas of every basic block summed where the block is entered.
 * The result is cached per LoadedModule in a WeakMap. The reference interpreter does not read any of it.
 *
 * Gas blocks. A block is a maximal straight run of instructions that is entered only at its first one.
 * It ends after an instruction that transfers control (JUMP, JUMPI, RET, REVERT, TRAP), that runs other
 * code which itself uses gas (CALLF, CALL), or that reads or charges gas beyond its static amount (GAS,
 * SYSCALL, LOG, MGROW, MCOPY and the hashes); it also ends before every jump target. Because dynamic gas
 * is charged only by the last instruction of a block, charging the sum of a block's static gas on entry
 * leaves exactly the reference's gas at every point where gas is observed. When the gas left is below
 * the block's sum, the block is run instruction by instruction by the reference handlers instead
 * (run.ts, `meterBlock`), so an out-of-gas halt — or a trap that comes first — is the reference's own.
 */
import type { Instr } from '../instructions.ts';
import { opByName } from '../opcodes.ts';
import type { LoadedModule } from '../store.ts';
import type { JitFn } from './jit.ts';
import { stackEffect } from '../validate.ts';

/** Slots per record: op, arg, g1, g2. */
export const REC = 4;

/** Pseudo-op: enter a gas block reached by falling through from a plain instruction (g1 = block gas). */
export const OP_BLOCK = 0xf0;
/** Every PUSH width becomes one pool load (arg = pool index). */
export const OP_PUSHK = 0xf1;

/** Instructions that end a gas block and continue with the next instruction (which then charges g1). */
const ENDS_AND_CONTINUES: ReadonlySet<number> = new Set(
  ['CALLF', 'CALL', 'SYSCALL', 'LOG', 'GAS', 'MGROW', 'MCOPY', 'SHA256', 'KECCAK256', 'POSEIDON', 'MERKLE_VERIFY'].map(codeOf),
);
const JUMP = codeOf('JUMP');
const JUMPI = codeOf('JUMPI');

function codeOf(name: string): number {
  const info = opByName(name);
  if (!info) throw new Error(`internal assertion failed: no opcode ${name}`);
  return info.code;
}

export interface FastFunction {
  readonly fn: number;
  readonly params: number;
  readonly results: number;
  /** params + declared locals. */
  readonly localCount: number;
  readonly maxStack: number;
  /** Records of REC slots (see the file comment). */
  readonly code: Int32Array;
  /** PUSH constants: the value when below 2^53, else NaN with the bigint in poolBig. */
  readonly poolNum: Float64Array;
  readonly poolBig: readonly bigint[];
  /** Per record: index of its reference instruction in the analysis (-1 for OP_BLOCK). */
  readonly refIndex: Int32Array;
  /** Per record: operands the instruction pops (for delegation to the reference handlers). */
  readonly pops: Int32Array;
  /** Gas of the block that starts at the first instruction. */
  readonly entryGas: number;
  /** Its generated code (jit.ts), once it has been called. */
  jit: JitFn | undefined;
}

const cache = new WeakMap<LoadedModule, readonly FastFunction[]>();

/** The pre-decoded functions of a loaded (validated) module, built once per module. */
export function fastFunctions(lm: LoadedModule): readonly FastFunction[] {
  let fns = cache.get(lm);
  if (!fns) {
    fns = lm.module.functions.map((_, fi) => compileFunction(lm, fi));
    cache.set(lm, fns);
  }
  return fns;
}

const isTerminal = (ins: Instr): boolean => 'terminal' in ins.info && ins.info.terminal === true;
export const endsBlock = (ins: Instr): boolean => isTerminal(ins) || ins.info.code === JUMPI || ENDS_AND_CONTINUES.has(ins.info.code);

/** Which instructions start a block, and the static gas of each block (by the index of its first instruction). */
export function blocks(instrs: readonly Instr[], indexOfPc: ReadonlyMap<number, number>): { leader: boolean[]; gas: number[] } {
  const n = instrs.length;
  const leader = new Array<boolean>(n).fill(false);
  leader[0] = true;
  instrs.forEach((ins, i) => {
    if (ins.info.code === JUMP || ins.info.code === JUMPI) leader[indexOfPc.get(ins.arg) as number] = true;
    if (endsBlock(ins) && i + 1 < n) leader[i + 1] = true;
  });
  const gas = new Array<number>(n).fill(0);
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (leader[i]) start = i;
    gas[start] = (gas[start] as number) + (instrs[i] as Instr).info.gas;
  }
  return { leader, gas };
}

function compileFunction(lm: LoadedModule, fi: number): FastFunction {
  const def = lm.module.functions[fi];
  const an = lm.analyses[fi];
  if (!def || !an) throw new Error(`internal assertion failed: function ${fi} missing after validation`);
  const { instrs, indexOfPc } = an;
  const { leader, gas } = blocks(instrs, indexOfPc);

  // Layout: a BLOCK record before a leader that is reached by falling through a plain instruction.
  const blockBefore = instrs.map((_, i) => i > 0 && leader[i] === true && !endsBlock(instrs[i - 1] as Instr));
  const at: number[] = [];
  let records = 0;
  instrs.forEach((_, i) => {
    if (blockBefore[i]) records++;
    at[i] = records * REC;
    records++;
  });

  const code = new Int32Array(records * REC);
  const refIndex = new Int32Array(records).fill(-1);
  const pops = new Int32Array(records);
  const poolNum: number[] = [];
  const poolBig: bigint[] = [];
  const targetOf = (ins: Instr): number => indexOfPc.get(ins.arg) as number;
  instrs.forEach((ins, i) => {
    const ip = at[i] as number;
    if (blockBefore[i]) {
      code[ip - REC] = OP_BLOCK;
      code[ip - REC + 2] = gas[i] as number;
    }
    refIndex[ip / REC] = i;
    pops[ip / REC] = stackEffect(lm.module, def, ins).pops;
    let op = ins.info.code;
    let arg = ins.arg;
    let g1 = 0;
    let g2 = 0;
    if (ins.info.family === 'stack' && ins.info.name.startsWith('PUSH')) {
      op = OP_PUSHK;
      arg = poolNum.length;
      poolNum.push(ins.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ins.value) : Number.NaN);
      poolBig.push(ins.value);
    } else if (op === JUMP || op === JUMPI) {
      arg = at[targetOf(ins)] as number;
      g1 = gas[targetOf(ins)] as number;
      if (op === JUMPI) g2 = gas[i + 1] as number;
    } else if (ENDS_AND_CONTINUES.has(op)) {
      g1 = gas[i + 1] as number;
    }
    code.set([op, arg, g1, g2], ip);
  });

  return {
    fn: fi,
    params: def.params,
    results: def.results,
    localCount: def.params + def.locals,
    maxStack: def.maxStack,
    code,
    poolNum: Float64Array.from(poolNum),
    poolBig,
    refIndex,
    pops,
    entryGas: gas[0] as number,
    jit: undefined,
  };
}
