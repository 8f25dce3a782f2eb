/**
 * The fast execution path's machine. It reuses the reference Machine for everything around a function
 * body — module calls with grants, snapshots and revert, halts turned into outcomes — and replaces only
 * `runFunction` with a loop over the pre-decoded records of compile.ts. Hot instructions run inline on
 * small words (slots.ts); so do storage loads and stores in bounds (journaled by the world exactly as
 * the reference's handlers journal them), syscalls that are granted and affordable (the host's own
 * `runSyscall`), and value operations on big words (the shared word semantics of semantics.ts on
 * bigints). Anything else (traps, logs, hashes, memory growth and copies, CALL) is delegated to the
 * reference handler of that instruction on a frame that holds just its operands, so the readable
 * handlers stay the only definition of those semantics. Measured on `npm run bench -- perp` (PFM1):
 * delegating storage and syscalls, and allocating slot arrays per activation, cost more than the
 * instructions themselves.
 *
 * Invariants of the loop: `gas` is the gas left after charging the current block; it is written to
 * `m.gas` before anything that reads or charges gas outside the loop and read back after it. A value
 * ≥ 2^53 is NaN in the number stack with its bigint beside it (slots.ts). Slots are absolute indices
 * into the machine's slot arrays (see FastMachine.num).
 */
import { CAP } from '../capabilities.ts';
import { Halt } from '../halts.ts';
import { HANDLERS } from '../handlers.ts';
import { runSyscall } from '../host.ts';
import type { Instr } from '../instructions.ts';
import { MAX_FUNCTION_FRAMES, Machine, type FunctionFrame, type ModuleFrame } from '../interpreter.ts';
import { opByName } from '../opcodes.ts';
import { BINARY, UNARY, muldiv } from '../semantics.ts';
import { SYSCALLS, type SyscallInfo } from '../syscalls.ts';
import type { Segment } from '../world.ts';
import { OP_BLOCK, OP_PUSHK, REC, endsBlock, fastFunctions, type FastFunction } from './compile.ts';
import { MAX_SAFE, POW2, copySlot, loadLE, setSlot, slotBig, storeLE } from './slots.ts';

const NO_LOCALS: bigint[] = [];

/**
 * The pure value operations by opcode number, for operands the inline cases do not take (big words,
 * results past 2^53, traps): the same functions (semantics.ts) the reference handlers apply, called on
 * the slots directly instead of through a delegated frame.
 */
const codeOf = (name: string): number => (opByName(name) as { code: number }).code;
const WORD_OP1: ((a: bigint) => bigint)[] = [];
const WORD_OP2: ((a: bigint, b: bigint) => bigint)[] = [];
const WORD_OP3: ((a: bigint, b: bigint, c: bigint) => bigint)[] = [];
for (const [name, f] of Object.entries(UNARY)) WORD_OP1[codeOf(name)] = f;
for (const [name, f] of Object.entries(BINARY)) WORD_OP2[codeOf(name)] = f;
WORD_OP3[codeOf('MULDIV_DOWN')] = (a, b, d) => muldiv(a, b, d, 'down');
WORD_OP3[codeOf('MULDIV_UP')] = (a, b, d) => muldiv(a, b, d, 'up');

/** Syscalls by id, with the capability bit each requires (0: none). */
const SYSCALL_AT: (SyscallInfo | undefined)[] = [];
const SYSCALL_CAP: number[] = [];
for (const sc of SYSCALLS) {
  SYSCALL_AT[sc.id] = sc;
  SYSCALL_CAP[sc.id] = sc.cap === null ? 0 : CAP[sc.cap];
}

let spare: { readonly num: Float64Array; readonly big: bigint[] } | undefined;

export class FastMachine extends Machine {
  /**
   * The slots of every function activation of this machine, one region per activation: its locals (the
   * parameters first: a callee's region starts at the caller's arguments, so they are not copied), then
   * its operand stack. `sp` in the loop is an absolute index. The arrays grow (and are replaced) when an
   * activation needs more room, so the loop reloads them after anything that can run another activation.
   */
  num: Float64Array;
  big: bigint[];
  /** First slot past the running activation's region (where a nested module call's function starts). */
  top = 0;

  constructor(...a: ConstructorParameters<typeof Machine>) {
    super(...a);
    // The slot arrays of the last machine that finished, if any (their old contents are never read: a
    // slot is written before it is read).
    this.num = spare?.num ?? new Float64Array(256);
    this.big = spare?.big ?? new Array<bigint>(256);
    spare = undefined;
  }

  /** The machine's top-level call is over: leave its slot arrays to the next machine. */
  release(): void {
    spare = { num: this.num, big: this.big };
  }

  /** Make room for slots below `end`. */
  ensure(end: number): void {
    if (end <= this.num.length) return;
    let n = this.num.length * 2;
    while (n < end) n *= 2;
    const num = new Float64Array(n);
    num.set(this.num);
    this.num = num;
    this.big.length = n;
  }

  /** Same contract as the reference: run function `fi` of a module call, return its results. */
  override runFunction(mf: ModuleFrame, fi: number, args: readonly bigint[]): bigint[] {
    const fn = fastFunctions(mf.lm)[fi];
    if (!fn) throw new Error(`internal assertion failed: function ${fi} missing after validation`);
    const base = this.top;
    this.ensure(base + Math.max(args.length, fn.results));
    args.forEach((a, i) => setSlot(this.num, this.big, base + i, a));
    this.callFast(mf, fn, base);
    const out: bigint[] = [];
    for (let i = 0; i < fn.results; i++) out.push(slotBig(this.num, this.big, base + i));
    return out;
  }

  /** A module call (reference semantics); the slot regions above it are free again when it ends, however. */
  override callModule(...a: Parameters<Machine['callModule']>): ReturnType<Machine['callModule']> {
    const top = this.top;
    try {
      return super.callModule(...a);
    } finally {
      this.top = top;
    }
  }

  /** Run `fn` with its arguments at slot `base`; its results replace them there. */
  callFast(mf: ModuleFrame, fn: FastFunction, base: number): void {
    if (this.frames >= MAX_FUNCTION_FRAMES) throw new Halt('call_depth', `${MAX_FUNCTION_FRAMES} function frames`);
    this.frames++;
    const top = this.top;
    run(this, mf, fn, base);
    // On a throw, callModule restores the frame count and the top of the module call.
    this.top = top;
    this.frames--;
  }

  /** Run the instruction of record `ip` by its reference handler; returns the new stack height. */
  delegate(mf: ModuleFrame, fn: FastFunction, ip: number, sp: number): number {
    const an = mf.lm.analyses[fn.fn];
    const ins = an?.instrs[fn.refIndex[ip / REC] as number];
    if (!an || !ins) throw new Error('internal assertion failed: delegated record has no instruction');
    const at = sp - (fn.pops[ip / REC] as number);
    const stack: bigint[] = [];
    for (let i = at; i < sp; i++) stack.push(slotBig(this.num, this.big, i));
    const f: FunctionFrame = { mf, fn: fn.fn, an, stack, locals: NO_LOCALS, next: 0, done: false };
    HANDLERS[ins.info.name as keyof typeof HANDLERS](this, f, ins);
    // A CALL may have grown the slot arrays: write through the current ones.
    this.ensure(at + stack.length);
    stack.forEach((v, i) => setSlot(this.num, this.big, at + i, v));
    return at + stack.length;
  }

  /**
   * The gas left (`gas`) is below the static gas of the block starting at record `ip`: run that block
   * the reference way — charge, then handle, one instruction at a time — on a reference frame built from
   * the fast one (locals at `base`, stack above them up to `sp`). It always ends in a halt or revert
   * before the block's last instruction completes.
   */
  meterBlock(mf: ModuleFrame, fn: FastFunction, ip: number, base: number, sp: number, gas: number): never {
    const an = mf.lm.analyses[fn.fn];
    if (!an) throw new Error('internal assertion failed: analysis missing');
    const s0 = base + fn.localCount;
    const stack = Array.from({ length: sp - s0 }, (_, i) => slotBig(this.num, this.big, s0 + i));
    const locals = Array.from({ length: fn.localCount }, (_, i) => slotBig(this.num, this.big, base + i));
    const f: FunctionFrame = { mf, fn: fn.fn, an, stack, locals, next: fn.refIndex[ip / REC] as number, done: false };
    this.gas = gas;
    for (;;) {
      const ins = an.instrs[f.next] as Instr;
      f.next++;
      this.use(ins.info.gas);
      HANDLERS[ins.info.name as keyof typeof HANDLERS](this, f, ins);
      if (endsBlock(ins)) throw new Error('internal assertion failed: an underfunded block ran to its end');
    }
  }
}

/**
 * The loop. Each case either completes the instruction inline and `continue`s, or `break`s to the shared
 * tail that delegates it to its reference handler and then charges the block that follows (g1, which
 * is 0 unless the instruction ends a block). Opcode numbers are the table's (opcodes.ts), checked by
 * `NATIVE` in fast.ts.
 */
function run(m: FastMachine, mf: ModuleFrame, fn: FastFunction, base: number): void {
  const code = fn.code;
  const pool = fn.poolNum;
  const s0 = base + fn.localCount;
  m.ensure(s0 + fn.maxStack);
  m.top = s0 + fn.maxStack;
  let F = m.num;
  let B = m.big;
  for (let i = base + fn.params; i < s0; i++) F[i] = 0;
  // The module's storage segment, looked up (and so created, VM-SEG-001) on the first storage access like
  // the reference does; it cannot vanish while this activation runs (only a callee's writes are undone).
  let seg: Segment | undefined;
  let sp = s0;
  let ip = 0;
  let gas = m.gas;
  if (gas < fn.entryGas) m.meterBlock(mf, fn, 0, base, sp, gas);
  gas -= fn.entryGas;
  for (;;) {
    const op = code[ip] as number;
    switch (op) {
      case 0xf0: {
        // OP_BLOCK
        const g = code[ip + 2] as number;
        if (gas < g) m.meterBlock(mf, fn, ip + REC, base, sp, gas);
        gas -= g;
        ip += REC;
        continue;
      }
      case 0xf1: {
        // OP_PUSHK
        const k = code[ip + 1] as number;
        const v = pool[k] as number;
        F[sp] = v;
        if (v !== v) B[sp] = fn.poolBig[k] as bigint;
        sp++;
        ip += REC;
        continue;
      }
      case 0x01: // NOP
        ip += REC;
        continue;
      case 0x02: {
        // JUMP
        const t = code[ip + 1] as number;
        const g = code[ip + 2] as number;
        if (gas < g) m.meterBlock(mf, fn, t, base, sp, gas);
        gas -= g;
        ip = t;
        continue;
      }
      case 0x03: {
        // JUMPI: a big word is never zero
        sp--;
        if (F[sp] !== 0) {
          const t = code[ip + 1] as number;
          const g = code[ip + 2] as number;
          if (gas < g) m.meterBlock(mf, fn, t, base, sp, gas);
          gas -= g;
          ip = t;
        } else {
          const g = code[ip + 3] as number;
          if (gas < g) m.meterBlock(mf, fn, ip + REC, base, sp, gas);
          gas -= g;
          ip += REC;
        }
        continue;
      }
      case 0x04: {
        // CALLF: the callee reads its arguments from our slots and leaves its results there
        const callee = fastFunctions(mf.lm)[code[ip + 1] as number] as FastFunction;
        const at = sp - callee.params;
        m.gas = gas;
        m.callFast(mf, callee, at);
        F = m.num;
        B = m.big;
        gas = m.gas;
        sp = at + callee.results;
        const g = code[ip + 2] as number;
        if (gas < g) m.meterBlock(mf, fn, ip + REC, base, sp, gas);
        gas -= g;
        ip += REC;
        continue;
      }
      case 0x05: {
        // RET: the validator guarantees the stack holds exactly the results
        for (let i = 0; i < fn.results; i++) copySlot(F, B, sp - fn.results + i, F, B, base + i);
        m.gas = gas;
        return;
      }
      case 0x0a: {
        // GAS (ends its block, so `gas` is the reference's gas after this instruction)
        F[sp++] = gas;
        const g = code[ip + 2] as number;
        if (gas < g) m.meterBlock(mf, fn, ip + REC, base, sp, gas);
        gas -= g;
        ip += REC;
        continue;
      }
      case 0x0b: {
        // SELECT: a when c ≠ 0
        const c = F[sp - 1] as number;
        sp -= 2;
        if (c === 0) copySlot(F, B, sp, F, B, sp - 1);
        ip += REC;
        continue;
      }
      case 0x13: // POP
        sp--;
        ip += REC;
        continue;
      case 0x14: // DUP
        copySlot(F, B, sp - 1 - (code[ip + 1] as number), F, B, sp);
        sp++;
        ip += REC;
        continue;
      case 0x15: {
        // SWAP
        const t = sp - 1;
        const o = t - (code[ip + 1] as number);
        const x = F[t] as number;
        const y = F[o] as number;
        F[t] = y;
        F[o] = x;
        if (x !== x || y !== y) {
          const bx = B[t] as bigint;
          B[t] = B[o] as bigint;
          B[o] = bx;
        }
        ip += REC;
        continue;
      }
      case 0x18: // LGET
        copySlot(F, B, base + (code[ip + 1] as number), F, B, sp);
        sp++;
        ip += REC;
        continue;
      case 0x19: // LSET
        sp--;
        copySlot(F, B, sp, F, B, base + (code[ip + 1] as number));
        ip += REC;
        continue;
      case 0x1a: // LTEE
        copySlot(F, B, sp - 1, F, B, base + (code[ip + 1] as number));
        ip += REC;
        continue;
      case 0x20: // ADD
      case 0x25: // ADDW
      case 0x30: {
        // SADD: below 2^53 the signed and unsigned sums agree
        const r = (F[sp - 2] as number) + (F[sp - 1] as number);
        if (r <= MAX_SAFE) {
          F[sp - 2] = r;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x21: // SUB
      case 0x26: // SUBW
      case 0x31: {
        // SSUB
        const a = F[sp - 2] as number;
        const b = F[sp - 1] as number;
        if (a >= b) {
          F[sp - 2] = a - b;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x22: // MUL
      case 0x27: // MULW
      case 0x32: {
        // SMUL
        const r = (F[sp - 2] as number) * (F[sp - 1] as number);
        if (r <= MAX_SAFE) {
          F[sp - 2] = r;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x23: // DIV
      case 0x33: {
        // SDIV: exact for doubles (a − a mod b is a multiple of b); NaN when b = 0 or an operand is big
        const a = F[sp - 2] as number;
        const b = F[sp - 1] as number;
        const q = (a - (a % b)) / b;
        if (q === q) {
          F[sp - 2] = q;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x24: // MOD
      case 0x34: {
        // SMOD
        const r = (F[sp - 2] as number) % (F[sp - 1] as number);
        if (r === r) {
          F[sp - 2] = r;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x2b: // MIN
      case 0x2c: {
        // MAX
        const a = F[sp - 2] as number;
        const b = F[sp - 1] as number;
        if (a === a && b === b) {
          F[sp - 2] = (op === 0x2b ? a < b : a > b) ? a : b;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x40: // EQ
      case 0x41: {
        // NE: one small and one big word are never equal
        const a = F[sp - 2] as number;
        const b = F[sp - 1] as number;
        if (a === b || a === a || b === b) {
          F[sp - 2] = (a === b) === (op === 0x40) ? 1 : 0;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x42: // LT
      case 0x36: // SLT
      case 0x43: // GT
      case 0x37: // SGT
      case 0x44: // LE
      case 0x38: // SLE
      case 0x45: // GE
      case 0x39: {
        // SGE: below 2^53 signed and unsigned order agree; NaN (a big word) fails both tests
        const a = F[sp - 2] as number;
        const b = F[sp - 1] as number;
        if (a === a && b === b) {
          F[sp - 2] = order(op, a, b) ? 1 : 0;
          sp--;
          ip += REC;
          continue;
        }
        // Unsigned, one word big: it is above every small word, as +∞ is (two big words: bigints).
        if (op >= 0x42 && (a === a || b === b)) {
          F[sp - 2] = order(op, a === a ? a : Infinity, b === b ? b : Infinity) ? 1 : 0;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x46: // ISZERO: a big word is never zero
        F[sp - 1] = F[sp - 1] === 0 ? 1 : 0;
        ip += REC;
        continue;
      case 0x48: // AND
      case 0x49: // OR
      case 0x4a: {
        // XOR, on words below 2^32
        const a = F[sp - 2] as number;
        const b = F[sp - 1] as number;
        if (a <= 0xffffffff && b <= 0xffffffff) {
          F[sp - 2] = (op === 0x48 ? a & b : op === 0x49 ? a | b : a ^ b) >>> 0;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x4c: {
        // SHL
        const n = F[sp - 1] as number;
        if (n <= 52) {
          const r = (F[sp - 2] as number) * (POW2[n] as number);
          if (r <= MAX_SAFE) {
            F[sp - 2] = r;
            sp--;
            ip += REC;
            continue;
          }
        }
        break;
      }
      case 0x4d: // SHR
      case 0x4e: {
        // SAR: a word below 2^53 is non-negative as i128
        const a = F[sp - 2] as number;
        const n = F[sp - 1] as number;
        if (a === a && n === n) {
          F[sp - 2] = n <= 52 ? Math.floor(a / (POW2[n] as number)) : 0;
          sp--;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x50: // MLOAD
      case 0x52: // MLOAD8
      case 0x54: {
        // MLOAD64
        const w = op === 0x50 ? 16 : op === 0x54 ? 8 : 1;
        const a = F[sp - 1] as number;
        const bytes = mf.memory.bytes;
        if (a + w <= bytes.length) {
          loadLE(bytes, a, w, F, B, sp - 1);
          ip += REC;
          continue;
        }
        break;
      }
      case 0x51: // MSTORE
      case 0x53: // MSTORE8
      case 0x55: {
        // MSTORE64
        const w = op === 0x51 ? 16 : op === 0x55 ? 8 : 1;
        const a = F[sp - 2] as number;
        const mem = mf.memory;
        const bytes = mem.bytes;
        if (a + w <= bytes.length) {
          mem.wrote(a + w);
          storeLE(bytes, a, w, F, B, sp - 1);
          sp -= 2;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x56: // MSIZE
        F[sp++] = mf.memory.bytes.length;
        ip += REC;
        continue;
      case 0x60: // SLOAD
      case 0x62: // SLOAD8
      case 0x64: {
        // SLOAD64
        const w = op === 0x60 ? 16 : op === 0x64 ? 8 : 1;
        const a = F[sp - 1] as number;
        seg ??= mf.host.world.segment(mf.lm.hashHex, mf.lm.module.memory.storageBytes);
        if (a + w <= seg.bytes.length) {
          loadLE(seg.bytes, a, w, F, B, sp - 1);
          ip += REC;
          continue;
        }
        break;
      }
      case 0x61: // SSTORE
      case 0x63: // SSTORE8
      case 0x65: {
        // SSTORE64: journal the old words, then write in place
        const w = op === 0x61 ? 16 : op === 0x65 ? 8 : 1;
        const a = F[sp - 2] as number;
        seg ??= mf.host.world.segment(mf.lm.hashHex, mf.lm.module.memory.storageBytes);
        if (a + w <= seg.bytes.length) {
          mf.host.world.segmentWillWrite(mf.lm.hashHex, seg, a, w);
          storeLE(seg.bytes, a, w, F, B, sp - 1);
          sp -= 2;
          ip += REC;
          continue;
        }
        break;
      }
      case 0x08: {
        // SYSCALL: granted and affordable here; otherwise the reference handler halts
        const id = code[ip + 1] as number;
        const sc = SYSCALL_AT[id] as SyscallInfo;
        if ((mf.caps & (SYSCALL_CAP[id] as number)) !== (SYSCALL_CAP[id] as number) || gas < sc.gas) break;
        gas -= sc.gas;
        const n = sc.params.length;
        const args: bigint[] = [];
        for (let i = sp - n; i < sp; i++) args.push(slotBig(F, B, i));
        sp -= n;
        for (const r of runSyscall(sc, args, mf.host)) setSlot(F, B, sp++, r);
        const g = code[ip + 2] as number;
        if (gas < g) m.meterBlock(mf, fn, ip + REC, base, sp, gas);
        gas -= g;
        ip += REC;
        continue;
      }
      default:
        break;
    }
    // A value operation the inline case did not take: its word semantics on bigints (never ends a block).
    const f2 = WORD_OP2[op];
    if (f2 !== undefined) {
      setSlot(F, B, sp - 2, f2(slotBig(F, B, sp - 2), slotBig(F, B, sp - 1)));
      sp--;
      ip += REC;
      continue;
    }
    const f1 = WORD_OP1[op];
    if (f1 !== undefined) {
      setSlot(F, B, sp - 1, f1(slotBig(F, B, sp - 1)));
      ip += REC;
      continue;
    }
    const f3 = WORD_OP3[op];
    if (f3 !== undefined) {
      setSlot(F, B, sp - 3, f3(slotBig(F, B, sp - 3), slotBig(F, B, sp - 2), slotBig(F, B, sp - 1)));
      sp -= 2;
      ip += REC;
      continue;
    }
    // Delegate to the reference handler, then charge the next block when this one ended here.
    m.gas = gas;
    sp = m.delegate(mf, fn, ip, sp);
    F = m.num;
    B = m.big;
    gas = m.gas;
    const g = code[ip + 2] as number;
    if (gas < g) m.meterBlock(mf, fn, ip + REC, base, sp, gas);
    gas -= g;
    ip += REC;
  }
}

/** The comparison `op` (LT…GE or SLT…SGE) on two small words. */
function order(op: number, a: number, b: number): boolean {
  switch (op) {
    case 0x42:
    case 0x36:
      return a < b;
    case 0x43:
    case 0x37:
      return a > b;
    case 0x44:
    case 0x38:
      return a <= b;
    default:
      return a >= b;
  }
}

// Case labels are literals (a dense switch compiles to a jump table); check the pseudo-ops here and the
// instruction numbers in fast.ts.
if (OP_BLOCK !== 0xf0 || OP_PUSHK !== 0xf1) throw new Error('internal assertion failed: pseudo-op numbering');
