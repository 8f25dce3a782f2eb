/**
 * One handler per opcode (spec/curvevm.md §5, VM-OP-<NAME>). The static gas of the opcode table is
 * charged by the loop before the handler runs; a handler pops its operands, charges any dynamic gas,
 * does the operation, and (for control flow) sets the next instruction. Linked with `satisfies
 * Record<OpName, Handler>`, so an opcode without a handler does not compile.
 */
import { bigToBytesBE, bytesToBigBE, readUintLE, writeUintLE } from '../lib/u128.ts';
import { CAP } from './capabilities.ts';
import * as G from './gas.ts';
import { CALL_STATUS, Halt, Revert, haltCode } from './halts.ts';
import { runSyscall } from './host.ts';
import type { Instr } from './instructions.ts';
import type { FunctionFrame, Machine } from './interpreter.ts';
import { MAX_PAGES } from './module.ts';
import type { OpName } from './opcodes.ts';
import { MERKLE_MAX_DEPTH, POSEIDON_MAX_INPUTS, keccak256, poseidon, sha256, verifyMerkle } from './precompiles.ts';
import { syscallById } from './syscalls.ts';
import { BINARY, UNARY, muldiv } from './semantics.ts';

export type Handler = (m: Machine, f: FunctionFrame, ins: Instr) => void;

const pop = (f: FunctionFrame): bigint => {
  const v = f.stack.pop();
  if (v === undefined) throw new Error('internal assertion failed: stack underflow after validation');
  return v;
};
const push = (f: FunctionFrame, v: bigint): void => {
  f.stack.push(v);
};
const bool = (c: boolean): bigint => (c ? 1n : 0n);

/** Pop b then a and push op(a, b). */
const binary =
  (op: (a: bigint, b: bigint) => bigint): Handler =>
  (_m, f) => {
    const b = pop(f);
    const a = pop(f);
    push(f, op(a, b));
  };

const jumpTo = (f: FunctionFrame, pc: number): void => {
  f.next = f.an.indexOfPc.get(pc) as number;
};

const requireCap = (f: FunctionFrame, cap: number, name: string): void => {
  if ((f.mf.caps & cap) === 0) throw new Halt('capability', `${name} not granted`);
};

// ---- memory helpers ----
const memLoad = (width: number): Handler => (_m, f) => {
  const mem = f.mf.memory;
  const at = mem.check(pop(f), width);
  push(f, readUintLE(mem.bytes, at, width));
};
const memStore = (width: number): Handler => (_m, f) => {
  const v = pop(f);
  const mem = f.mf.memory;
  const at = mem.check(pop(f), width);
  writeUintLE(mem.bytes, at, width, v);
};

// ---- storage helpers (the module's persistent segment) ----
const segmentOf = (f: FunctionFrame) => f.mf.host.world.segment(f.mf.lm.hashHex, f.mf.lm.module.memory.storageBytes);
const segCheck = (size: number, off: bigint, width: number): number => {
  if (off + BigInt(width) > BigInt(size)) throw new Halt('storage_oob', `[${off}, +${width}) outside ${size} bytes`);
  return Number(off);
};
const storLoad = (width: number): Handler => (_m, f) => {
  const seg = segmentOf(f);
  const at = segCheck(seg.bytes.length, pop(f), width);
  push(f, readUintLE(seg.bytes, at, width));
};
const storStore = (width: number): Handler => (_m, f) => {
  const v = pop(f);
  const seg = segmentOf(f);
  const at = segCheck(seg.bytes.length, pop(f), width);
  const data = new Uint8Array(width);
  writeUintLE(data, 0, width, v);
  f.mf.host.world.segmentWrite(f.mf.lm.hashHex, seg, at, data);
};

const hashOp = (fn: (d: Uint8Array) => Uint8Array, perWord: number): Handler => (m, f) => {
  const out = pop(f);
  const len = pop(f);
  const ptr = pop(f);
  const mem = f.mf.memory;
  const n = mem.length(len);
  m.use(perWord * G.words32(n));
  const src = mem.check(ptr, n);
  const dst = mem.check(out, 32);
  mem.bytes.set(fn(mem.bytes.slice(src, src + n)), dst);
};

export const HANDLERS = {
  // ---- control ----
  TRAP: () => {
    throw new Halt('unreachable');
  },
  NOP: () => {},
  JUMP: (_m, f, ins) => jumpTo(f, ins.arg),
  JUMPI: (_m, f, ins) => {
    if (pop(f) !== 0n) jumpTo(f, ins.arg);
  },
  CALLF: (m, f, ins) => {
    const callee = f.mf.lm.module.functions[ins.arg];
    if (!callee) throw new Error('internal assertion failed: CALLF target');
    const args = f.stack.splice(f.stack.length - callee.params, callee.params);
    for (const r of m.runFunction(f.mf, ins.arg, args)) push(f, r);
  },
  RET: (_m, f) => {
    f.done = true;
  },
  REVERT: (_m, f) => {
    throw new Revert(pop(f));
  },
  CALL: (m, f, ins) => {
    requireCap(f, CAP.call, 'call');
    const imp = f.mf.lm.module.imports[ins.arg];
    const target = f.mf.lm.imports[ins.arg];
    if (!imp || !target) throw new Error('internal assertion failed: CALL import unresolved');
    const caps = pop(f);
    const pages = pop(f);
    const gas = pop(f);
    const args = f.stack.splice(f.stack.length - imp.params, imp.params);
    if ((caps & ~BigInt(f.mf.caps)) !== 0n) throw new Halt('capability', 'CALL grants capabilities the caller does not hold');
    if (gas > BigInt(m.gas)) throw new Halt('grant', `gas grant ${gas} exceeds ${m.gas} left`);
    const free = f.mf.budgetPages - f.mf.memory.pages;
    if (pages > BigInt(free)) throw new Halt('grant', `memory grant of ${pages} pages exceeds ${free} free`);
    const entry = target.entries.get(imp.entry);
    if (!entry) throw new Error('internal assertion failed: import entry vanished after linking');
    const g = Number(gas);
    m.gas -= g;
    const out = m.callModule(target, entry.func, args, { gas: g, caps: Number(caps) & target.module.caps, pages: Number(pages) }, f.mf.lm.id);
    m.gas += out.gasLeft;
    for (let i = 0; i < imp.results; i++) push(f, out.status === 'ok' ? (out.results[i] as bigint) : 0n);
    push(f, out.status === 'revert' ? (out.revertCode as bigint) : out.halt ? haltCode(out.halt.kind) : 0n);
    push(f, CALL_STATUS[out.status]);
  },
  SYSCALL: (m, f, ins) => {
    const s = syscallById(ins.arg);
    if (!s) throw new Error('internal assertion failed: syscall after validation');
    if (s.cap) requireCap(f, CAP[s.cap], s.cap);
    m.use(s.gas);
    const args = f.stack.splice(f.stack.length - s.params.length, s.params.length);
    for (const r of runSyscall(s, args, f.mf.host)) push(f, r);
  },
  LOG: (m, f, ins) => {
    requireCap(f, CAP['log.emit'], 'log.emit');
    const topics = f.stack.splice(f.stack.length - ins.arg, ins.arg);
    const len = pop(f);
    const ptr = pop(f);
    const mem = f.mf.memory;
    const n = mem.length(len);
    m.use(G.G_LOG_TOPIC * ins.arg + G.G_LOG_BYTE * n);
    const at = mem.check(ptr, n);
    f.mf.host.world.logs.push({ module: f.mf.lm.hashHex, topics, data: mem.bytes.slice(at, at + n) });
  },
  GAS: (m, f) => push(f, BigInt(m.gas)),
  SELECT: (_m, f) => {
    const c = pop(f);
    const b = pop(f);
    const a = pop(f);
    push(f, c !== 0n ? a : b);
  },
  // ---- stack and locals ----
  PUSH8: (_m, f, ins) => push(f, ins.value),
  PUSH64: (_m, f, ins) => push(f, ins.value),
  PUSH128: (_m, f, ins) => push(f, ins.value),
  POP: (_m, f) => void pop(f),
  DUP: (_m, f, ins) => push(f, f.stack[f.stack.length - 1 - ins.arg] as bigint),
  SWAP: (_m, f, ins) => {
    const s = f.stack;
    const top = s.length - 1;
    const other = top - ins.arg;
    [s[top], s[other]] = [s[other] as bigint, s[top] as bigint];
  },
  LGET: (_m, f, ins) => push(f, f.locals[ins.arg] as bigint),
  LSET: (_m, f, ins) => {
    f.locals[ins.arg] = pop(f);
  },
  LTEE: (_m, f, ins) => {
    f.locals[ins.arg] = f.stack[f.stack.length - 1] as bigint;
  },
  // ---- unsigned arithmetic ----
  ADD: binary(BINARY.ADD),
  SUB: binary(BINARY.SUB),
  MUL: binary(BINARY.MUL),
  DIV: binary(BINARY.DIV),
  MOD: binary(BINARY.MOD),
  ADDW: binary(BINARY.ADDW),
  SUBW: binary(BINARY.SUBW),
  MULW: binary(BINARY.MULW),
  MULDIV_DOWN: (_m, f) => {
    const d = pop(f);
    const b = pop(f);
    push(f, muldiv(pop(f), b, d, 'down'));
  },
  MULDIV_UP: (_m, f) => {
    const d = pop(f);
    const b = pop(f);
    push(f, muldiv(pop(f), b, d, 'up'));
  },
  DIV_UP: binary(BINARY.DIV_UP),
  MIN: binary(BINARY.MIN),
  MAX: binary(BINARY.MAX),
  // ---- signed arithmetic ----
  SADD: binary(BINARY.SADD),
  SSUB: binary(BINARY.SSUB),
  SMUL: binary(BINARY.SMUL),
  SDIV: binary(BINARY.SDIV),
  SMOD: binary(BINARY.SMOD),
  SNEG: (_m, f) => push(f, UNARY.SNEG(pop(f))),
  SLT: binary(BINARY.SLT),
  SGT: binary(BINARY.SGT),
  SLE: binary(BINARY.SLE),
  SGE: binary(BINARY.SGE),
  // ---- comparison ----
  EQ: binary(BINARY.EQ),
  NE: binary(BINARY.NE),
  LT: binary(BINARY.LT),
  GT: binary(BINARY.GT),
  LE: binary(BINARY.LE),
  GE: binary(BINARY.GE),
  ISZERO: (_m, f) => push(f, UNARY.ISZERO(pop(f))),
  // ---- bitwise ----
  AND: binary(BINARY.AND),
  OR: binary(BINARY.OR),
  XOR: binary(BINARY.XOR),
  NOT: (_m, f) => push(f, UNARY.NOT(pop(f))),
  SHL: binary(BINARY.SHL),
  SHR: binary(BINARY.SHR),
  SAR: binary(BINARY.SAR),
  // ---- memory ----
  MLOAD: memLoad(16),
  MSTORE: memStore(16),
  MLOAD8: memLoad(1),
  MSTORE8: memStore(1),
  MLOAD64: memLoad(8),
  MSTORE64: memStore(8),
  MSIZE: (_m, f) => push(f, BigInt(f.mf.memory.size)),
  MGROW: (m, f) => {
    const n = pop(f);
    const mem = f.mf.memory;
    const limit = Math.min(f.mf.lm.module.memory.maxPages, f.mf.budgetPages, MAX_PAGES);
    if (n > BigInt(limit - mem.pages)) throw new Halt('memory_limit', `grow by ${n} pages past ${limit}`);
    m.use(G.G_MEMORY_PAGE * Number(n));
    const old = mem.pages;
    mem.grow(Number(n));
    push(f, BigInt(old));
  },
  MCOPY: (m, f) => {
    const len = pop(f);
    const src = pop(f);
    const dst = pop(f);
    const mem = f.mf.memory;
    const n = mem.length(len);
    m.use(G.G_COPY_WORD * G.words16(n));
    const s = mem.check(src, n);
    const d = mem.check(dst, n);
    mem.bytes.copyWithin(d, s, s + n);
  },
  // ---- storage ----
  SLOAD: storLoad(16),
  SSTORE: storStore(16),
  SLOAD8: storLoad(1),
  SSTORE8: storStore(1),
  SLOAD64: storLoad(8),
  SSTORE64: storStore(8),
  SSIZE: (_m, f) => push(f, BigInt(f.mf.lm.module.memory.storageBytes)),
  // ---- hashing ----
  SHA256: hashOp(sha256, G.G_SHA256_WORD),
  KECCAK256: hashOp(keccak256, G.G_KECCAK256_WORD),
  POSEIDON: (m, f) => {
    const out = pop(f);
    const n = pop(f);
    const ptr = pop(f);
    if (n < 1n || n > BigInt(POSEIDON_MAX_INPUTS)) throw new Halt('invalid_argument', `POSEIDON arity ${n} outside 1..${POSEIDON_MAX_INPUTS}`);
    m.use(G.G_POSEIDON_INPUT * Number(n));
    const mem = f.mf.memory;
    const at = mem.check(ptr, 32 * Number(n));
    const inputs: bigint[] = [];
    for (let i = 0; i < Number(n); i++) inputs.push(bytesToBigBE(mem.bytes.subarray(at + 32 * i, at + 32 * i + 32)));
    const h = poseidon(inputs);
    if (h === undefined) throw new Halt('invalid_argument', 'POSEIDON input not below the BN254 field modulus');
    mem.bytes.set(bigToBytesBE(h, 32), mem.check(out, 32));
  },
  MERKLE_VERIFY: (m, f) => {
    const index = pop(f);
    const depth = pop(f);
    const pathPtr = pop(f);
    const leafPtr = pop(f);
    const rootPtr = pop(f);
    if (depth > BigInt(MERKLE_MAX_DEPTH)) throw new Halt('invalid_argument', `Merkle depth ${depth} exceeds ${MERKLE_MAX_DEPTH}`);
    const d = Number(depth);
    m.use(G.G_MERKLE_LEVEL * d);
    const mem = f.mf.memory;
    const root = mem.check(rootPtr, 32);
    const leaf = mem.check(leafPtr, 32);
    const path = mem.check(pathPtr, 32 * d);
    const siblings = Array.from({ length: d }, (_, i) => mem.bytes.slice(path + 32 * i, path + 32 * i + 32));
    push(f, bool(verifyMerkle(mem.bytes.slice(root, root + 32), mem.bytes.slice(leaf, leaf + 32), siblings, index)));
  },
} satisfies Record<OpName, Handler>;

