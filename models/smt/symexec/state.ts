/**
 * Symbolic machine state (spec/symexec.md "State"): the function frames of one module call (operand stack
 * and locals as symbolic words), the call's linear memory and the module's storage segment (ByteStore),
 * the host custody, gas used, the path condition, the syscall events of the path, and what a path ends
 * with. States that meet at a join are merged with `ite` on the path condition of one side.
 */
import type { HaltKind } from '../../../reference/vm/halts.ts';
import type { SyscallName } from '../../../reference/vm/syscalls.ts';
import type { FunctionAnalysis } from '../../../reference/vm/validate.ts';
import { ByteStore } from './bytes.ts';
import { Unsupported, type HostModel } from './custody.ts';
import type { SymWord, Words, ZBool } from './word.ts';

export interface SymFrame {
  readonly fn: number;
  readonly an: FunctionAnalysis;
  readonly stack: SymWord[];
  readonly locals: SymWord[];
  /** Index (into an.instrs) of the next instruction. */
  next: number;
}

/** One syscall on a path: its arguments and results, the path condition when it ran, the host around it. */
export interface SysEvent {
  readonly id: number;
  /** The syscall, or `CALLF` for a summarised internal call (a checkpoint: the path went on to there). */
  readonly name: SyscallName | 'CALLF';
  readonly pcOffset: number;
  /** Function index whose body ran it (with pcOffset: the instruction). */
  readonly fn: number;
  readonly args: readonly SymWord[];
  readonly results: readonly SymWord[];
  readonly guard: ZBool | boolean;
  readonly pre: HostModel;
  readonly post: HostModel;
}

export interface SymState {
  frames: SymFrame[];
  memory: ByteStore;
  memPages: number;
  storage: ByteStore;
  host: HostModel;
  gasUsed: SymWord;
  pc: ZBool | boolean;
  events: SysEvent[];
  /** Results of the entry function once it returned. */
  returned?: SymWord[];
  steps: number;
  /** Concrete paths folded into this state by merges. */
  paths: number;
}

export type EndKind = 'ok' | 'revert' | 'halt' | 'unsupported';

/** How one path (or a merged bundle of ok paths) ends. Halts and reverts carry the pre-state. */
export interface PathEnd {
  readonly kind: EndKind;
  readonly pc: ZBool | boolean;
  readonly halt?: HaltKind;
  readonly revertCode?: SymWord;
  readonly results: readonly SymWord[];
  readonly storage: ByteStore;
  readonly host: HostModel;
  readonly gasUsed: SymWord;
  readonly events: readonly SysEvent[];
  readonly paths: number;
  /** Function and byte offset where it ended (not for merged ok ends). */
  readonly at?: { readonly fn: number; readonly pc: number };
  readonly reason?: string;
}

export function cloneState(s: SymState): SymState {
  return {
    ...s,
    frames: s.frames.map((f) => ({ ...f, stack: [...f.stack], locals: [...f.locals] })),
    memory: s.memory.clone(),
    storage: s.storage.clone(),
    events: [...s.events],
  };
}

/** Where a state is: frame depth and each frame's next instruction (states merge only at equal positions). */
export function positionKey(s: SymState): string {
  return s.frames.map((f) => `${f.fn}:${f.next}`).join('/') + (s.returned ? '/ret' : '');
}

const mergeWords = (w: Words, c: ZBool, a: readonly SymWord[], b: readonly SymWord[]): SymWord[] => {
  if (a.length !== b.length) throw new Error('internal: merging states with different stack heights');
  return a.map((x, i) => w.ite(c, x, b[i] as SymWord));
};

/** The top-level conjuncts of a path condition, in order (nested `And`s flattened). */
export function conjuncts(w: Words, pc: ZBool | boolean): ZBool[] {
  if (typeof pc === 'boolean') return pc ? [] : [w.ctx.Bool.val(false)];
  const out: ZBool[] = [];
  const visit = (b: ZBool): void => {
    if (w.ctx.isAnd(b)) for (const x of b.children() as ZBool[]) visit(x);
    else out.push(b);
  };
  visit(pc);
  return out;
}

/**
 * The path condition of two states meeting at a join, factored (spec/symexec.md "Paths"): both sides
 * extend the condition at their fork, so the merged condition is the shared prefix of conjuncts and one
 * disjunction of the two suffixes — not `(P ∧ c ∧ …) ∨ (P ∧ ¬c ∧ …)`, which repeats P at every join. The
 * conditions that dominate the join (every `require` passed before it) stay top-level conjuncts, which
 * is what slicing by the property's cone of influence needs (slice.ts). `side` is a's suffix: it selects
 * a's values wherever the merged condition holds.
 */
export function mergePc(w: Words, a: ZBool | boolean, b: ZBool | boolean): { pc: ZBool | boolean; side: ZBool | boolean } {
  if (a === true || b === true) return { pc: true, side: a };
  const la = conjuncts(w, a);
  const lb = conjuncts(w, b);
  let n = 0;
  while (n < la.length && n < lb.length && (la[n] as ZBool).eqIdentity(lb[n] as ZBool)) n++;
  const ra = w.and(...la.slice(n));
  const rb = w.and(...lb.slice(n));
  const rest = ra === true || rb === true ? true : w.ctx.Or(w.bool(ra), w.bool(rb));
  return { pc: w.and(...la.slice(0, n), rest), side: ra };
}

/** `a` where a.pc holds, else `b` (same position). */
export function mergeStates(w: Words, a: SymState, b: SymState): SymState {
  const m = mergePc(w, a.pc, b.pc);
  const c = w.bool(m.side);
  if (a.memPages !== b.memPages) throw new Unsupported('memory sizes differ at a join');
  const seen = new Set(a.events.map((e) => e.id));
  const events = [...a.events, ...b.events.filter((e) => !seen.has(e.id))].sort((x, y) => x.id - y.id);
  return {
    frames: a.frames.map((f, i) => {
      const g = b.frames[i] as SymFrame;
      return { ...f, stack: mergeWords(w, c, f.stack, g.stack), locals: mergeWords(w, c, f.locals, g.locals) };
    }),
    memory: ByteStore.merge(w, c, a.memory, b.memory),
    memPages: a.memPages,
    storage: ByteStore.merge(w, c, a.storage, b.storage),
    host: a.host === b.host ? a.host : a.host.merge(c, b.host),
    gasUsed: w.ite(c, a.gasUsed, b.gasUsed),
    pc: m.pc,
    events,
    ...(a.returned && b.returned ? { returned: mergeWords(w, c, a.returned, b.returned) } : {}),
    steps: Math.max(a.steps, b.steps),
    paths: a.paths + b.paths,
  };
}
