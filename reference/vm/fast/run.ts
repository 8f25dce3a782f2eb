/**
 * The fast execution path's machine. It reuses the reference Machine for everything around a function
 * body — module calls with grants, snapshots and revert, halts turned into outcomes — and replaces only
 * `runFunction`: a function body runs as the JavaScript jit.ts generates for it, on slot regions of this
 * machine. What that code does not do inline it hands back here: an instruction delegated to its
 * reference handler (`delegate`), and a gas block it cannot afford run the reference way (`meterBlock`),
 * so the readable handlers stay the only definition of those semantics. Measured on
 * `npm run bench -- perp` (PFM1): delegating storage and syscalls, and allocating slot arrays per
 * activation, cost more than the instructions themselves.
 *
 * Slots are absolute indices into the machine's slot arrays (see FastMachine.num); a value ≥ 2^53 is NaN
 * in the number array with its bigint beside it (slots.ts).
 */
import { Halt } from '../halts.ts';
import { HANDLERS } from '../handlers.ts';
import type { Instr } from '../instructions.ts';
import { MAX_FUNCTION_FRAMES, Machine, type CallOutcome, type FunctionFrame, type ModuleFrame } from '../interpreter.ts';
import type { LoadedModule, ModuleStore } from '../store.ts';
import type { World } from '../world.ts';
import { REC, endsBlock, fastFunctions, type FastFunction } from './compile.ts';
import { jitOf } from './jit.ts';
import { setSlot, slotBig } from './slots.ts';

const NO_LOCALS: bigint[] = [];

let spare: { readonly num: Float64Array; readonly big: bigint[] } | undefined;

export class FastMachine extends Machine {
  /**
   * The slots of every function activation of this machine, one region per activation: its locals (the
   * parameters first: a callee's region starts at the caller's arguments, so they are not copied), then
   * its operand stack; slot numbers are absolute indices. The arrays grow (and are replaced) when an
   * activation needs more room, so generated code reloads them after anything that can run another
   * activation.
   */
  num: Float64Array;
  big: bigint[];
  /** First slot past the running activation's region (where a nested module call's function starts). */
  top = 0;

  // Explicit parameters, here and in callModule: a rest array and a spread per call showed in the perp
  // bench (PFM1).
  constructor(store: ModuleStore, world: World, now: bigint, origin: bigint, trace: boolean, pauseAt?: number) {
    super(store, world, now, origin, trace, pauseAt);
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
    for (let i = 0; i < args.length; i++) setSlot(this.num, this.big, base + i, args[i] as bigint);
    this.callFast(mf, fn, base);
    const out: bigint[] = [];
    for (let i = 0; i < fn.results; i++) out.push(slotBig(this.num, this.big, base + i));
    return out;
  }

  /** A module call (reference semantics); the slot regions above it are free again when it ends, however. */
  override callModule(lm: LoadedModule, fi: number, args: readonly bigint[], grant: { gas: number; caps: number; pages: number }, callerId: bigint): CallOutcome {
    const top = this.top;
    try {
      return super.callModule(lm, fi, args, grant, callerId);
    } finally {
      this.top = top;
    }
  }

  /** Run `fn` with its arguments at slot `base`; its results replace them there. */
  callFast(mf: ModuleFrame, fn: FastFunction, base: number): void {
    if (this.frames >= MAX_FUNCTION_FRAMES) this.tooDeep();
    this.frames++;
    const top = this.top;
    (fn.jit ?? jitOf(mf, fn))(this, mf, base);
    // On a throw, callModule restores the frame count and the top of the module call.
    this.top = top;
    this.frames--;
  }

  /** A function call past the frame limit (VM-CALL-006). */
  tooDeep(): never {
    throw new Halt('call_depth', `${MAX_FUNCTION_FRAMES} function frames`);
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
