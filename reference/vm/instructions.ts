/**
 * Instruction decoding shared by the validator, the interpreters, the disassembler and the symbolic
 * executor: one pass over a function body into {pc, op, arg, value} records.
 */
import { IMM_WIDTH, OP_BY_CODE, type OpInfo } from './opcodes.ts';
import { readUintLE } from '../lib/u128.ts';

export interface Instr {
  /** Byte offset inside the function body. */
  readonly pc: number;
  readonly info: OpInfo;
  /** First immediate when it is a u8/u16/u32 (jump target, index, depth…), else 0. */
  readonly arg: number;
  /** PUSH constant (every PUSH width), else 0n. */
  readonly value: bigint;
  /** Byte offset of the next instruction. */
  readonly next: number;
}

export type DecodeProblem =
  | { readonly kind: 'invalid_opcode'; readonly pc: number; readonly code: number }
  | { readonly kind: 'truncated'; readonly pc: number; readonly name: string };

/** Decode a whole body; stops at the first problem. */
export function decodeBody(code: Uint8Array): { instrs: Instr[]; problem?: DecodeProblem } {
  const instrs: Instr[] = [];
  let pc = 0;
  while (pc < code.length) {
    const byte = code[pc] as number;
    const info = OP_BY_CODE[byte];
    if (!info) return { instrs, problem: { kind: 'invalid_opcode', pc, code: byte } };
    let p = pc + 1;
    let arg = 0;
    let value = 0n;
    for (const k of info.imm) {
      const w = IMM_WIDTH[k];
      if (p + w > code.length) return { instrs, problem: { kind: 'truncated', pc, name: info.name } };
      const v = readUintLE(code, p, w);
      if (k === 'u64' || k === 'u128' || info.family === 'stack') value = v;
      else arg = Number(v);
      p += w;
    }
    if (info.name === 'DUP' || info.name === 'SWAP') arg = Number(value);
    instrs.push({ pc, info, arg, value, next: p });
    pc = p;
  }
  return { instrs };
}
