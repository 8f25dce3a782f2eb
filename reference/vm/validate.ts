/**
 * Static validation of a decoded module (spec/curvevm.md §4, VM-VAL-*). A module that passes can never
 * underflow its operand stack, jump into the middle of an instruction, read a local that does not
 * exist, recurse, or use an operation whose capability it did not declare. Each rule has an id; the
 * first broken rule is reported as a ValidationError with the byte offset of the offending instruction.
 */
import { ValidationError } from '../lib/errors.ts';
import { CAP, CAP_ALL } from './capabilities.ts';
import { decodeBody, type Instr } from './instructions.ts';
import { MAX_PAGES, PAGE_BYTES, SECTION, SEGMENT_LIMIT_BYTES, type DecodedModule, type FunctionDef, type Module } from './module.ts';
import { syscallById } from './syscalls.ts';

export const MAX_STACK = 1024;
export const MAX_LOCALS = 1024;
export const MAX_LOG_TOPICS = 4;

/** The stack effect of one instruction in the context of its module. */
export function stackEffect(m: Module, f: FunctionDef, ins: Instr): { pops: number; pushes: number } {
  const { info } = ins;
  switch (info.name) {
    case 'CALLF': {
      const g = m.functions[ins.arg];
      return g ? { pops: g.params, pushes: g.results } : { pops: 0, pushes: 0 };
    }
    case 'CALL': {
      const imp = m.imports[ins.arg];
      return imp ? { pops: imp.params + 3, pushes: imp.results + 2 } : { pops: 0, pushes: 0 };
    }
    case 'SYSCALL': {
      const s = syscallById(ins.arg);
      return s ? { pops: s.params.length, pushes: s.results.length } : { pops: 0, pushes: 0 };
    }
    case 'LOG':
      return { pops: 2 + ins.arg, pushes: 0 };
    case 'RET':
      return { pops: f.results, pushes: 0 };
    case 'DUP':
      return { pops: ins.arg + 1, pushes: ins.arg + 2 };
    case 'SWAP':
      return { pops: ins.arg + 1, pushes: ins.arg + 1 };
    default:
      return { pops: info.pops as number, pushes: info.pushes as number };
  }
}

export interface FunctionAnalysis {
  readonly instrs: readonly Instr[];
  /** Operand stack height before each instruction, indexed like `instrs`. */
  readonly heights: readonly number[];
  readonly maxStack: number;
  /** pc → index in `instrs`. */
  readonly indexOfPc: ReadonlyMap<number, number>;
}

/**
 * Decode and check one function; returns its analysis. `base` is the byte offset of the body inside the
 * module (for messages). Used by the validator, and by the assembler to compute maxStack.
 */
export function analyzeFunction(m: Module, fi: number, base = 0): FunctionAnalysis {
  const f = m.functions[fi] as FunctionDef;
  const fail = (rule: string, msg: string, pc: number): never => {
    throw new ValidationError(rule, `function ${fi}: ${msg}`, base + pc);
  };
  const { instrs, problem } = decodeBody(f.code);
  if (problem?.kind === 'invalid_opcode') fail('VM-VAL-OP-001', `invalid opcode 0x${problem.code.toString(16).padStart(2, '0')}`, problem.pc);
  if (problem?.kind === 'truncated') fail('VM-VAL-OP-002', `truncated immediate of ${problem.name}`, problem.pc);
  if (instrs.length === 0) fail('VM-VAL-FLOW-001', 'empty body (a body must end with RET, JUMP, REVERT or TRAP)', 0);
  if (f.params + f.locals > MAX_LOCALS) fail('VM-VAL-LOCAL-002', `${f.params + f.locals} locals exceed ${MAX_LOCALS}`, 0);

  const indexOfPc = new Map<number, number>();
  instrs.forEach((ins, i) => indexOfPc.set(ins.pc, i));

  // Per-instruction immediate checks (VM-VAL-IMM-*, VM-VAL-CAP-002).
  for (const ins of instrs) {
    const { info, arg, pc } = ins;
    switch (info.name) {
      case 'JUMP':
      case 'JUMPI':
        if (!indexOfPc.has(arg)) fail('VM-VAL-JUMP-001', `jump target ${arg} is not an instruction boundary of this function`, pc);
        break;
      case 'LGET':
      case 'LSET':
      case 'LTEE':
        if (arg >= f.params + f.locals) fail('VM-VAL-LOCAL-001', `local ${arg} out of range (${f.params + f.locals} declared)`, pc);
        break;
      case 'CALLF':
        if (arg >= m.functions.length) fail('VM-VAL-CALL-002', `CALLF to missing function ${arg}`, pc);
        break;
      case 'CALL':
        if (arg >= m.imports.length) fail('VM-VAL-CALL-003', `CALL of missing import ${arg}`, pc);
        if ((m.caps & CAP.call) === 0) fail('VM-VAL-CAP-002', 'CALL used but capability `call` not declared', pc);
        break;
      case 'SYSCALL': {
        const s = syscallById(arg);
        if (!s) fail('VM-VAL-SYS-001', `unknown syscall 0x${arg.toString(16)}`, pc);
        else if (s.cap && (m.caps & CAP[s.cap]) === 0) fail('VM-VAL-CAP-002', `${s.name} needs capability \`${s.cap}\`, not declared`, pc);
        break;
      }
      case 'LOG':
        if (arg > MAX_LOG_TOPICS) fail('VM-VAL-IMM-001', `LOG with ${arg} topics (at most ${MAX_LOG_TOPICS})`, pc);
        if ((m.caps & CAP['log.emit']) === 0) fail('VM-VAL-CAP-002', 'LOG used but capability `log.emit` not declared', pc);
        break;
      case 'SWAP':
        if (arg === 0) fail('VM-VAL-IMM-002', 'SWAP 0 is not an instruction (use SWAP n with n ≥ 1)', pc);
        break;
      default:
        break;
    }
  }

  // Stack heights by abstract interpretation over the control-flow graph (VM-VAL-STACK-*).
  const heights: (number | undefined)[] = new Array(instrs.length).fill(undefined);
  const work: number[] = [0];
  heights[0] = 0;
  let maxStack = 0;
  const flowTo = (from: Instr, idx: number | undefined, h: number): void => {
    if (idx === undefined) fail('VM-VAL-FLOW-001', 'control falls off the end of the body', from.pc);
    const target = idx as number;
    const seen = heights[target];
    if (seen === undefined) {
      heights[target] = h;
      work.push(target);
    } else if (seen !== h) {
      fail('VM-VAL-STACK-002', `stack height ${h} differs from ${seen} at the merge at ${(instrs[target] as Instr).pc}`, from.pc);
    }
  };
  while (work.length > 0) {
    const i = work.pop() as number;
    const ins = instrs[i] as Instr;
    const h = heights[i] as number;
    const { pops, pushes } = stackEffect(m, f, ins);
    if (h < pops) fail('VM-VAL-STACK-001', `${ins.info.name} needs ${pops} operand(s), stack has ${h}`, ins.pc);
    if (ins.info.name === 'RET' && h !== f.results) fail('VM-VAL-STACK-003', `RET with ${h} operand(s), function returns ${f.results}`, ins.pc);
    const after = h - pops + pushes;
    if (after > MAX_STACK) fail('VM-VAL-STACK-004', `stack height ${after} exceeds ${MAX_STACK}`, ins.pc);
    maxStack = Math.max(maxStack, after, h);
    if (ins.info.name === 'JUMP' || ins.info.name === 'JUMPI') flowTo(ins, indexOfPc.get(ins.arg), after);
    if (!('terminal' in ins.info && ins.info.terminal)) flowTo(ins, i + 1 < instrs.length ? i + 1 : undefined, after);
  }
  const unreachable = heights.findIndex((h) => h === undefined);
  if (unreachable >= 0) fail('VM-VAL-FLOW-002', 'unreachable instruction', (instrs[unreachable] as Instr).pc);
  return { instrs, heights: heights as number[], maxStack, indexOfPc };
}

/** Validate a whole decoded module (VM-VAL-*). Returns per-function analyses for loaders. */
export function validateModule(d: DecodedModule): FunctionAnalysis[] {
  const m = d.module;
  const fail = (rule: string, msg: string, at = 0): never => {
    throw new ValidationError(rule, msg, at);
  };
  const at = d.offsets;
  const sec = (id: number): number => at.sections[id] ?? 0;
  if ((m.caps & ~CAP_ALL) !== 0) fail('VM-VAL-CAP-001', `undefined capability bits 0x${(m.caps & ~CAP_ALL).toString(16)}`, sec(SECTION.CAPS));
  const mem = m.memory;
  if (mem.maxPages > MAX_PAGES) fail('VM-VAL-MEM-001', `maxPages ${mem.maxPages} exceeds ${MAX_PAGES} (10 MiB)`, sec(SECTION.MEMORY) + 2);
  if (mem.initialPages > mem.maxPages) fail('VM-VAL-MEM-001', `initialPages ${mem.initialPages} exceeds maxPages ${mem.maxPages}`, sec(SECTION.MEMORY));
  if (mem.storageBytes > SEGMENT_LIMIT_BYTES) fail('VM-VAL-MEM-002', `storage segment of ${mem.storageBytes} bytes exceeds 10 MiB`, sec(SECTION.MEMORY) + 4);
  if (mem.storageBytes % 16 !== 0) fail('VM-VAL-MEM-003', `storage segment of ${mem.storageBytes} bytes is not a whole number of 16-byte words`, sec(SECTION.MEMORY) + 4);
  let dataEnd = 0;
  m.data.forEach((seg, i) => {
    if (seg.offset < dataEnd) fail('VM-VAL-DATA-001', `data segment at ${seg.offset} overlaps or is out of order`, at.data[i] ?? 0);
    dataEnd = seg.offset + seg.bytes.length;
    if (dataEnd > mem.initialPages * PAGE_BYTES) fail('VM-VAL-DATA-002', `data segment ending at ${dataEnd} lies outside the initial memory`, at.data[i] ?? 0);
  });
  const importKeys = new Set<string>();
  m.imports.forEach((imp, i) => {
    const key = Array.from(imp.module).join(',') + ':' + imp.entry;
    if (importKeys.has(key)) fail('VM-VAL-IMPORT-001', `duplicate import of ${imp.entry}`, at.imports[i] ?? 0);
    importKeys.add(key);
  });
  if (m.functions.length === 0) fail('VM-VAL-FUNC-001', 'a module has at least one function', sec(SECTION.FUNCS));
  let prev = '';
  m.entries.forEach((e, i) => {
    const where = at.entries[i] ?? 0;
    if (e.name <= prev) fail('VM-VAL-ENTRY-001', `entry names must be unique and sorted: ${JSON.stringify(e.name)} after ${JSON.stringify(prev)}`, where);
    prev = e.name;
    const f = m.functions[e.func];
    if (!f) fail('VM-VAL-ENTRY-002', `entry ${e.name} names missing function ${e.func}`, where);
    else if (f.params !== e.params.length || f.results !== e.results.length)
      fail('VM-VAL-ENTRY-003', `entry ${e.name} declares ${e.params.length}→${e.results.length} but function ${e.func} is ${f.params}→${f.results}`, where);
  });
  const analyses = m.functions.map((f, i) => {
    const base = d.codeOffsets[i] ?? 0;
    const a = analyzeFunction(m, i, base);
    if (a.maxStack !== f.maxStack) fail('VM-VAL-STACK-005', `function ${i} declares maxStack ${f.maxStack}, computed ${a.maxStack}`, base - 6);
    return a;
  });
  checkNoRecursion(m, analyses, d.codeOffsets);
  return analyses;
}

/** CALLF graph must be acyclic (VM-VAL-CALL-001): internal call depth is then statically bounded. */
function checkNoRecursion(m: Module, analyses: readonly FunctionAnalysis[], offsets: readonly number[]): void {
  const state = new Uint8Array(m.functions.length); // 0 new, 1 on stack, 2 done
  const visit = (fi: number): void => {
    state[fi] = 1;
    for (const ins of (analyses[fi] as FunctionAnalysis).instrs) {
      if (ins.info.name !== 'CALLF') continue;
      if (state[ins.arg] === 1) throw new ValidationError('VM-VAL-CALL-001', `function ${fi} calls ${ins.arg}: recursion is not allowed`, (offsets[fi] ?? 0) + ins.pc);
      if (state[ins.arg] === 0) visit(ins.arg);
    }
    state[fi] = 2;
  };
  for (let i = 0; i < m.functions.length; i++) if (state[i] === 0) visit(i);
}
