/**
 * The path explorer of the symbolic executor (spec/symexec.md "Paths"): runs one entrypoint of a loaded
 * module from a (symbolic or concrete) pre-state, forking at symbolic branches and merging the sides at
 * the branch's immediate post-dominator, and returns every way the call can end — ok (merged), revert,
 * halt (traps and gas exhaustion), or `unsupported` (a path the executor does not model or a step bound
 * hit: the obligation over it becomes `partial`). Traps, reverts and gas exhaustion are paths too.
 */
import { MAX_PAGES } from '../../../reference/vm/module.ts';
import type { LoadedModule } from '../../../reference/vm/store.ts';
import type { ByteStore } from './bytes.ts';
import { EXIT, NONE, postDominators } from './cfg.ts';
import { Unsupported, type CallEnv, type HostModel } from './custody.ts';
import { cloneState, mergeStates, positionKey, type PathEnd, type SymState } from './state.ts';
import { step, type Definition, type StepContext } from './step.ts';
import type { SymWord, Words, ZBool } from './word.ts';

export interface ExecRequest {
  readonly lm: LoadedModule;
  readonly entry: string;
  readonly args: readonly SymWord[];
  readonly gasLimit: SymWord;
  readonly env: CallEnv;
  readonly storage: ByteStore;
  readonly host: HostModel;
  /** Effective capabilities (default: all the module declares). */
  readonly caps?: number;
  readonly memoryPages?: number;
  /** Instructions one path may run before it is cut (a `partial` verdict). Default 200 000. */
  readonly maxSteps?: number;
  /**
   * Start inside the module at this function (a function-level run, spec/symexec.md "Function-level
   * obligations"): `args` are its parameters and the call's memory is unconstrained at its largest size.
   */
  readonly func?: number;
  /** Replace custody-free looping/calling internal calls by havoc summaries (summary.ts). Default false. */
  readonly summarise?: boolean;
  /** Symbolic MULDIVs inline (`exact`, default) or as fresh words with definitions (`defined`, step.ts). */
  readonly muldiv?: 'exact' | 'defined';
  /**
   * A segment run (spec/symexec.md "S8"): start `func` at this instruction index (a loop head) with every
   * local a fresh word, and end, as an `ok` end, wherever the function's own frame reaches one of `stopAt`
   * (its loop heads) again.
   */
  readonly startAt?: number;
  readonly stopAt?: ReadonlySet<number>;
}

export interface ExecOutcome {
  readonly ends: readonly PathEnd[];
  /** Concrete paths covered (merged ok paths counted one by one). */
  readonly paths: number;
  /** Why some paths were not covered, when any were not. */
  readonly partial?: string;
  /** Storage reads of every path (address, width, the path condition there). */
  readonly reads: readonly { readonly addr: SymWord; readonly width: number; readonly pc?: ZBool | boolean }[];
  /** Definitions of the fresh words of `defined` MULDIVs: assumptions of every query over this run. */
  readonly defs: readonly Definition[];
  /** The storage segments havoc summaries left (their callee's contract may be assumed of them). */
  readonly havocs: readonly ByteStore[];
}

type Stop = { readonly depth: number; readonly index: number } | { readonly depth: number; readonly exit: true };

const DEFAULT_MAX_STEPS = 200_000;

export class Explorer {
  private readonly ipdoms = new Map<number, Int32Array>();
  private readonly x: StepContext;
  private readonly maxSteps: number;

  constructor(
    readonly w: Words,
    readonly req: ExecRequest,
  ) {
    this.maxSteps = req.maxSteps ?? DEFAULT_MAX_STEPS;
    this.x = {
      w,
      lm: req.lm,
      env: req.env,
      gasLimit: req.gasLimit,
      caps: (req.caps ?? req.lm.module.caps) & req.lm.module.caps,
      budgetPages: req.memoryPages ?? MAX_PAGES,
      preStorage: req.storage,
      preHost: req.host,
      nextEventId: 0,
      freshCount: 0,
      summarise: req.summarise ?? false,
      reads: [],
      muldiv: req.muldiv ?? 'exact',
      defs: [],
      havocs: [],
    };
  }

  private ipdom(fn: number): Int32Array {
    let p = this.ipdoms.get(fn);
    if (!p) {
      const an = this.req.lm.analyses[fn];
      if (!an) throw new Error(`internal: function ${fn} missing`);
      p = postDominators(an.instrs, an.indexOfPc);
      this.ipdoms.set(fn, p);
    }
    return p;
  }

  run(): ExecOutcome {
    const { lm, entry, args } = this.req;
    const func = this.req.func ?? lm.entries.get(entry)?.func;
    if (func === undefined) throw new Error(`module has no entry ${entry}`);
    const def = lm.module.functions[func];
    const an = lm.analyses[func];
    if (!def || !an) throw new Error('internal: entry function missing');
    const ends: PathEnd[] = [];
    const mem = lm.module.memory;
    if (mem.initialPages > Math.min(mem.maxPages, this.x.budgetPages)) {
      ends.push({ kind: 'halt', pc: true, halt: 'memory_limit', results: [], storage: this.req.storage, host: this.req.host, gasUsed: this.req.gasLimit, events: [], paths: 1 });
      return this.finish(ends);
    }
    const inside = this.req.func !== undefined;
    const memory = inside ? this.req.storage.havoc('pre.memory') : initialMemory(this.req.storage, lm);
    const start = this.req.startAt ?? 0;
    const locals = start === 0 ? [...args, ...new Array<SymWord>(def.locals).fill(0n)] : Array.from({ length: def.params + def.locals }, (_, i) => this.w.fresh(`seg.local${i}`));
    const init: SymState = {
      frames: [{ fn: func, an, stack: [], locals, next: start }],
      memory,
      memPages: inside ? Math.min(mem.maxPages, this.x.budgetPages) : mem.initialPages,
      storage: this.req.storage.clone(),
      host: this.req.host,
      gasUsed: 0n,
      pc: true,
      events: [],
      steps: 0,
      paths: 1,
    };
    for (const s of this.explore(init, { depth: 1, exit: true }, ends)) {
      const ret = s.returned ?? [];
      ends.push({ kind: 'ok', pc: s.pc, results: ret, storage: s.storage, host: s.host, gasUsed: s.gasUsed, events: s.events, paths: s.paths });
    }
    return this.finish(ends);
  }

  /** Split every end by gas exhaustion when its gas is symbolic (spec/symexec.md "Gas"). */
  private finish(raw: readonly PathEnd[]): ExecOutcome {
    const w = this.w;
    const limit = this.req.gasLimit;
    const ends: PathEnd[] = [];
    for (const end of raw) {
      if (end.kind === 'halt' && end.halt === 'out_of_gas') {
        ends.push(end);
        continue;
      }
      // a trap's end carries the gas used up to the trap (step.ts haltEnd): more than the limit means the
      // interpreter ran out of gas before it; a trap that does happen reports the whole limit used
      const gasUsed = end.kind === 'halt' ? limit : end.gasUsed;
      if (typeof end.gasUsed === 'bigint' && typeof limit === 'bigint') {
        ends.push({ ...end, gasUsed });
        continue;
      }
      const over = w.ult(limit, end.gasUsed);
      ends.push({ ...end, pc: w.and(end.pc, w.not(over)), gasUsed });
      // gas may run out anywhere on the path, before any of its syscalls: the split end claims none. An
      // unsupported end is split too: its gas so far is a lower bound of what the interpreter uses to get
      // there, so above the limit the interpreter ran out of gas first (SYMEXEC-HONEST-SYM seed 83201079:
      // an MCOPY of a symbolic length under a zero gas limit had no end whose condition held)
      const { revertCode: _code, reason: _reason, ...rest } = end;
      ends.push({ ...rest, kind: 'halt', halt: 'out_of_gas', pc: w.and(end.pc, over), results: [], storage: this.req.storage, host: this.req.host, gasUsed: limit, events: [] });
    }
    const unsupported = ends.filter((e) => e.kind === 'unsupported');
    const paths = ends.reduce((n, e) => n + e.paths, 0);
    const { reads, defs, havocs } = this.x;
    return unsupported.length ? { ends, paths, reads, defs, havocs, partial: [...new Set(unsupported.map((e) => e.reason))].join('; ') } : { ends, paths, reads, defs, havocs };
  }

  /** A segment run's state back at a loop head of its own frame (not the state it started with). */
  private segmentEnd(s: SymState): boolean {
    const at = this.req.stopAt;
    return at !== undefined && s.steps > 0 && s.frames.length === 1 && at.has((s.frames[0] as { next: number }).next);
  }

  private reached(s: SymState, stop: Stop): boolean {
    if ('exit' in stop) return s.frames.length < stop.depth;
    if (s.frames.length < stop.depth) return true;
    return s.frames.length === stop.depth && (s.frames[s.frames.length - 1] as { next: number }).next === stop.index;
  }

  /**
   * Run `start` until every surviving state reaches `stop`; returns them merged by position (normally one
   * state). Ends found on the way are appended to `ends`.
   */
  private explore(start: SymState, stop: Stop, ends: PathEnd[]): SymState[] {
    const work: SymState[] = [start];
    const arrived: SymState[] = [];
    while (work.length) {
      let s = work.pop() as SymState;
      for (;;) {
        if (this.segmentEnd(s)) {
          const top = s.frames[0] as { fn: number; next: number };
          ends.push({ kind: 'ok', pc: s.pc, results: [], storage: s.storage, host: s.host, gasUsed: s.gasUsed, events: s.events, paths: s.paths, at: { fn: top.fn, pc: (this.req.lm.analyses[top.fn]?.instrs[top.next]?.pc ?? -1) } });
          break;
        }
        if (this.reached(s, stop)) {
          arrived.push(s);
          break;
        }
        if (s.steps > this.maxSteps) {
          ends.push({ kind: 'unsupported', pc: s.pc, results: [], storage: s.storage, host: s.host, gasUsed: s.gasUsed, events: s.events, paths: s.paths, reason: `path bound of ${this.maxSteps} steps hit` });
          break;
        }
        const out = step(this.x, s);
        ends.push(...out.ends);
        if (out.done && !s.returned) break;
        if (!out.fork) continue;
        const depth = s.frames.length;
        const top = s.frames[depth - 1] as { fn: number; next: number };
        const at = this.ipdom(top.fn)[top.next - 1] as number;
        const inner: Stop = at === EXIT ? { depth, exit: true } : at === NONE ? stop : { depth, index: at };
        const taken = cloneState(s);
        taken.pc = this.w.and(s.pc, out.fork.cond);
        (taken.frames[depth - 1] as { next: number }).next = out.fork.target;
        s.pc = this.w.and(s.pc, this.w.not(out.fork.cond));
        let lives: SymState[];
        try {
          lives = this.mergeByPosition([...this.explore(taken, inner, ends), ...this.explore(s, inner, ends)]);
        } catch (e) {
          if (!(e instanceof Unsupported)) throw e;
          ends.push({ kind: 'unsupported', pc: s.pc, results: [], storage: s.storage, host: s.host, gasUsed: s.gasUsed, events: s.events, paths: 1, reason: e.message });
          break;
        }
        if (inner === stop) {
          arrived.push(...lives);
          break;
        }
        const [first, ...rest] = lives;
        if (!first) break;
        work.push(...rest);
        s = first;
      }
    }
    return this.mergeByPosition(arrived);
  }

  private mergeByPosition(states: readonly SymState[]): SymState[] {
    const groups = new Map<string, SymState>();
    for (const s of states) {
      const k = positionKey(s);
      const g = groups.get(k);
      groups.set(k, g ? mergeStates(this.w, s, g) : s);
    }
    return [...groups.values()];
  }
}

function initialMemory(storage: ByteStore, lm: LoadedModule): ByteStore {
  const bytes: [number, number][] = [];
  for (const d of lm.module.data) d.bytes.forEach((b, i) => bytes.push([d.offset + i, b]));
  // a fresh, zeroed memory with the data segments (VM-MEM-001); `storage` only supplies the Words
  return storage.freshZeros(bytes);
}
