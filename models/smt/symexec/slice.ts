/**
 * Deciding a bytecode obligation by lazy slicing of its path condition (spec/symexec.md "Slicing"). The
 * query (assumptions ∧ violation) is a conjunction of top-level conjuncts — path conditions are kept
 * factored at joins (state.ts `mergePc`), so every `require` passed and every trap excluded is one. Most of
 * them (hash checks, 256-bit MULDIVs of the tax, the kill band) are irrelevant to a given property, yet
 * bit-blasting them is what made z3 time out on the slab's commit. So the solver starts from a slice and
 * adds conjuncts on demand:
 *
 * - unsat of a slice ⇒ unsat of the whole query (a slice is weaker: dropping conjuncts is sound). The
 *   certificate is the slice that was refuted (it implies the full query's unsatisfiability).
 * - sat of a slice gives a model m; every dropped conjunct is evaluated under m (with model completion).
 *   If all hold, m satisfies the whole query — a genuine model (then replayed on the VM as usual). Else the
 *   conjuncts m falsifies join the slice and the solver runs again.
 *
 * The same loop finds the witness of the assumptions (non-vacuity): its model satisfies every conjunct,
 * so it is a model of the full guarded situation, never of a slice. Verdicts are those of decide.ts.
 */
import type { Expr as ZExpr, Model } from 'z3-solver';
import { checkWithin, type Z3Context } from '../z3.ts';
import type { Decision } from './decide.ts';
import type { Definition } from './step.ts';
import type { BV, ZBool } from './word.ts';

type Expr = ZExpr<'main'>;

/** Top-level conjuncts of formulas (nested `And` flattened), duplicates (by AST identity) dropped. */
function flatten(ctx: Z3Context, xs: readonly (ZBool | boolean)[]): ZBool[] | false {
  const out: ZBool[] = [];
  const seen = new Set<number>();
  let bottom = false;
  const visit = (b: ZBool | boolean): void => {
    if (b === true) return;
    if (b === false) {
      bottom = true;
      return;
    }
    if (ctx.isAnd(b)) for (const x of b.children() as ZBool[]) visit(x);
    else if (ctx.isTrue(b)) return;
    else if (!seen.has(b.id())) {
      seen.add(b.id());
      out.push(b);
    }
  };
  xs.forEach(visit);
  return bottom ? false : out;
}

/** Refinement rounds before giving up (each adds one conjunct; queries have tens of them). */
const MAX_ROUNDS = 64;
/** Printed size below which a falsified conjunct always joins the slice with the smallest one. */
const CHEAP = 2000;

const sizes = new WeakMap<object, number>();
/** Printed size of a conjunct (a proxy for its cost to the solver), computed once. */
function size(x: ZBool): number {
  let n = sizes.get(x);
  if (n === undefined) sizes.set(x, (n = x.sexpr().length));
  return n;
}

type Lazy = { readonly kind: 'sat'; readonly model: Model<'main'>; readonly used: ZBool[] } | { readonly kind: 'unsat'; readonly used: ZBool[] } | { readonly kind: 'unknown'; readonly reason: string; readonly used: ZBool[] };

/** Satisfiability of ∧ `all`, starting from `seed` and adding the conjuncts each model falsifies. */
async function lazyCheck(ctx: Z3Context, all: readonly ZBool[], seed: readonly ZBool[], timeoutMs: number, avoid?: ReadonlyMap<number, ZBool>): Promise<Lazy> {
  const inSlice = new Set(seed.map((x) => x.id()));
  const used = [...seed];
  // strengthenings (a witness search only): "this path does not run that MULDIV"
  let prefs: { def: ZBool; not: ZBool }[] = [];
  for (let round = 0; ; round++) {
    if (round === MAX_ROUNDS) return { kind: 'unknown', reason: `no decision after ${MAX_ROUNDS} slices`, used };
    // a fresh solver per slice: z3's incremental mode skips the bit-vector preprocessing (10× slower here)
    const s = new ctx.Solver();
    let r: 'sat' | 'unsat' | 'unknown';
    let m: Model<'main'> | undefined;
    let why = '';
    // released at once: the z3 WASM heap is not the JS heap (decide.ts)
    try {
      for (const x of used) s.add(x);
      for (const p of prefs) s.add(p.not);
      const c = await checkWithin(s, timeoutMs);
      r = c.result;
      if (r === 'sat') m = s.model();
      if (r === 'unknown') why = c.reason;
    } finally {
      s.release();
    }
    if (r === 'unsat' && prefs.length) {
      // the preferred paths are infeasible: take the definitions themselves instead
      for (const p of prefs) used.push(p.def);
      prefs = [];
      continue;
    }
    if (r === 'unsat') return { kind: 'unsat', used };
    if (r === 'unknown' || !m) return { kind: 'unknown', reason: why, used };
    const model = m;
    const bad = all.filter((x) => !inSlice.has(x.id()) && !ctx.isTrue(model.eval(x, true)));
    if (bad.length === 0) return { kind: 'sat', model, used: [...used, ...prefs.map((p) => p.not)] };
    // the small falsified conjuncts (up to 4× the smallest, or CHEAP): the slice stays about as small as
    // the refutation needs, in few rounds (each costs a solver start)
    const least = Math.min(...bad.map(size));
    for (const x of bad.filter((y) => size(y) <= Math.max(4 * least, CHEAP))) {
      inSlice.add(x.id());
      const not = avoid?.get(x.id());
      if (not) prefs.push({ def: x, not });
      else used.push(x);
    }
  }
}

const smt2Of = (ctx: Z3Context, xs: readonly ZBool[]): string => {
  const s = new ctx.Solver();
  try {
    for (const x of xs) s.add(x);
    return s.toSmtlib2('unknown');
  } finally {
    s.release();
  }
};

/**
 * The bit-vector terms a violation compares (arguments of its atoms under the Boolean connectives), minus
 * numerals and plain constants: the candidates for abstraction.
 */
function keyTerms(ctx: Z3Context, seed: readonly ZBool[]): Expr[] {
  const out = new Map<number, Expr>();
  const visit = (e: Expr): void => {
    if (ctx.isAnd(e) || ctx.isOr(e) || ctx.isNot(e) || ctx.isImplies(e)) {
      for (const x of (e as ZBool).children() as Expr[]) visit(x);
      return;
    }
    if (!ctx.isApp(e)) return;
    for (const x of (e as ZBool).children() as Expr[]) if (ctx.isBitVec(x) && !ctx.isBitVecVal(x) && !ctx.isConst(x)) out.set(x.id(), x);
  };
  seed.forEach(visit);
  return [...out.values()];
}

/**
 * Phase 1 (spec/symexec.md "Slicing"): the terms the violation compares that the path condition also
 * mentions (a debit amount computed by MULDIVs, say) are replaced by fresh words everywhere, and only the
 * conjuncts that mentioned them start the slice. Replacing a term by a fresh variable generalises the
 * query, so an unsatisfiable abstraction proves the obligation (`unsat`); a satisfiable one says nothing
 * (`open`), and the caller goes on without the abstraction.
 */
async function abstractCheck(ctx: Z3Context, base: readonly ZBool[], seed: readonly ZBool[], timeoutMs: number): Promise<{ kind: 'unsat'; used: ZBool[] } | { kind: 'open' }> {
  // only terms the path condition mentions too: abstracting one it does not would free the violation
  const shared = keyTerms(ctx, seed).filter((k) => {
    const v = ctx.BitVec.const('slice.probe', (k as BV).size());
    return base.some((x) => ctx.substitute(x, [k, v]).id() !== x.id());
  });
  if (shared.length === 0) return { kind: 'open' };
  const pairs = shared.map((k, i) => [k, ctx.BitVec.const(`slice.abstract${i}`, (k as BV).size())] as [Expr, Expr]);
  const sub = (x: ZBool): ZBool => ctx.substitute(x, ...pairs) as ZBool;
  const abs = base.map(sub);
  const related = abs.filter((x, i) => x.id() !== (base[i] as ZBool).id());
  if (related.length === 0) return { kind: 'open' };
  const r = await lazyCheck(ctx, [...abs, ...seed.map(sub)], [...seed.map(sub), ...related], timeoutMs);
  return r.kind === 'unsat' ? { kind: 'unsat', used: r.used } : { kind: 'open' };
}

/** Each top-level disjunction replaced by its smallest disjunct (a strengthening: for witnesses only). */
function narrowed(ctx: Z3Context, base: readonly ZBool[]): ZBool[] | undefined {
  let changed = false;
  const out = base.map((x) => {
    if (!ctx.isOr(x)) return x;
    changed = true;
    return (x.children() as ZBool[]).reduce((a, b) => (size(a) <= size(b) ? a : b));
  });
  return changed ? (flatten(ctx, out) as ZBool[]) : undefined;
}

/**
 * decide.ts's contract (witness first — vacuous when the assumptions are unsatisfiable — then the
 * violations: proved when every one is unsatisfiable) with lazily sliced queries. `violations` are
 * alternatives (one per path end: each end's path condition is a conjunction, so each slices well); the
 * certificate of a proof is the disjunction of the refuted slices. A `known` witness (a model of formulas
 * the assumptions generalise, so they are satisfiable) skips the witness search. The witness is first sought with each
 * disjunction of the assumptions (the "some end is reached" of a check) narrowed to its smallest
 * disjunct: a model of that is a model of the assumptions. The timeout applies to each solver query
 * (models/ reads no clock), at most MAX_ROUNDS slices per decision.
 */
export async function decideSliced(ctx: Z3Context, assumptions: readonly (ZBool | boolean)[], violations: readonly (ZBool | boolean)[], timeoutMs: number, defs: readonly Definition[] = [], known?: Model<'main'>): Promise<Decision> {
  const base = flatten(ctx, assumptions);
  const bottom = ctx.Bool.val(false);
  if (base === false) return { kind: 'vacuous', smt2: smt2Of(ctx, [bottom]) };
  // the witness search first tries to avoid the MULDIVs whose definitions its models falsify
  const avoid = new Map(defs.filter((x) => x.guard !== true).map((x) => [x.def.id(), ctx.Not(x.guard as ZBool)]));
  const narrow = narrowed(ctx, base);
  // `known`: a witness found already (of formulas these generalise, hoare.ts decideAbstracted): no search
  let sane: Lazy | undefined = known ? { kind: 'sat', model: known, used: [] } : undefined;
  if (!sane) sane = narrow ? await lazyCheck(ctx, narrow, [], timeoutMs, avoid) : undefined;
  if (!sane || sane.kind !== 'sat') sane = await lazyCheck(ctx, base, [], timeoutMs, avoid);
  if (sane.kind === 'unsat') return { kind: 'vacuous', smt2: smt2Of(ctx, sane.used) };
  if (sane.kind === 'unknown') return { kind: 'unknown', smt2: smt2Of(ctx, base), reason: `the assumptions' satisfiability is unknown (${sane.reason})` };
  const witness = sane.model;
  const inBase = new Set(base.map((x) => x.id()));
  const refuted: ZBool[] = [];
  for (const violation of violations) {
    const full = flatten(ctx, [...assumptions, violation]);
    if (full === false) continue;
    const seed = full.filter((x) => !inBase.has(x.id()));
    const a = await abstractCheck(ctx, base, seed, timeoutMs);
    if (a.kind === 'unsat') {
      refuted.push(ctx.And(...a.used));
      continue;
    }
    const r = await lazyCheck(ctx, full, seed, timeoutMs);
    if (r.kind === 'unsat') {
      refuted.push(ctx.And(...r.used));
      continue;
    }
    if (r.kind === 'unknown') return { kind: 'unknown', smt2: smt2Of(ctx, full), reason: `solver gave up (${r.reason})` };
    return { kind: 'violated', smt2: smt2Of(ctx, full), witness, model: r.model };
  }
  return { kind: 'proved', smt2: smt2Of(ctx, refuted.length ? [refuted.length === 1 ? (refuted[0] as ZBool) : ctx.Or(...refuted)] : [bottom]), witness };
}
