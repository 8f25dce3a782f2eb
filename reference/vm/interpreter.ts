/**
 * The reference interpreter (spec/curvevm.md §5–8). Readable first (STYLE.md §1): every instruction is a
 * short handler in handlers.ts that runs in the same order — gas, operands, operation, next pc.
 * Halts are thrown inside and returned as values at the module-call boundary (STYLE.md §3).
 */
import { UsageError } from '../lib/errors.ts';
import { I128_MIN, U128_MAX, U64_MAX, fromSigned, wordToBytesLE } from '../lib/u128.ts';
import { Halt, Revert, type HaltKind } from './halts.ts';
import { HANDLERS } from './handlers.ts';
import type { HostContext } from './host.ts';
import { Memory } from './memory.ts';
import { MAX_PAGES, PAGE_BYTES, type ValueType } from './module.ts';
import type { Instr } from './instructions.ts';
import type { OpName } from './opcodes.ts';
import type { LoadedModule, ModuleStore } from './store.ts';
import type { FunctionAnalysis } from './validate.ts';
import type { PendingDiff } from './state-diff.ts';
import type { DiffEntry, Log, World } from './world.ts';

/** Cross-module call depth limit (VM-CALL-005). */
export const MAX_CALL_DEPTH = 16;
/** Function-frame limit (CALLF activations) across the whole call tree of a top-level call (VM-CALL-006). */
export const MAX_FUNCTION_FRAMES = 256;
/** Largest gas limit accepted (2^53 − 1: gas is kept as an exact JS number). */
export const MAX_GAS_LIMIT = Number.MAX_SAFE_INTEGER;

export interface CallOptions {
  readonly gasLimit: number;
  /** The injected clock (ticks). */
  readonly now?: bigint;
  /** The account that signed the call. */
  readonly origin?: bigint;
  /** Capabilities granted to the call; the effective set is granted ∩ declared. Default: declared. */
  readonly caps?: number;
  /** Memory grant in 64 KiB pages for the whole call tree. Default 160 (10 MiB). */
  readonly memoryPages?: number;
  /** Record a per-step trace. */
  readonly trace?: boolean;
  /** Compute the post-state root (default true). */
  readonly stateRoot?: boolean;
  /** Stop before executing this step (0-based) and throw a Pause with the machine view (time travel). */
  readonly pauseAt?: number;
}

/** Where the machine is before one instruction: shared by trace steps and paused views. */
export interface StepPosition {
  /** Module-call depth, 1 for the top-level call. */
  readonly depth: number;
  readonly module: string;
  readonly fn: number;
  readonly pc: number;
  readonly op: string;
  /** Gas left before the instruction. */
  readonly gas: number;
  /** Operand stack before the instruction, bottom first. */
  readonly stack: readonly bigint[];
}

/** The full machine view at one step, produced by a replay that pauses there (timetravel.ts). */
export interface MachineView extends StepPosition {
  readonly step: number;
  readonly locals: readonly bigint[];
  readonly memory: Uint8Array;
}

/** Thrown through the frames when `pauseAt` is reached; never caught as a halt. */
export class Pause {
  constructor(readonly view: MachineView) {}
}

export type Status = 'ok' | 'revert' | 'halt';

export interface TraceStep extends StepPosition {
  /** Gas the instruction consumed (for CALL, including what the callee used). */
  gasCost: number;
  readonly memSize: number;
}

export interface ExecResult {
  readonly status: Status;
  readonly halt?: HaltKind;
  readonly haltDetail?: string;
  readonly revertCode?: bigint;
  readonly gasUsed: number;
  readonly results: readonly bigint[];
  /** Results as 16-byte little-endian words (empty unless ok). */
  readonly returnData: Uint8Array;
  readonly logs: readonly Log[];
  readonly stateDiff: readonly DiffEntry[];
  readonly stateRoot?: string;
  readonly trace?: readonly TraceStep[];
}

/** One module call in progress. */
export interface ModuleFrame {
  readonly lm: LoadedModule;
  readonly memory: Memory;
  /** Effective capabilities (granted ∩ declared). */
  readonly caps: number;
  /** Pages this call may hold, including grants passed to callees in flight. */
  readonly budgetPages: number;
  readonly host: HostContext;
}

/** One function activation inside a module call. */
export interface FunctionFrame {
  readonly mf: ModuleFrame;
  readonly fn: number;
  readonly an: FunctionAnalysis;
  readonly stack: bigint[];
  readonly locals: bigint[];
  /** Index into an.instrs of the next instruction. */
  next: number;
  done: boolean;
}

export interface CallOutcome {
  readonly status: Status;
  readonly halt?: Halt;
  readonly revertCode?: bigint;
  readonly results: readonly bigint[];
  readonly gasLeft: number;
}

export class Machine {
  /** Gas left in the running module call. */
  gas = 0;
  depth = 0;
  frames = 0;
  steps = 0;
  readonly trace: TraceStep[] | undefined;

  constructor(
    readonly store: ModuleStore,
    readonly world: World,
    readonly now: bigint,
    readonly origin: bigint,
    trace: boolean,
    readonly pauseAt = -1,
  ) {
    this.trace = trace ? [] : undefined;
  }

  use(amount: number): void {
    if (amount > this.gas) {
      this.gas = 0;
      throw new Halt('out_of_gas');
    }
    this.gas -= amount;
  }

  /** Run function `fi` of a module call with its arguments; returns its results. */
  runFunction(mf: ModuleFrame, fi: number, args: readonly bigint[]): bigint[] {
    if (this.frames >= MAX_FUNCTION_FRAMES) throw new Halt('call_depth', `${MAX_FUNCTION_FRAMES} function frames`);
    const def = mf.lm.module.functions[fi];
    const an = mf.lm.analyses[fi];
    if (!def || !an) throw new Error(`internal assertion failed: function ${fi} missing after validation`);
    const locals = [...args, ...new Array<bigint>(def.locals).fill(0n)];
    const f: FunctionFrame = { mf, fn: fi, an, stack: [], locals, next: 0, done: false };
    this.frames++;
    try {
      while (!f.done) {
        const ins = an.instrs[f.next] as Instr;
        if (this.steps === this.pauseAt) throw new Pause(this.view(f, ins));
        this.steps++;
        f.next++;
        if (this.trace) this.tracedStep(f, ins);
        else this.step(f, ins);
      }
    } finally {
      this.frames--;
    }
    return f.stack;
  }

  /** One instruction: static gas, then its handler (VM-EXEC-003). */
  private step(f: FunctionFrame, ins: Instr): void {
    this.use(ins.info.gas);
    HANDLERS[ins.info.name as OpName](this, f, ins);
  }

  /** One instruction with its trace record; the cost is filled in even when it halts. */
  private tracedStep(f: FunctionFrame, ins: Instr): void {
    const record = this.record(f, ins);
    const before = this.gas;
    try {
      this.step(f, ins);
    } finally {
      record.gasCost = before - this.gas;
    }
  }

  private position(f: FunctionFrame, ins: Instr): StepPosition {
    return { depth: this.depth, module: f.mf.lm.hashHex, fn: f.fn, pc: ins.pc, op: ins.info.name, gas: this.gas, stack: f.stack.slice() };
  }

  private view(f: FunctionFrame, ins: Instr): MachineView {
    return { step: this.steps, ...this.position(f, ins), locals: f.locals.slice(), memory: f.mf.memory.bytes.slice() };
  }

  private record(f: FunctionFrame, ins: Instr): TraceStep {
    const step: TraceStep = { ...this.position(f, ins), gasCost: 0, memSize: f.mf.memory.size };
    (this.trace as TraceStep[]).push(step);
    return step;
  }

  /**
   * A module call with its grant (VM-CALL-*): fresh memory, effective caps, its own gas. On a halt every
   * write of the call is undone and the whole grant is consumed; on a revert the writes are undone and
   * the unused gas returns.
   */
  callModule(lm: LoadedModule, fi: number, args: readonly bigint[], grant: { gas: number; caps: number; pages: number }, callerId: bigint): CallOutcome {
    const snap = this.world.snapshot();
    const savedGas = this.gas;
    const savedFrames = this.frames;
    this.gas = grant.gas;
    this.depth++;
    let memory: Memory | undefined;
    try {
      if (this.depth > MAX_CALL_DEPTH) throw new Halt('call_depth', `${MAX_CALL_DEPTH} module calls`);
      const mem = lm.module.memory;
      if (mem.initialPages > Math.min(mem.maxPages, grant.pages)) throw new Halt('memory_limit', `needs ${mem.initialPages} pages, granted ${grant.pages}`);
      memory = new Memory(mem.initialPages);
      for (const d of lm.module.data) memory.write(d.bytes, d.offset);
      const host: HostContext = { world: this.world, now: this.now, origin: this.origin, selfId: lm.id, callerId };
      const mf: ModuleFrame = { lm, memory, caps: grant.caps, budgetPages: grant.pages, host };
      const results = this.runFunction(mf, fi, args);
      return { status: 'ok', results, gasLeft: this.gas };
    } catch (e) {
      if (e instanceof Halt) {
        this.world.revertTo(snap);
        return { status: 'halt', halt: e, results: [], gasLeft: 0 };
      }
      if (e instanceof Revert) {
        this.world.revertTo(snap);
        return { status: 'revert', revertCode: e.code, results: [], gasLeft: this.gas };
      }
      throw e;
    } finally {
      // Nothing keeps the memory past its call (a paused view holds a copy), so its buffer is reused.
      memory?.release();
      this.depth--;
      this.frames = savedFrames;
      this.gas = savedGas;
    }
  }
}

/**
 * The result of a top-level call: its fields as ExecResult says, own and enumerable in the order an
 * object literal would give them (optional ones absent when they do not apply), with `returnData` and
 * `stateDiff` as own getters that build their value on first read — most callers read neither. Built
 * by a constructor with shared getter functions: the object literal with getters and spreads it
 * replaces took ~1.5 µs per call on `npm run bench -- perp` (PFM1; accessors in a literal are defined
 * at run time, with a fresh closure each), this ~0.25 µs.
 */
class CallResult {
  readonly #returned: readonly bigint[];
  #returnData: Uint8Array | undefined;
  readonly #diff: PendingDiff | undefined;
  #noDiff: DiffEntry[] | undefined;

  constructor(out: CallOutcome, gasUsed: number, logs: readonly Log[], diff: PendingDiff | undefined) {
    const self = this as unknown as Record<string, unknown>;
    self.status = out.status;
    if (out.halt) {
      self.halt = out.halt.kind;
      if (out.halt.detail) self.haltDetail = out.halt.detail;
    }
    if (out.revertCode !== undefined) self.revertCode = out.revertCode;
    self.gasUsed = gasUsed;
    self.results = out.results;
    Object.defineProperty(this, 'returnData', RETURN_DATA);
    self.logs = logs;
    Object.defineProperty(this, 'stateDiff', STATE_DIFF);
    this.#returned = out.status === 'ok' ? out.results.slice() : [];
    this.#diff = diff;
  }

  static returnData(r: CallResult): Uint8Array {
    if (!r.#returnData) {
      const data = new Uint8Array(r.#returned.length * 16);
      r.#returned.forEach((w, i) => wordToBytesLE(w, data, 16 * i));
      r.#returnData = data;
    }
    return r.#returnData;
  }

  static stateDiff(r: CallResult): readonly DiffEntry[] {
    return r.#diff ? r.#diff.entries() : (r.#noDiff ??= []);
  }
}

const RETURN_DATA: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: CallResult): Uint8Array {
    return CallResult.returnData(this);
  },
};
const STATE_DIFF: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: CallResult): readonly DiffEntry[] {
    return CallResult.stateDiff(this);
  },
};

/** Encode a typed argument as a word, or say why it does not fit (VM-ABI-001). */
export function encodeArg(t: ValueType, v: bigint): bigint | string {
  switch (t) {
    case 'u128':
      return v >= 0n && v <= U128_MAX ? v : 'outside u128';
    case 'u64':
      return v >= 0n && v <= U64_MAX ? v : 'outside u64';
    case 'bool':
      return v === 0n || v === 1n ? v : 'not a bool (0 or 1)';
    case 'i128':
      return v >= I128_MIN && v <= U128_MAX ? (v < 0n ? fromSigned(v) : v) : 'outside i128';
  }
}

/**
 * Execute `entry` of a stored module at top level. Bad input (unknown entry, wrong argument count or
 * range, bad gas limit) is a UsageError; everything the program does is in the result value.
 */
/** Makes the machine a top-level call runs on: the reference Machine, or a subclass (the fast path). */
export type MachineFactory = (store: ModuleStore, world: World, now: bigint, origin: bigint, trace: boolean, pauseAt: number) => Machine;

const referenceMachine: MachineFactory = (store, world, now, origin, trace, pauseAt) => new Machine(store, world, now, origin, trace, pauseAt);

export function execute(
  store: ModuleStore,
  world: World,
  moduleHash: string,
  entry: string,
  args: readonly bigint[],
  opts: CallOptions,
  newMachine: MachineFactory = referenceMachine,
): ExecResult {
  const lm = store.link(moduleHash);
  const e = lm.entries.get(entry);
  if (!e) throw new UsageError(`module ${lm.hashHex.slice(0, 12)} has no entrypoint ${JSON.stringify(entry)} (has: ${[...lm.entries.keys()].join(', ') || 'none'})`);
  if (args.length !== e.params.length) throw new UsageError(`entrypoint ${entry} takes ${e.params.length} argument(s), got ${args.length}`);
  const words: bigint[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as bigint;
    const w = encodeArg(e.params[i] as ValueType, a);
    if (typeof w === 'string') throw new UsageError(`argument ${i + 1} of ${entry} (${String(a)}) is ${w}`);
    words.push(w);
  }
  if (!Number.isSafeInteger(opts.gasLimit) || opts.gasLimit < 0) throw new UsageError(`gas limit must be an integer in 0..${MAX_GAS_LIMIT}`);
  const pages = opts.memoryPages ?? MAX_PAGES;
  if (!Number.isInteger(pages) || pages < 0 || pages > MAX_PAGES) throw new UsageError(`memory grant must be 0..${MAX_PAGES} pages (${MAX_PAGES * PAGE_BYTES} bytes)`);

  const m = newMachine(store, world, opts.now ?? 0n, opts.origin ?? 0n, opts.trace ?? false, opts.pauseAt ?? -1);
  const snap = world.snapshot();
  const caps = (opts.caps ?? lm.module.caps) & lm.module.caps;
  const out = m.callModule(lm, e.func, words, { gas: opts.gasLimit, caps, pages }, opts.origin ?? 0n);
  const ok = out.status === 'ok';
  // The diff's values are taken now; it and the return data are built on first read (state-diff.ts).
  const result = new CallResult(out, opts.gasLimit - out.gasLeft, world.logs.slice(snap.logs), ok ? world.pendingDiff(snap) : undefined) as unknown as ExecResult & { stateRoot?: string; trace?: readonly TraceStep[] };
  if (opts.stateRoot !== false) result.stateRoot = world.stateRootHex();
  if (m.trace) result.trace = m.trace;
  // A call made outside any pending transaction commits its journal (VM-STATE-003).
  if (snap.journal === 0) world.commit();
  return result;
}

