/**
 * The disassembler: module → `.casm` text that assembles back to the same bytes (VM-ASM-002). Functions
 * are named f0, f1…, imports imp0…, jump targets L<pc>; maxstack is always written so that even a module
 * the validator rejects round-trips; undecodable tails are written as `.raw`.
 */
import { bytesToHex } from '../lib/hex.ts';
import { CAP_ALL, capNames } from './capabilities.ts';
import { decodeBody, type Instr } from './instructions.ts';
import type { Module } from './module.ts';
import { syscallById } from './syscalls.ts';

export function disassemble(m: Module): string {
  const out: string[] = [];
  out.push(`.memory initial=${m.memory.initialPages} max=${m.memory.maxPages} storage=${m.memory.storageBytes}`);
  out.push(`.caps ${capMaskText(m.caps)}`);
  m.imports.forEach((imp, i) => out.push(`.import imp${i} 0x${bytesToHex(imp.module)} ${imp.entry} ${imp.params} ${imp.results}`));
  for (const d of m.data) out.push(`.data ${d.offset} 0x${bytesToHex(d.bytes)}`);
  m.functions.forEach((f, fi) => {
    out.push('');
    out.push(`.func f${fi} params=${f.params} results=${f.results} locals=${f.locals} maxstack=${f.maxStack}`);
    const { instrs, problem } = decodeBody(f.code);
    const targets = new Set<number>();
    for (const ins of instrs) if (ins.info.name === 'JUMP' || ins.info.name === 'JUMPI') targets.add(ins.arg);
    const boundaries = new Set(instrs.map((i) => i.pc));
    for (const ins of instrs) {
      if (targets.has(ins.pc)) out.push(`L${ins.pc}:`);
      out.push(`  ${instrText(m, ins, boundaries)}`);
    }
    if (problem) out.push(`  .raw 0x${bytesToHex(f.code.subarray(problem.pc))}`);
  });
  if (m.entries.length) out.push('');
  for (const e of m.entries) {
    const fn = e.func < m.functions.length ? `f${e.func}` : String(e.func); // a missing function by number
    out.push(`.entry ${e.name} ${fn} (${e.params.join(' ')}) -> (${e.results.join(' ')})`);
  }
  return out.join('\n') + '\n';
}

/** Capability names, or the numeric mask when it has bits no name stands for. */
function capMaskText(mask: number): string {
  if ((mask & ~CAP_ALL) !== 0) return `0x${(mask >>> 0).toString(16)}`;
  return mask === 0 ? 'none' : capNames(mask).join(',');
}

function instrText(m: Module, ins: Instr, boundaries: ReadonlySet<number>): string {
  const n = ins.info.name;
  switch (n) {
    case 'PUSH8':
    case 'PUSH64':
    case 'PUSH128':
      return `${n} 0x${ins.value.toString(16)}`;
    case 'JUMP':
    case 'JUMPI':
      return boundaries.has(ins.arg) ? `${n} L${ins.arg}` : `${n} ${ins.arg}`;
    case 'CALLF':
      return ins.arg < m.functions.length ? `${n} f${ins.arg}` : `${n} ${ins.arg}`;
    case 'CALL':
      return ins.arg < m.imports.length ? `${n} imp${ins.arg}` : `${n} ${ins.arg}`;
    case 'SYSCALL':
      return `${n} ${syscallById(ins.arg)?.name ?? ins.arg}`;
    default:
      return ins.info.imm.length ? `${n} ${ins.arg}` : n;
  }
}
