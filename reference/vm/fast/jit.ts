/**
 * The fast path's code generator: each pre-decoded function (compile.ts) becomes one JavaScript function
 * `(machine, moduleFrame, base) => void`, built with `new Function` from numbers only (opcodes, slot
 * offsets, gas amounts, pool indices; never a string of the module), the first time it is called.
 *
 * Why. The record loop (one `switch` dispatch, record loads and a stack-pointer update per instruction)
 * cost ~10 ns per instruction on `npm run bench -- perp` (PFM1), more than the work of most instructions.
 * Here the stack height before every instruction is a constant (the validator's `heights`), so a stack
 * slot is `F[s0 + k]` with k a literal, a basic block is straight-line code, and only jumps go through
 * the `switch` (one case per gas block).
 *
 * Semantics are run.ts's, which are the reference's: every instruction's small-word case inline on the
 * doubles of slots.ts, its big-word case through the word semantics of semantics.ts (`w1`/`w2`/`w3`),
 * and everything else (traps, logs, hashes, memory growth and copies, CALL, refused syscalls) delegated
 * to its reference handler (`FastMachine.delegate`). Gas: a case charges the static gas of its block on
 * entry, and an underfunded block runs the reference way (`FastMachine.meterBlock`), exactly as the
 * compile.ts header describes; `m.gas` is written before anything outside the generated code reads or
 * charges gas and read back after it.
 */
import { CAP } from '../capabilities.ts';
import * as G from '../gas.ts';
import { guardedDebit, runSyscall } from '../host.ts';
import type { Instr } from '../instructions.ts';
import { MAX_FUNCTION_FRAMES, type ModuleFrame } from '../interpreter.ts';
import { opByName } from '../opcodes.ts';
import { BINARY, UNARY, muldiv } from '../semantics.ts';
import { SYSCALLS, type SyscallInfo } from '../syscalls.ts';
import { OP_PUSHK, REC, blocks, fastFunctions, type FastFunction } from './compile.ts';
import { sha256Into } from './sha256.ts';
import type { FastMachine } from './run.ts';
import { POW2, load128, load64, setSlot, slotBig, store128, store64, store8 } from './slots.ts';

/** A generated function: runs `fn` with its arguments at slot `base`; its results replace them there. */
export type JitFn = (m: FastMachine, mf: ModuleFrame, base: number) => void;

const codeOf = (name: string): number => (opByName(name) as { code: number }).code;

/** The pure value operations by opcode number, for operands the inline code does not take (big words, results past 2^53, traps). */
const WORD_OP1: ((a: bigint) => bigint)[] = [];
const WORD_OP2: ((a: bigint, b: bigint) => bigint)[] = [];
const WORD_OP3: ((a: bigint, b: bigint, c: bigint) => bigint)[] = [];
for (const [name, f] of Object.entries(UNARY)) WORD_OP1[codeOf(name)] = f;
for (const [name, f] of Object.entries(BINARY)) WORD_OP2[codeOf(name)] = f;
WORD_OP3[codeOf('MULDIV_DOWN')] = (a, b, d) => muldiv(a, b, d, 'down');
WORD_OP3[codeOf('MULDIV_UP')] = (a, b, d) => muldiv(a, b, d, 'up');

/** Syscalls by id. */
const SYSCALL_AT: (SyscallInfo | undefined)[] = [];
for (const sc of SYSCALLS) SYSCALL_AT[sc.id] = sc;

/** Syscalls that return one field of the call's host context (host.ts `runSyscall`). */
const HOST_READ: Readonly<Record<string, string>> = { CLOCK: 'now', SELF: 'selfId', CALLER: 'callerId', ORIGIN: 'origin' };

/** What generated code calls (closure constants of every generated function). */
const HELPERS = {
  sha256Into,
  viewOf,
  store8,
  load64,
  load128,
  store64,
  store128,
  setSlot,
  slotBig,
  runSyscall,
  guardedDebit,
  POW2,
  SYSCALL_AT,
  jitOf: (mf: ModuleFrame, fn: FastFunction): JitFn => jitOf(mf, fn),
  w1(F: Float64Array, B: bigint[], i: number, op: number): void {
    setSlot(F, B, i, (WORD_OP1[op] as (a: bigint) => bigint)(slotBig(F, B, i)));
  },
  w2(F: Float64Array, B: bigint[], i: number, op: number): void {
    setSlot(F, B, i, (WORD_OP2[op] as (a: bigint, b: bigint) => bigint)(slotBig(F, B, i), slotBig(F, B, i + 1)));
  },
  w3(F: Float64Array, B: bigint[], i: number, op: number): void {
    setSlot(F, B, i, (WORD_OP3[op] as (a: bigint, b: bigint, c: bigint) => bigint)(slotBig(F, B, i), slotBig(F, B, i + 1), slotBig(F, B, i + 2)));
  },
};

/** The generated function of `fn` (a function of `mf.lm`), built on first use. */
export function jitOf(mf: ModuleFrame, fn: FastFunction): JitFn {
  return (fn.jit ??= generate(mf, fn));
}

/**
 * A stack slot whose value is not in F/B yet: a small constant, or a copy of a local not written since.
 * LGET and PUSH then cost nothing; the consumer reads the constant or the local directly. Measured on
 * `npm run bench -- perp` (PFM1): LGET and PUSH are half of the executed instructions.
 */
/** The memory's bytes and a DataView of them (memory grows only by MGROW, which replaces the bytes). */
const MEM = 'mem = mf.memory.bytes; if (mem !== mb) { mb = mem; mv = viewOf(mem); }';
const VIEWS = new WeakMap<Uint8Array, DataView>();
/** A DataView of pooled memory bytes, made once per buffer (memory.ts pools them). */
function viewOf(bytes: Uint8Array): DataView {
  let v = VIEWS.get(bytes);
  if (!v) {
    v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    VIEWS.set(bytes, v);
  }
  return v;
}

type Pending = { readonly c: number } | { readonly l: number };

const MAX = 'MAX_SAFE';
/** The module's storage segment, looked up (and so created, VM-SEG-001) on the first storage access like the reference does. */
const SEG = 'if (seg === undefined) { seg = mf.host.world.segment(HASH, STORAGE); sv = seg.view; }';
/** Comparison operators by opcode (unsigned ones first, then signed). */
const ORDER: Record<number, string> = { 0x42: '<', 0x43: '>', 0x44: '<=', 0x45: '>=', 0x36: '<', 0x37: '>', 0x38: '<=', 0x39: '>=' };
/** Memory and storage access widths by opcode. */
const WIDTH: Record<number, number> = { 0x50: 16, 0x51: 16, 0x52: 1, 0x53: 1, 0x54: 8, 0x55: 8, 0x60: 16, 0x61: 16, 0x62: 1, 0x63: 1, 0x64: 8, 0x65: 8 };

function generate(mf: ModuleFrame, fn: FastFunction): JitFn {
  const lm = mf.lm;
  const an = lm.analyses[fn.fn];
  if (!an) throw new Error('internal assertion failed: analysis missing');
  const { instrs, heights, indexOfPc } = an;
  const { leader, gas } = blocks(instrs, indexOfPc);
  // Record offset of each instruction (what delegate and meterBlock take).
  const rec: number[] = [];
  fn.refIndex.forEach((i, r) => {
    if (i >= 0) rec[i] = r * REC;
  });
  const label: number[] = [];
  let labels = 0;
  instrs.forEach((_, i) => {
    if (leader[i]) label[i] = labels++;
  });
  const fns = fastFunctions(lm);
  const out: string[] = [];
  const emit = (s: string): void => {
    out.push(s);
  };
  const S = (k: number): string => (k === 0 ? 's0' : `s0 + ${k}`);
  const L = (n: number): string => (n === 0 ? 'base' : `base + ${n}`);
  const copy = (from: string, to: string): string => `t = F[${from}]; F[${to}] = t; if (t !== t) B[${to}] = B[${from}];`;
  const delegate = (i: number, h: number): string => `m.gas = gas; m.delegate(mf, fn, ${rec[i] as number}, ${S(h)}); F = m.num; B = m.big; gas = m.gas;`;

  // The operand stack as the generated code sees it: a slot is either in F/B (null) or still a small
  // constant or a copy of a local that has not been written yet (see `Pending`).
  let vs: (Pending | null)[] | undefined = [];
  const val = (k: number): string => {
    const v = vs?.[k];
    return !v ? `F[${S(k)}]` : 'c' in v ? `${v.c}` : `F[${L(v.l)}]`;
  };
  const mat = (k: number): string => {
    const v = vs?.[k];
    return !v ? '' : 'c' in v ? `F[${S(k)}] = ${v.c};` : copy(L(v.l), S(k));
  };
  /** Write every pending slot to F/B (before anything that reads the stack from there). */
  const flush = (below = vs?.length ?? 0): void => {
    for (let k = 0; k < below; k++) {
      const code = mat(k);
      if (code) emit(code);
      (vs as (Pending | null)[])[k] = null;
    }
  };
  /** Local `n` is about to be written: slots that still copy it get its old value first. */
  const beforeWrite = (n: number, below: number): void => {
    for (let k = 0; k < below; k++) {
      const v = vs?.[k];
      if (v && 'l' in v && v.l === n) {
        emit(mat(k));
        (vs as (Pending | null)[])[k] = null;
      }
    }
  };

  instrs.forEach((ins: Instr, i: number) => {
    const h = heights[i] as number;
    if (leader[i]) {
      flush();
      vs = new Array<Pending | null>(h).fill(null);
      emit(`case ${label[i] as number}:`);
      const g = gas[i] as number;
      if (g > 0) emit(`if (gas < ${g}) m.meterBlock(mf, fn, ${rec[i] as number}, base, ${S(h)}, gas); gas -= ${g};`);
    }
    vs ??= new Array<Pending | null>(h).fill(null);
    if (vs.length !== h) throw new Error(`internal assertion failed: fast path stack ${vs.length} ≠ ${h} at ${ins.pc}`);
    const st = vs;
    const op = ins.info.code;
    const x = S(h - 2); // first operand of a binary operation, and its result
    const y = S(h - 1); // the top
    const result = (at: number): void => {
      st.length = at;
      st.push(null);
    };
    const bin = (ok: string, then: string): void => {
      emit(`a = ${val(h - 2)}; b = ${val(h - 1)}; if (${ok}) ${then} else { ${mat(h - 2)} ${mat(h - 1)} w2(F, B, ${x}, ${op}); }`);
      result(h - 2);
    };
    if (fn.code[rec[i] as number] === OP_PUSHK) {
      const k = fn.code[(rec[i] as number) + 1] as number;
      const v = fn.poolNum[k] as number;
      if (v === v) st.push({ c: v });
      else {
        emit(`F[${S(h)}] = NaN; B[${S(h)}] = P[${k}];`);
        st.push(null);
      }
      return;
    }
    switch (op) {
      case 0x01: // NOP
        return;
      case 0x13: // POP
        st.pop();
        return;
      case 0x02: // JUMP
        flush();
        emit(`pc = ${label[indexOfPc.get(ins.arg) as number] as number}; continue;`);
        return;
      case 0x03: {
        // JUMPI: a big word (NaN) is never zero
        const c = val(h - 1);
        flush(h - 1);
        emit(`if (${c} !== 0) { pc = ${label[indexOfPc.get(ins.arg) as number] as number}; continue; }`);
        st.pop();
        return;
      }
      case 0x14: {
        // DUP
        const v = st[h - 1 - ins.arg] ?? null;
        if (!v) emit(copy(S(h - 1 - ins.arg), S(h)));
        st.push(v);
        return;
      }
      case 0x18: // LGET: nothing to do until the value is used
        st.push({ l: ins.arg });
        return;
      case 0x19: // LSET
      case 0x1a: {
        // LTEE
        const v = st[h - 1] ?? null;
        if (v && 'l' in v && v.l === ins.arg) {
          if (op === 0x19) st.pop();
          return;
        }
        beforeWrite(ins.arg, h - 1);
        emit(!v ? copy(y, L(ins.arg)) : 'c' in v ? `F[${L(ins.arg)}] = ${v.c};` : copy(L(v.l), L(ins.arg)));
        if (op === 0x19) st.pop();
        return;
      }
      case 0x20: // ADD
      case 0x25: // ADDW
      case 0x30: // SADD: below 2^53 the signed and unsigned sums agree
        bin('(r = a + b) <= ' + MAX, `F[${x}] = r;`);
        return;
      case 0x21: // SUB
      case 0x26: // SUBW
      case 0x31: // SSUB
        bin('a >= b', `F[${x}] = a - b;`);
        return;
      case 0x22: // MUL
      case 0x27: // MULW
      case 0x32: // SMUL
        // 0 · a big word is 0 for all three (the compiler masks with 0 / 2^128−1 products: ~100 per perp pair)
        bin(`(r = a * b) <= ${MAX} || ((a === 0 || b === 0) && (r = 0) === 0)`, `F[${x}] = r;`);
        return;
      case 0x23: // DIV
      case 0x33: // SDIV: exact for doubles; NaN when b = 0 or an operand is big
        bin('(r = (a - (a % b)) / b) === r', `F[${x}] = r;`);
        return;
      case 0x24: // MOD
      case 0x34: // SMOD
        bin('(r = a % b) === r', `F[${x}] = r;`);
        return;
      case 0x2a: // DIV_UP: r is NaN when b = 0 or an operand is big
        bin('(r = a % b) === r', `F[${x}] = (a - r) / b + (r === 0 ? 0 : 1);`);
        return;
      case 0x28: // MULDIV_DOWN
      case 0x29: {
        // MULDIV_UP: a·b exact below 2^53 (a rounded product past it is past it too), d ≥ 1; a big operand
        // or d = 0 fails the test (NaN), and so does a product past 2^53: their word semantics
        const z = S(h - 3);
        const up = op === 0x29 ? ' + (r % c3 === 0 ? 0 : 1)' : '';
        emit(`a = ${val(h - 3)}; b = ${val(h - 2)}; c3 = ${val(h - 1)}; if ((r = a * b) <= ${MAX} && c3 >= 1) F[${z}] = (r - r % c3) / c3${up}; else { ${mat(h - 3)} ${mat(h - 2)} ${mat(h - 1)} w3(F, B, ${z}, ${op}); }`);
        result(h - 3);
        return;
      }
      case 0x2b: // MIN
        bin('a === a && b === b', `F[${x}] = a < b ? a : b;`);
        return;
      case 0x2c: // MAX
        bin('a === a && b === b', `F[${x}] = a > b ? a : b;`);
        return;
      case 0x40: // EQ: one small and one big word are never equal
        bin('a === b || a === a || b === b', `F[${x}] = a === b ? 1 : 0;`);
        return;
      case 0x41: // NE
        bin('a === b || a === a || b === b', `F[${x}] = a === b ? 0 : 1;`);
        return;
      case 0x42: // LT
      case 0x43: // GT
      case 0x44: // LE
      case 0x45: {
        // GE: one word big: it is above every small word, as +∞ is (two big words: bigints)
        const c = ORDER[op] as string;
        bin('a === a || b === b', `F[${x}] = (a === a ? a : Infinity) ${c} (b === b ? b : Infinity) ? 1 : 0;`);
        return;
      }
      case 0x36: // SLT
      case 0x37: // SGT
      case 0x38: // SLE
      case 0x39: // SGE: below 2^53 signed and unsigned order agree
        bin('a === a && b === b', `F[${x}] = a ${ORDER[op] as string} b ? 1 : 0;`);
        return;
      case 0x46: // ISZERO: a big word is never zero
        emit(`F[${y}] = ${val(h - 1)} === 0 ? 1 : 0;`);
        result(h - 1);
        return;
      case 0x48: // AND
      case 0x49: // OR
      case 0x4a: {
        // XOR, on words below 2^32 …
        const c = op === 0x48 ? '&' : op === 0x49 ? '|' : '^';
        // … and on words below 2^53 as two halves (keys packed past 2^32 by the templates)
        const hi = `(((a - (a >>> 0)) / 4294967296) ${c} ((b - (b >>> 0)) / 4294967296)) * 4294967296`;
        bin('a === a && b === b', `F[${x}] = a <= 0xffffffff && b <= 0xffffffff ? (a ${c} b) >>> 0 : ${hi} + (((a >>> 0) ${c} (b >>> 0)) >>> 0);`);
        return;
      }
      case 0x4c: // SHL
        bin(`b <= 52 && (r = a * POW2[b]) <= ${MAX}`, `F[${x}] = r;`);
        return;
      case 0x4d: // SHR
      case 0x4e: // SAR: a word below 2^53 is non-negative as i128
        bin('a === a && b === b', `F[${x}] = b <= 52 ? Math.floor(a / POW2[b]) : 0;`);
        return;
      case 0x50: // MLOAD
      case 0x52: // MLOAD8
      case 0x54: // MLOAD64
        emit(`a = ${val(h - 1)}; ${MEM} if (a + ${WIDTH[op] as number} <= mem.length) ${op === 0x52 ? `F[${y}] = mem[a];` : `load${WIDTH[op] === 8 ? 64 : 128}(mv, a, F, B, ${y});`} else { ${mat(h - 1)} ${delegate(i, h)} }`);
        result(h - 1);
        return;
      case 0x51: // MSTORE
      case 0x53: // MSTORE8
      case 0x55: {
        // MSTORE64
        const w = WIDTH[op] as number;
        flush(h);
        const store = w === 1 ? `store8(mem, a, F, B, ${y});` : `store${w === 8 ? 64 : 128}(mv, a, F, B, ${y});`;
        emit(`a = F[${x}]; ${MEM} if (a + ${w} <= mem.length) { mf.memory.wrote(a + ${w}); ${store} } else { ${delegate(i, h)} }`);
        st.length = h - 2;
        return;
      }
      case 0x56: // MSIZE
        emit(`F[${S(h)}] = mf.memory.bytes.length;`);
        st.push(null);
        return;
      case 0x60: // SLOAD
      case 0x62: // SLOAD8
      case 0x64: // SLOAD64
        emit(`${SEG} a = ${val(h - 1)}; if (a + ${WIDTH[op] as number} <= seg.bytes.length) ${op === 0x62 ? `F[${y}] = seg.bytes[a];` : `load${WIDTH[op] === 8 ? 64 : 128}(sv, a, F, B, ${y});`} else { ${mat(h - 1)} ${delegate(i, h)} }`);
        result(h - 1);
        return;
      case 0x61: // SSTORE
      case 0x63: // SSTORE8
      case 0x65: {
        // SSTORE64: journal the old words, then write in place
        const w = WIDTH[op] as number;
        const store = w === 1 ? `store8(seg.bytes, a, F, B, ${y});` : `store${w === 8 ? 64 : 128}(sv, a, F, B, ${y});`;
        const value = mat(h - 1); // the store helpers read the value from its slot
        if (value) emit(value);
        emit(`${SEG} a = ${val(h - 2)}; if (a + ${w} <= seg.bytes.length) { mf.host.world.segmentWillWrite(HASH, seg, a, ${w}); ${store} } else { ${mat(h - 2)} ${delegate(i, h)} }`);
        st.length = h - 2;
        return;
      }
      default:
        break;
    }
    // Everything else reads its operands from F/B: write the pending slots first.
    flush();
    vs = undefined;
    switch (op) {
      case 0x04: {
        // CALLF: the callee reads its arguments from our slots and leaves its results there
        // (FastMachine.callFast inline: measured, the extra call frame was ~10 % of a perp pair)
        const at = S(h - (fns[ins.arg] as FastFunction).params);
        emit(`if (m.frames >= ${MAX_FUNCTION_FRAMES}) m.tooDeep(); m.frames++; m.gas = gas; tp = m.top; (FNS[${ins.arg}].jit ?? jitOf(mf, FNS[${ins.arg}]))(m, mf, ${at}); m.top = tp; m.frames--; F = m.num; B = m.big; gas = m.gas;`);
        return;
      }
      case 0x05: // RET: the validator guarantees the stack holds exactly the results
        for (let r = 0; r < fn.results; r++) emit(copy(S(h - fn.results + r), L(r)));
        emit('m.gas = gas; return;');
        return;
      case 0x0a: // GAS (ends its block: `gas` is the reference's gas after it)
        emit(`F[${S(h)}] = gas;`);
        return;
      case 0x0b: // SELECT: a when c ≠ 0
        emit(`if (F[${y}] === 0) { ${copy(x, S(h - 3))} }`);
        vs = new Array<Pending | null>(h - 2).fill(null);
        return;
      case 0x15: {
        // SWAP
        const o = S(h - 1 - ins.arg);
        emit(`a = F[${y}]; b = F[${o}]; F[${y}] = b; F[${o}] = a; if (a !== a || b !== b) { bb = B[${y}]; B[${y}] = B[${o}]; B[${o}] = bb; }`);
        vs = new Array<Pending | null>(h).fill(null);
        return;
      }
      case 0x70: {
        // SHA256 (`ptr len out`) when the handler would succeed — length, gas for its words, both ranges in
        // bounds, in that order — with its effects (gas, the memory's written marks, the digest); else the
        // handler. Measured (PFM1): a delegated hash or log cost ~1 µs of operand and frame building.
        const [p, n, o] = [S(h - 3), S(h - 2), S(h - 1)];
        emit(`a = F[${p}]; b = F[${n}]; r = F[${o}]; mem = mf.memory.bytes;`);
        emit(`if (b <= mem.length && (t = ${G.G_SHA256_WORD} * Math.ceil(b / 32)) <= gas && a + b <= mem.length && r + 32 <= mem.length) { gas -= t; mf.memory.wrote(a + b); mf.memory.wrote(r + 32); sha256Into(mem, a, b, mem, r); } else { ${delegate(i, h)} }`);
        return;
      }
      case 0x09: {
        // LOG n (`ptr len t1…tn`): the same, when the capability is granted and the data in bounds
        const k = ins.arg;
        const topics = Array.from({ length: k }, (_, j) => `slotBig(F, B, ${S(h - k + j)})`).join(', ');
        const cap = CAP['log.emit'];
        emit(`a = F[${S(h - k - 2)}]; b = F[${S(h - k - 1)}]; mem = mf.memory.bytes;`);
        emit(`if ((mf.caps & ${cap}) !== 0 && b <= mem.length && (t = ${G.G_LOG_TOPIC * k} + ${G.G_LOG_BYTE} * b) <= gas && a + b <= mem.length) { gas -= t; mf.memory.wrote(a + b); mf.host.world.logs.push({ module: HASH, topics: [${topics}], data: mem.slice(a, a + b) }); } else { ${delegate(i, h)} }`);
        return;
      }
      case 0x08: {
        // SYSCALL: granted and affordable here; otherwise the reference handler halts
        const sc = SYSCALL_AT[ins.arg] as SyscallInfo;
        const cap = sc.cap === null ? 0 : CAP[sc.cap];
        const n = sc.params.length;
        const args = Array.from({ length: n }, (_, k) => `slotBig(F, B, ${S(h - n + k)})`).join(', ');
        const results = Array.from({ length: sc.results.length }, (_, k) => `setSlot(F, B, ${S(h - n + k)}, rs[${k}]);`).join(' ');
        const granted = cap === 0 ? '' : `(mf.caps & ${cap}) === ${cap} && `;
        // The host's reads of the call context and its guarded debit directly (host.ts, the same
        // functions runSyscall calls), without argument and result arrays.
        const direct = HOST_READ[sc.name];
        const run =
          direct !== undefined
            ? `setSlot(F, B, ${S(h)}, mf.host.${direct});`
            : sc.name === 'CAP_DEBIT'
              ? `setSlot(F, B, ${S(h - 2)}, guardedDebit(mf.host, ${args}));`
              : `rs = runSyscall(SYSCALL_AT[${ins.arg}], [${args}], mf.host); ${results}`;
        emit(`if (${granted}gas >= ${sc.gas}) { gas -= ${sc.gas}; ${run} } else { ${delegate(i, h)} }`);
        return;
      }
      default:
        break;
    }
    // A value operation with no inline case: its word semantics on bigints (never ends a block).
    if (WORD_OP2[op]) emit(`w2(F, B, ${x}, ${op});`);
    else if (WORD_OP1[op]) emit(`w1(F, B, ${y}, ${op});`);
    else if (WORD_OP3[op]) emit(`w3(F, B, ${S(h - 3)}, ${op});`);
    else emit(delegate(i, h));
  });

  const body = `
const { guardedDebit, sha256Into, viewOf, store8, load64, load128, store64, store128, setSlot, slotBig, runSyscall, POW2, SYSCALL_AT, w1, w2, w3, jitOf } = H;
const MAX_SAFE = ${Number.MAX_SAFE_INTEGER};
return function jit_f${fn.fn}(m, mf, base) {
  const s0 = base + ${fn.localCount};
  m.ensure(s0 + ${fn.maxStack});
  m.top = s0 + ${fn.maxStack};
  let F = m.num;
  let B = m.big;
  for (let i = base + ${fn.params}; i < s0; i++) F[i] = 0;
  let seg, sv, mem, mb, mv, rs, bb, tp;
  let gas = m.gas, pc = 0, t = 0, a = 0, b = 0, r = 0, c3 = 0;
  for (;;) {
    switch (pc) {
${out.join('\n')}
      default:
        throw new Error('internal assertion failed: fast path fell off function ${fn.fn}');
    }
  }
};`;
  // Generated from numbers only (see the file comment).
  const factory = new Function('H', 'fn', 'FNS', 'P', 'HASH', 'STORAGE', body) as (...a: unknown[]) => JitFn;
  return factory(HELPERS, fn, fns, fn.poolBig, lm.hashHex, lm.module.memory.storageBytes);
}
