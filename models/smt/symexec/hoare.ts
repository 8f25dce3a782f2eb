/**
 * A Hoare-triple check over every path of one entrypoint (spec/symexec.md "Obligations"): the executor
 * runs the entry from an unconstrained pre-state; the check says, per path end, which ends it is about
 * (`reach`: the guarded path, whose satisfiability is the non-vacuity witness) and what would violate it;
 * the solver decides; a violating model is replayed on the reference VM and reported as a counterexample
 * only when the obligation's concrete check sees the violation there too.
 */
import type { Model } from 'z3-solver';
import type { CompiledModule } from '../../../reference/compiler/artifact.ts';
import type { ExecResult } from '../../../reference/vm/interpreter.ts';
import type { LoadedModule, ModuleStore } from '../../../reference/vm/store.ts';
import type { World } from '../../../reference/vm/world.ts';
import { modelValue } from '../model-eval.ts';
import type { ObligationResult, ProveOptions } from '../obligation.ts';
import { z3Context, type Z3Context } from '../z3.ts';
import { withoutGasBound } from './gas-free.ts';
import type { Decision } from './decide.ts';
import { abstractNonlinear, abstractRecords } from './nonlinear.ts';
import { decideSliced } from './slice.ts';
import type { Definition } from './step.ts';
import { Explorer, type ExecOutcome } from './explore.ts';
import { concreteInputs, replay, type ReplayInput } from './replay.ts';
import { symbolicInputs, type SymbolicInputs } from './run.ts';
import { loopHeads, parseTarget } from './segments.ts';
import type { PathEnd } from './state.ts';
import { Words, type SymWord, type ZBool } from './word.ts';

export interface Subject {
  readonly mod: CompiledModule;
  readonly store: ModuleStore;
  readonly lm: LoadedModule;
  /** Template source text (record layouts). */
  readonly template: string;
}

export interface Run {
  readonly entry: string;
  readonly lm: LoadedModule;
  readonly inp: SymbolicInputs;
  readonly out: ExecOutcome;
  readonly w: Words;
}

/** What a counterexample replay produced: everything a regression vector needs. */
export interface Replayed {
  readonly subject: Subject;
  readonly entry: string;
  readonly input: ReplayInput;
  readonly result: ExecResult;
  readonly violation: string;
}

export interface Check {
  /** The guarded situation on an end (default: the end is ok). Its satisfiability is the witness. */
  reach(end: PathEnd, run: Run): ZBool | boolean;
  /** The violation on an end (conjoined with the end's path condition and `reach`). */
  violation(end: PathEnd, run: Run): ZBool | boolean;
  /**
   * A prefix check (spec/symexec.md "Event-local obligations"): `reach` and `violation` are called once
   * with a pseudo-end holding every distinct event of every end, and are complete formulas by themselves
   * (no end's path condition is conjoined) — they speak about the state at the events.
   */
  readonly prefix?: boolean;
  /** Extra assumptions about the pre-state (instances of the pre-invariant). */
  assume?(run: Run): (ZBool | boolean)[];
  /**
   * The check does not care how much gas an end used (S8): the ends' gas bounds are dropped when that is
   * equisatisfiable (gas-free.ts) and the models take the largest gas limit.
   */
  readonly gasFree?: boolean;
  /**
   * Each end's path condition joins a violation's query lazily (behind a selector per end, conjunct by
   * conjunct), not as the slice's seed: for checks whose violation needs few of the path's facts (S8).
   */
  readonly lazyEnds?: boolean;
  /** Decide the violations over the nonlinear abstraction (nonlinear.ts), the witness over the formulas as they are. */
  readonly abstractNonlinear?: boolean;
  /** Storage the assumptions speak of beyond what the paths read: a replay materialises it too. */
  materialize?(run: Run): { readonly addr: SymWord; readonly width: number }[];
  /** The violation as seen on the concrete VM (undefined = did not reproduce). */
  concrete(r: ReplayInput, res: ExecResult, post: World, subject: Subject): string | undefined;
}

const runs = new WeakMap<Subject, Map<string, Run>>();

/**
 * run.ts's `runSymbolic` with MULDIVs as defined fresh words (spec/symexec.md "MULDIV"): the obligations'
 * queries add the definitions as assumptions, sliced lazily (slice.ts).
 */
function obligationRun(ctx: Z3Context, lm: LoadedModule, entry: string, inp: SymbolicInputs, func?: number, startAt?: number): ExecOutcome {
  const an = func === undefined ? undefined : lm.analyses[func];
  // a segment run (`@name#i`, segments.ts) ends at the function's loop heads
  const segment = startAt !== undefined && an ? { startAt, stopAt: new Set(loopHeads(an)) } : {};
  return new Explorer(new Words(ctx), {
    ...segment,
    lm,
    entry,
    args: inp.args,
    gasLimit: inp.gasLimit,
    env: { now: inp.now, origin: inp.origin, selfId: lm.id, callerId: inp.caller },
    storage: inp.storage,
    host: inp.custody,
    summarise: true,
    muldiv: 'defined',
    ...(func !== undefined ? { func } : {}),
  }).run();
}

/** The symbolic run of `entry` (cached per subject). */
export function symbolicRun(ctx: Z3Context, s: Subject, entry: string): Run {
  let m = runs.get(s);
  if (!m) runs.set(s, (m = new Map()));
  let r = m.get(entry);
  if (!r) {
    let at: { func?: number; startAt?: number };
    try {
      at = parseTarget(s.mod.asm ?? '', entry);
    } catch (e) {
      throw new Error(`${s.mod.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const inp = symbolicInputs(ctx, s.lm, entry, at.func);
    r = { entry, lm: s.lm, inp, out: obligationRun(ctx, s.lm, entry, inp, at.func, at.startAt), w: new Words(ctx) };
    m.set(entry, r);
  }
  return r;
}

/**
 * Drop the cached run of `entry` (S8's segments: 31 runs per slab kept alive held their terms in the z3
 * heap until a later obligation of the same worker ran out of it).
 */
export function forgetRun(s: Subject, entry: string): void {
  runs.get(s)?.delete(entry);
}

export const okEnd = (e: PathEnd): boolean => e.kind === 'ok';

/**
 * The witness from the formulas as they are, the violations decided over their nonlinear abstraction
 * (nonlinear.ts: unsat there proves them unsat; a model there is only a candidate, replayed as usual).
 */
async function decideAbstracted(ctx: Z3Context, assumptions: readonly (ZBool | boolean)[], violations: readonly (ZBool | boolean)[], timeoutMs: number, defs: readonly Definition[]): Promise<Decision> {
  const sane = await decideSliced(ctx, assumptions, [], timeoutMs, defs);
  if (sane.kind !== 'proved' || violations.length === 0) return sane;
  const abs = abstractRecords(ctx, abstractNonlinear(ctx, [...assumptions, ...violations]));
  // the abstraction generalises the assumptions: the original's witness shows them satisfiable
  const d = await decideSliced(ctx, abs.slice(0, assumptions.length), abs.slice(assumptions.length), timeoutMs, [], sane.witness);
  return d.kind === 'proved' || d.kind === 'violated' ? { ...d, witness: sane.witness } : d;
}

/** The top-level conjuncts of a formula (nested ∧ flattened; `true` none). */
function conjuncts(ctx: Z3Context, b: ZBool | boolean): ZBool[] {
  if (b === true) return [];
  if (b === false) return [ctx.Bool.val(false)];
  return ctx.isAnd(b) ? (b.children() as ZBool[]).flatMap((x) => conjuncts(ctx, x)) : [b];
}

/** A pseudo-end carrying every distinct syscall event of a run, in order (for prefix checks). */
function allEvents(run: Run): PathEnd {
  const byId = new Map<number, PathEnd['events'][number]>();
  for (const e of run.out.ends) for (const x of e.events) byId.set(x.id, x);
  const first = run.out.ends[0] as PathEnd;
  return { ...first, kind: 'ok', pc: true, events: [...byId.values()].sort((a, b) => a.id - b.id) };
}

/** The model's entry arguments, clock and caller (model-eval.ts `modelValue`: a constant word is its literal). */
function modelRecord(model: Model<'main'>, run: Run): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, e: SymWord) => {
    out[name] = '0x' + BigInt(typeof e === 'bigint' ? e : modelValue(run.w.ctx, model, e)).toString(16);
  };
  run.inp.args.forEach((a, i) => put(`arg${i}`, a));
  put('now', run.inp.now);
  put('caller', run.inp.caller);
  return out;
}

/** Decide `check` over every end of `entry`; `onReplay` receives a reproduced counterexample. */
export async function proveHoare(s: Subject, entry: string, check: Check, opts: ProveOptions, onReplay?: (r: Replayed) => void): Promise<ObligationResult> {
  const ctx = await z3Context();
  const run = symbolicRun(ctx, s, entry);
  const w = run.w;
  const or = (xs: (ZBool | boolean)[]): ZBool | boolean => {
    const sym = xs.filter((x): x is ZBool => typeof x !== 'boolean');
    if (xs.some((x) => x === true)) return true;
    return sym.length === 0 ? false : sym.length === 1 ? (sym[0] as ZBool) : ctx.Or(...sym);
  };
  const ends = check.prefix ? [allEvents(run)] : run.out.ends.filter((e) => e.kind !== 'unsupported');
  let reached = ends.map((e) => (check.prefix ? check.reach(e, run) : w.and(e.pc, check.reach(e, run))));
  let viols = ends.map((e) => check.violation(e, run));
  const extra: ZBool[] = [];
  const lim = run.inp.gasLimit;
  if (check.gasFree && typeof lim !== 'bigint') {
    // gas-free.ts: ¬(limit < used) replaced by true, equisatisfiable; models pinned at limit = 2^128 − 1
    const g = withoutGasBound(ctx, lim, [...reached, ...viols]);
    if (g) {
      reached = g.formulas.slice(0, reached.length);
      viols = g.formulas.slice(reached.length);
      extra.push(g.pinned);
    }
  }
  // one alternative per end (each end's path condition slices on its own: slice.ts)
  let violations = ends.map((_e, i) => w.and(reached[i] as ZBool | boolean, viols[i] as ZBool | boolean)).filter((v) => v !== false);
  let reach = or(reached);
  if (check.lazyEnds && ends.length > 0) {
    // each end behind a selector: its path condition's conjuncts join a violation's slice only when a
    // model falsifies them (equisatisfiable: selectors occur positively, one per end)
    const sel = ends.map((_e, i) => ctx.Bool.const(`end.selected${i}`));
    const guarded = reached.flatMap((r, i) => conjuncts(ctx, r).map((c) => ctx.Implies(sel[i] as ZBool, c)));
    extra.push(...guarded);
    // the simplest end first: the witness search narrows the reach to its first smallest disjunct (slice.ts)
    const cost = reached.map((r) => (typeof r === 'boolean' ? 0 : r.sexpr().length));
    reach = or(sel.map((x, i) => [x, i] as const).filter(([, i]) => reached[i] !== false).sort((a, b) => (cost[a[1]] as number) - (cost[b[1]] as number)).map(([x]) => x));
    violations = sel.map((x, i) => (reached[i] === false ? false : w.and(x, viols[i] as ZBool | boolean))).filter((v) => v !== false);
  }
  const paths = run.out.ends.length;
  const assumptions = [...(check.assume?.(run) ?? []), ...run.out.defs.map((x) => x.def), ...extra, reach];
  const d = check.abstractNonlinear ? await decideAbstracted(ctx, assumptions, violations, opts.timeoutMs, run.out.defs) : await decideSliced(ctx, assumptions, violations, opts.timeoutMs, run.out.defs);
  const partial = run.out.partial ? { verdict: 'partial' as const, reason: `paths not covered: ${run.out.partial}` } : undefined;
  switch (d.kind) {
    case 'vacuous':
      return { verdict: 'vacuous', reason: 'no path reaches the guarded situation under the assumptions', smt2: d.smt2, paths };
    case 'unknown':
      return { verdict: 'unknown', reason: d.reason, smt2: d.smt2, paths };
    case 'proved':
      return { ...(partial ?? { verdict: 'proved' }), smt2: d.smt2, witness: modelRecord(d.witness, run), paths };
    case 'violated': {
      const model = modelRecord(d.model, run);
      if (entry.startsWith('@')) return { verdict: 'unknown', reason: `a model violates it at function level (${entry.slice(1)} from any state); not replayable as a call`, smt2: d.smt2, paths, counterexample: { model, reproduced: false } };
      let input: ReplayInput;
      try {
        input = concreteInputs(d.model, s.lm, run.inp, check.materialize ? { ...run.out, reads: [...run.out.reads, ...check.materialize(run)] } : run.out);
      } catch (e) {
        return { verdict: 'unknown', reason: `model could not be made concrete: ${String(e)}`, smt2: d.smt2, paths, counterexample: { model, reproduced: false } };
      }
      const { result, post } = replay(s.store, s.lm, entry, input);
      const seen = check.concrete(input, result, post, s);
      if (seen === undefined) {
        return { verdict: 'unknown', reason: `the solver's model did not reproduce on the VM (status ${result.status})`, smt2: d.smt2, paths, counterexample: { model, reproduced: false } };
      }
      onReplay?.({ subject: s, entry, input, result, violation: seen });
      return { verdict: 'counterexample', reason: seen, smt2: d.smt2, paths, counterexample: { model, reproduced: true } };
    }
  }
}
