/**
 * One instruction of the symbolic executor, in the interpreter's order (reference/vm/handlers.ts): static
 * gas from the opcode table, operands, dynamic gas, the operation, the next instruction. Every opcode of
 * the table has a case here (`satisfies Record<OpName, …>`, like the interpreter's handlers). A trap
 * whose condition is symbolic splits off a halted path; a symbolic `JUMPI` is returned to the explorer
 * as a fork.
 */
import { Halt, type HaltKind } from '../../../reference/vm/halts.ts';
import { CAP } from '../../../reference/vm/capabilities.ts';
import * as G from '../../../reference/vm/gas.ts';
import { MAX_FUNCTION_FRAMES } from '../../../reference/vm/interpreter.ts';
import type { Instr } from '../../../reference/vm/instructions.ts';
import { MAX_PAGES, PAGE_BYTES } from '../../../reference/vm/module.ts';
import type { OpName } from '../../../reference/vm/opcodes.ts';
import { MERKLE_MAX_DEPTH, POSEIDON_MAX_INPUTS, keccak256, poseidon, sha256, verifyMerkle } from '../../../reference/vm/precompiles.ts';
import type { BinaryOpName } from '../../../reference/vm/semantics.ts';
import { syscallById, type SyscallName } from '../../../reference/vm/syscalls.ts';
import type { LoadedModule } from '../../../reference/vm/store.ts';
import { bigToBytesBE, bytesToBigBE } from '../../../reference/lib/u128.ts';
import { Unsupported, type CallEnv } from './custody.ts';
import { calleeFacts, type CalleeFacts } from './summary.ts';
import type { PathEnd, SymFrame, SymState } from './state.ts';
import type { OpResult, SymWord, TrapCond, Words, ZBool } from './word.ts';

export interface StepContext {
  readonly w: Words;
  readonly lm: LoadedModule;
  readonly env: CallEnv;
  readonly gasLimit: SymWord;
  /** Effective capabilities of the call. */
  readonly caps: number;
  /** Memory grant in pages. */
  readonly budgetPages: number;
  /** The pre-state a halted or reverted path leaves behind. */
  readonly preStorage: SymState['storage'];
  readonly preHost: SymState['host'];
  nextEventId: number;
  freshCount: number;
  /** Replace custody-free looping or calling CALLF callees by their havoc summary (summary.ts). */
  readonly summarise: boolean;
  /** Every storage read (address, width) on any path: the replay materialises the pre-state there. */
  /** Storage reads (the path condition at each: its bounds give a symbolic address's linear form, linear.ts). */
  readonly reads: { readonly addr: SymWord; readonly width: number; readonly pc?: ZBool | boolean }[];
  /** MULDIV with symbolic operands: `exact` (the 256-bit term inline) or `defined` (word.ts muldivDefined). */
  readonly muldiv: 'exact' | 'defined';
  /** Definitions of fresh words (`defined` MULDIVs), each guarded by the path condition where it ran. */
  readonly defs: Definition[];
  /** Storage segments left by havoc summaries. */
  readonly havocs: SymState['storage'][];
}

/** A fresh word's definition: `def` holds wherever `guard` (the path condition at its instruction) does. */
export interface Definition {
  readonly guard: ZBool | boolean;
  /** guard → definition: true in every execution, a conjunct every query may add. */
  readonly def: ZBool;
}

export type StepOut = { readonly ends: PathEnd[]; readonly fork?: { readonly cond: ZBool; readonly target: number }; readonly done?: boolean };

/** Thrown inside a step: the path halts (concretely) here. */
class HaltHere {
  constructor(readonly kind: HaltKind) {}
}
class RevertHere {
  constructor(readonly code: SymWord) {}
}

interface Cur {
  readonly x: StepContext;
  readonly s: SymState;
  readonly f: SymFrame;
  readonly ins: Instr;
  readonly ends: PathEnd[];
}

const pop = (c: Cur): SymWord => {
  const v = c.f.stack.pop();
  if (v === undefined) throw new Error('internal assertion failed: symbolic stack underflow after validation');
  return v;
};
const push = (c: Cur, v: SymWord): void => {
  c.f.stack.push(v);
};

function haltEnd(c: Cur, pc: ZBool | boolean, kind: HaltKind): PathEnd {
  // gasUsed is the gas at the trap until explore.ts finish() splits off gas exhaustion before it (a halt then reports the whole limit)
  const gasUsed = kind === 'out_of_gas' ? c.x.gasLimit : c.s.gasUsed;
  return { kind: 'halt', pc, halt: kind, results: [], storage: c.x.preStorage, host: c.x.preHost, gasUsed, events: c.s.events, paths: 1, at: { fn: c.f.fn, pc: c.ins.pc } };
}

/** Split off one halted path per trap condition (in order); the state continues where none holds. */
function traps(c: Cur, conds: readonly TrapCond[]): void {
  const w = c.x.w;
  for (const t of conds) {
    c.ends.push(haltEnd(c, w.and(c.s.pc, t.cond), t.kind));
    c.s.pc = w.and(c.s.pc, w.not(t.cond));
  }
}

function value(c: Cur, r: OpResult): void {
  if ('halt' in r) throw new HaltHere(r.halt);
  traps(c, r.traps);
  push(c, r.value);
}

function use(c: Cur, amount: SymWord): void {
  const s = c.s;
  s.gasUsed = c.x.w.add(s.gasUsed, amount);
  if (typeof s.gasUsed === 'bigint' && typeof c.x.gasLimit === 'bigint' && s.gasUsed > c.x.gasLimit) throw new HaltHere('out_of_gas');
}

function requireCap(c: Cur, cap: number): void {
  if ((c.x.caps & cap) === 0) throw new HaltHere('capability');
}

const concreteOr = (v: SymWord, what: string): bigint => {
  if (typeof v !== 'bigint') throw new Unsupported(`symbolic ${what}`);
  return v;
};

/** Bounds check of [addr, addr+len) against `size` bytes (VM-MEM-003), trapping with `kind`. */
function bounds(c: Cur, addr: SymWord, len: SymWord, size: number, kind: HaltKind): void {
  if (typeof addr === 'bigint' && typeof len === 'bigint') {
    if (addr + len > BigInt(size)) throw new HaltHere(kind);
    return;
  }
  const w = c.x.w;
  const wide = (v: SymWord) => w.bv(v).zeroExt(1);
  traps(c, [{ cond: wide(addr).add(wide(len)).ugt(BigInt(size)), kind }]);
}

const memSize = (c: Cur): number => c.s.memPages * PAGE_BYTES;

/** A length operand no larger than the memory (else memory_oob), as a number. */
function memLength(c: Cur, len: SymWord): number {
  const n = concreteOr(len, 'length operand');
  if (n > BigInt(memSize(c))) throw new HaltHere('memory_oob');
  return Number(n);
}

const memLoad = (width: number) => (c: Cur) => {
  const at = pop(c);
  bounds(c, at, BigInt(width), memSize(c), 'memory_oob');
  push(c, c.s.memory.load(at, width));
};
const memStore = (width: number) => (c: Cur) => {
  const v = pop(c);
  const at = pop(c);
  bounds(c, at, BigInt(width), memSize(c), 'memory_oob');
  c.s.memory.store(at, width, v);
};
const storBytes = (c: Cur): number => c.x.lm.module.memory.storageBytes;
const storLoad = (width: number) => (c: Cur) => {
  const at = pop(c);
  bounds(c, at, BigInt(width), storBytes(c), 'storage_oob');
  c.x.reads.push({ addr: at, width, pc: c.s.pc });
  push(c, c.s.storage.load(at, width, c.s.pc, storBytes(c)));
};
const storStore = (width: number) => (c: Cur) => {
  const v = pop(c);
  const at = pop(c);
  bounds(c, at, BigInt(width), storBytes(c), 'storage_oob');
  // the path condition bounds a symbolic address (ByteStore.within drops writes it proves outside a region)
  c.s.storage.store(at, width, v, c.s.pc, storBytes(c));
};
const bin = (name: BinaryOpName) => (c: Cur) => {
  const b = pop(c);
  const a = pop(c);
  value(c, c.x.w.binary(name, a, b));
};

/** Fresh unconstrained bytes (a hash of symbolic input: an over-approximation, see spec/symexec.md). */
function freshBytes(c: Cur, at: number, n: number): void {
  const v = c.x.w.fresh(`hash${c.x.freshCount++}`, 8 * n);
  for (let i = 0; i < n; i += 16) c.s.memory.store(BigInt(at + i), Math.min(16, n - i), v.extract(Math.min(8 * n, 8 * i + 128) - 1, 8 * i));
}

const hashOp = (fn: (d: Uint8Array) => Uint8Array, perWord: number) => (c: Cur) => {
  const out = pop(c);
  const len = pop(c);
  const ptr = pop(c);
  const n = memLength(c, len);
  use(c, BigInt(perWord * G.words32(n)));
  const src = Number(concreteOr(ptr, 'hash input address'));
  bounds(c, ptr, BigInt(n), memSize(c), 'memory_oob');
  bounds(c, out, 32n, memSize(c), 'memory_oob');
  const dst = Number(concreteOr(out, 'hash output address'));
  const bytes = c.s.memory.concreteBytes(src, n);
  if (bytes) {
    const h = fn(bytes);
    for (let i = 0; i < 32; i += 16) c.s.memory.store(BigInt(dst + i), 16, bytesToBigLE(h.subarray(i, i + 16)));
  } else freshBytes(c, dst, 32);
};

function bytesToBigLE(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
  return v;
}

function concreteMem(c: Cur, at: number, n: number): Uint8Array {
  const b = c.s.memory.concreteBytes(at, n);
  if (!b) throw new Unsupported('precompile over symbolic memory');
  return b;
}

type Op = (c: Cur) => void;

function mulDiv(c: Cur, rounding: 'down' | 'up'): void {
  const d = pop(c);
  const b = pop(c);
  const a = pop(c);
  if (c.x.muldiv === 'exact') return value(c, c.x.w.muldiv(a, b, d, rounding));
  const r = c.x.w.muldivDefined(a, b, d, rounding, `muldiv${c.x.freshCount++}.q`);
  if ('def' in r && r.def) c.x.defs.push({ guard: c.s.pc, def: c.s.pc === true ? r.def : c.x.w.ctx.Implies(c.x.w.bool(c.s.pc), r.def) });
  value(c, r);
}

/** The havoc summary of an internal call (summary.ts): fresh results and gas, written state havocked. */
function havocCall(c: Cur, facts: CalleeFacts, results: number, args: readonly SymWord[]): void {
  const w = c.x.w;
  const n = c.x.freshCount++;
  const pre = c.s.host;
  c.s.gasUsed = w.add(c.s.gasUsed, w.fresh(`callf${n}.gas`));
  if (facts.writesStorage) {
    c.s.storage = c.s.storage.havoc(`callf${n}.storage`);
    c.x.havocs.push(c.s.storage);
  }
  if (facts.writesMemory) c.s.memory = c.s.memory.havoc(`callf${n}.memory`);
  if (facts.calls) c.s.host = c.s.host.afterCall(n);
  const out = Array.from({ length: results }, (_, i) => w.fresh(`callf${n}.result${i}`));
  c.s.events = [...c.s.events, { id: c.x.nextEventId++, name: 'CALLF', pcOffset: c.ins.pc, fn: c.f.fn, args, results: out, guard: c.s.pc, pre, post: c.s.host }];
  for (const r of out) push(c, r);
}

const OPS = {
  TRAP: () => {
    throw new HaltHere('unreachable');
  },
  NOP: () => {},
  JUMP: (c) => {
    c.f.next = c.f.an.indexOfPc.get(c.ins.arg) as number;
  },
  JUMPI: () => {
    throw new Error('internal: JUMPI is handled by step()');
  },
  CALLF: (c) => {
    const callee = c.x.lm.module.functions[c.ins.arg];
    const an = c.x.lm.analyses[c.ins.arg];
    if (!callee || !an) throw new Error('internal assertion failed: CALLF target');
    if (c.s.frames.length >= MAX_FUNCTION_FRAMES) throw new HaltHere('call_depth');
    const args = c.f.stack.splice(c.f.stack.length - callee.params, callee.params);
    if (c.x.summarise) {
      const facts = calleeFacts(c.x.lm, c.ins.arg);
      if (facts.summarise) return havocCall(c, facts, callee.results, args);
    }
    c.s.frames.push({ fn: c.ins.arg, an, stack: [], locals: [...args, ...new Array<SymWord>(callee.locals).fill(0n)], next: 0 });
  },
  RET: (c) => {
    c.s.frames.pop();
    const caller = c.s.frames[c.s.frames.length - 1];
    if (caller) caller.stack.push(...c.f.stack);
    else c.s.returned = [...c.f.stack];
  },
  REVERT: (c) => {
    throw new RevertHere(pop(c));
  },
  CALL: (c) => {
    // The callee is not executed: its results, status, code and gas are free (status ∈ {ok, revert, halt},
    // gas ≤ its grant) and the custody is havocked — an over-approximation (spec/symexec.md "CALL").
    requireCap(c, CAP.call);
    const imp = c.x.lm.module.imports[c.ins.arg];
    if (!imp) throw new Error('internal assertion failed: CALL import');
    const w = c.x.w;
    const caps = pop(c);
    const pages = pop(c);
    const gas = pop(c);
    c.f.stack.splice(c.f.stack.length - imp.params, imp.params);
    const outside = w.binary('AND', caps, BigInt(~c.x.caps & 0xffffffff));
    const foreign = 'value' in outside ? w.truthy(outside.value) : false;
    if (foreign === true) throw new HaltHere('capability');
    if (foreign !== false) traps(c, [{ cond: foreign, kind: 'capability' }]);
    const left = typeof c.x.gasLimit === 'bigint' && typeof c.s.gasUsed === 'bigint' ? c.x.gasLimit - c.s.gasUsed : w.bv(c.x.gasLimit).sub(w.bv(c.s.gasUsed));
    const grant = [w.ult(left, gas), w.ult(BigInt(c.x.budgetPages - c.s.memPages), pages)];
    for (const g of grant) {
      if (g === true) throw new HaltHere('grant');
      if (g !== false) traps(c, [{ cond: g, kind: 'grant' }]);
    }
    const n = c.x.freshCount++;
    const status = w.fresh(`call${n}.status`);
    const used = w.fresh(`call${n}.gas`);
    c.s.pc = w.and(c.s.pc, status.ule(2n), used.ule(w.bv(gas)));
    c.s.gasUsed = w.add(c.s.gasUsed, used);
    const ok = status.eq(w.ctx.BitVec.val(0n, 128));
    for (let i = 0; i < imp.results; i++) push(c, w.ite(ok, w.fresh(`call${n}.result${i}`), 0n));
    push(c, w.ite(ok, 0n, w.fresh(`call${n}.code`)));
    push(c, status);
    c.s.host = c.s.host.afterCall(n);
  },
  SYSCALL: (c) => {
    const sc = syscallById(c.ins.arg);
    if (!sc) throw new Error('internal assertion failed: syscall after validation');
    if (sc.cap) requireCap(c, CAP[sc.cap]);
    use(c, BigInt(sc.gas));
    const args = c.f.stack.splice(c.f.stack.length - sc.params.length, sc.params.length);
    const pre = c.s.host;
    const { host, out } = pre.syscall(sc, args, c.x.env);
    if (out.halt) throw new HaltHere(out.halt);
    traps(c, out.traps);
    c.s.host = host;
    c.s.events = [...c.s.events, { id: c.x.nextEventId++, name: sc.name as SyscallName, pcOffset: c.ins.pc, fn: c.f.fn, args, results: out.results, guard: c.s.pc, pre, post: host }];
    for (const r of out.results) push(c, r);
  },
  LOG: (c) => {
    requireCap(c, CAP['log.emit']);
    c.f.stack.splice(c.f.stack.length - c.ins.arg, c.ins.arg);
    const len = pop(c);
    const ptr = pop(c);
    const n = memLength(c, len);
    use(c, BigInt(G.G_LOG_TOPIC * c.ins.arg + G.G_LOG_BYTE * n));
    bounds(c, ptr, BigInt(n), memSize(c), 'memory_oob');
  },
  GAS: (c) => {
    const [limit, used] = [c.x.gasLimit, c.s.gasUsed];
    push(c, typeof limit === 'bigint' && typeof used === 'bigint' ? limit - used : c.x.w.bv(limit).sub(c.x.w.bv(used)));
  },
  SELECT: (c) => {
    const k = pop(c);
    const b = pop(c);
    const a = pop(c);
    push(c, c.x.w.ite(c.x.w.truthy(k), a, b));
  },
  PUSH8: (c) => push(c, c.ins.value),
  PUSH64: (c) => push(c, c.ins.value),
  PUSH128: (c) => push(c, c.ins.value),
  POP: (c) => void pop(c),
  DUP: (c) => push(c, c.f.stack[c.f.stack.length - 1 - c.ins.arg] as SymWord),
  SWAP: (c) => {
    const st = c.f.stack;
    const top = st.length - 1;
    const other = top - c.ins.arg;
    [st[top], st[other]] = [st[other] as SymWord, st[top] as SymWord];
  },
  LGET: (c) => push(c, c.f.locals[c.ins.arg] as SymWord),
  LSET: (c) => {
    c.f.locals[c.ins.arg] = pop(c);
  },
  LTEE: (c) => {
    c.f.locals[c.ins.arg] = c.f.stack[c.f.stack.length - 1] as SymWord;
  },
  ADD: bin('ADD'),
  SUB: bin('SUB'),
  MUL: bin('MUL'),
  DIV: bin('DIV'),
  MOD: bin('MOD'),
  ADDW: bin('ADDW'),
  SUBW: bin('SUBW'),
  MULW: bin('MULW'),
  MULDIV_DOWN: (c) => mulDiv(c, 'down'),
  MULDIV_UP: (c) => mulDiv(c, 'up'),
  DIV_UP: bin('DIV_UP'),
  MIN: bin('MIN'),
  MAX: bin('MAX'),
  SADD: bin('SADD'),
  SSUB: bin('SSUB'),
  SMUL: bin('SMUL'),
  SDIV: bin('SDIV'),
  SMOD: bin('SMOD'),
  SNEG: (c) => value(c, c.x.w.unary('SNEG', pop(c))),
  SLT: bin('SLT'),
  SGT: bin('SGT'),
  SLE: bin('SLE'),
  SGE: bin('SGE'),
  EQ: bin('EQ'),
  NE: bin('NE'),
  LT: bin('LT'),
  GT: bin('GT'),
  LE: bin('LE'),
  GE: bin('GE'),
  ISZERO: (c) => value(c, c.x.w.unary('ISZERO', pop(c))),
  AND: bin('AND'),
  OR: bin('OR'),
  XOR: bin('XOR'),
  NOT: (c) => value(c, c.x.w.unary('NOT', pop(c))),
  SHL: bin('SHL'),
  SHR: bin('SHR'),
  SAR: bin('SAR'),
  MLOAD: memLoad(16),
  MSTORE: memStore(16),
  MLOAD8: memLoad(1),
  MSTORE8: memStore(1),
  MLOAD64: memLoad(8),
  MSTORE64: memStore(8),
  MSIZE: (c) => push(c, BigInt(memSize(c))),
  MGROW: (c) => {
    const n = concreteOr(pop(c), 'MGROW page count');
    const limit = Math.min(c.x.lm.module.memory.maxPages, c.x.budgetPages, MAX_PAGES);
    if (n > BigInt(limit - c.s.memPages)) throw new HaltHere('memory_limit');
    use(c, BigInt(G.G_MEMORY_PAGE) * n);
    push(c, BigInt(c.s.memPages));
    c.s.memPages += Number(n);
  },
  MCOPY: (c) => {
    const len = pop(c);
    const src = pop(c);
    const dst = pop(c);
    const n = memLength(c, len);
    use(c, BigInt(G.G_COPY_WORD * G.words16(n)));
    bounds(c, src, BigInt(n), memSize(c), 'memory_oob');
    bounds(c, dst, BigInt(n), memSize(c), 'memory_oob');
    if (n > 4096) throw new Unsupported(`MCOPY of ${n} bytes`);
    const bytes: SymWord[] = [];
    for (let i = 0; i < n; i++) bytes.push(c.s.memory.load(c.x.w.add(src, BigInt(i)), 1));
    bytes.forEach((b, i) => c.s.memory.store(c.x.w.add(dst, BigInt(i)), 1, b));
  },
  SLOAD: storLoad(16),
  SSTORE: storStore(16),
  SLOAD8: storLoad(1),
  SSTORE8: storStore(1),
  SLOAD64: storLoad(8),
  SSTORE64: storStore(8),
  SSIZE: (c) => push(c, BigInt(storBytes(c))),
  SHA256: hashOp(sha256, G.G_SHA256_WORD),
  KECCAK256: hashOp(keccak256, G.G_KECCAK256_WORD),
  POSEIDON: (c) => {
    const out = concreteOr(pop(c), 'POSEIDON output');
    const n = concreteOr(pop(c), 'POSEIDON arity');
    const ptr = concreteOr(pop(c), 'POSEIDON input');
    if (n < 1n || n > BigInt(POSEIDON_MAX_INPUTS)) throw new HaltHere('invalid_argument');
    use(c, BigInt(G.G_POSEIDON_INPUT) * n);
    bounds(c, ptr, 32n * n, memSize(c), 'memory_oob');
    const mem = concreteMem(c, Number(ptr), 32 * Number(n));
    const inputs = Array.from({ length: Number(n) }, (_, i) => bytesToBigBE(mem.subarray(32 * i, 32 * i + 32)));
    const h = poseidon(inputs);
    if (h === undefined) throw new HaltHere('invalid_argument');
    bounds(c, out, 32n, memSize(c), 'memory_oob');
    const be = bigToBytesBE(h, 32);
    for (let i = 0; i < 32; i += 16) c.s.memory.store(out + BigInt(i), 16, bytesToBigLE(be.subarray(i, i + 16)));
  },
  MERKLE_VERIFY: (c) => {
    const index = concreteOr(pop(c), 'Merkle index');
    const depth = concreteOr(pop(c), 'Merkle depth');
    const pathPtr = concreteOr(pop(c), 'Merkle path');
    const leafPtr = concreteOr(pop(c), 'Merkle leaf');
    const rootPtr = concreteOr(pop(c), 'Merkle root');
    if (depth > BigInt(MERKLE_MAX_DEPTH)) throw new HaltHere('invalid_argument');
    const d = Number(depth);
    use(c, BigInt(G.G_MERKLE_LEVEL * d));
    bounds(c, rootPtr, 32n, memSize(c), 'memory_oob');
    bounds(c, leafPtr, 32n, memSize(c), 'memory_oob');
    bounds(c, pathPtr, BigInt(32 * d), memSize(c), 'memory_oob');
    const path = concreteMem(c, Number(pathPtr), 32 * d);
    const siblings = Array.from({ length: d }, (_, i) => path.slice(32 * i, 32 * i + 32));
    push(c, verifyMerkle(concreteMem(c, Number(rootPtr), 32), concreteMem(c, Number(leafPtr), 32), siblings, index) ? 1n : 0n);
  },
} satisfies Record<OpName, Op>;

/** Run the next instruction of the top frame of `s` (mutating it). */
export function step(x: StepContext, s: SymState): StepOut {
  const f = s.frames[s.frames.length - 1] as SymFrame;
  const ins = f.an.instrs[f.next] as Instr;
  const c: Cur = { x, s, f, ins, ends: [] };
  s.steps++;
  f.next++;
  try {
    use(c, BigInt(ins.info.gas));
    if (ins.info.name === 'JUMPI') {
      const cond = x.w.truthy(pop(c));
      if (typeof cond === 'boolean') {
        if (cond) f.next = f.an.indexOfPc.get(ins.arg) as number;
        return { ends: c.ends };
      }
      return { ends: c.ends, fork: { cond, target: f.an.indexOfPc.get(ins.arg) as number } };
    }
    OPS[ins.info.name as OpName](c);
    return { ends: c.ends, ...(s.returned ? { done: true } : {}) };
  } catch (e) {
    if (e instanceof HaltHere) return { ends: [...c.ends, haltEnd(c, s.pc, e.kind)], done: true };
    if (e instanceof Halt) return { ends: [...c.ends, haltEnd(c, s.pc, e.kind)], done: true };
    if (e instanceof RevertHere) {
      const end: PathEnd = { kind: 'revert', pc: s.pc, revertCode: e.code, results: [], storage: x.preStorage, host: x.preHost, gasUsed: s.gasUsed, events: s.events, paths: 1, at: { fn: f.fn, pc: ins.pc } };
      return { ends: [...c.ends, end], done: true };
    }
    if (e instanceof Unsupported) {
      const end: PathEnd = { kind: 'unsupported', pc: s.pc, results: [], storage: s.storage, host: s.host, gasUsed: s.gasUsed, events: s.events, paths: 1, at: { fn: f.fn, pc: ins.pc }, reason: e.message };
      return { ends: [...c.ends, end], done: true };
    }
    throw e;
  }
}
