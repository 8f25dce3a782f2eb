/**
 * Concrete values of terms under a solver model (issue 5 "Counterexamples", spec/symexec.md "Replay"): the
 * step from a z3 model to the numbers a concrete replay runs with. The first way is z3's own evaluator
 * with model completion (`model.eval(term, true)`), which must answer a numeral. z3's models hold arrays
 * as `(_ as-array k!N)` references to function interpretations, lambdas or store chains, and which form a
 * model takes — and whether the evaluator copes with it (it has answered "Wrong number of arguments (0)
 * passed to function k!N") — depends on the order terms were created in the context. So when the
 * evaluator throws or does not give a numeral, the term is evaluated a second way that reads no function
 * interpretation through the evaluator: every free constant of the term is replaced by a closed value
 * built from the model — a numeral for a scalar, a `store` chain over a constant array for an array
 * (from the as-array function's entries and its else value), the lambda itself for a lambda — and the
 * closed term is folded to a numeral.
 */
import { Z3_decl_kind, type Expr, type FuncDecl, type Model } from 'z3-solver';
import type { Z3Context } from './z3.ts';

type E = Expr<'main'>;
type M = Model<'main'>;

/** A closed numeral or boolean as a bigint / boolean (undefined for anything else). */
export function literal(ctx: Z3Context, e: E): bigint | boolean | undefined {
  if (ctx.isBitVecVal(e) || ctx.isIntVal(e)) return (e as unknown as { value(): bigint }).value();
  if (ctx.isTrue(e)) return true;
  if (ctx.isFalse(e)) return false;
  return undefined;
}

/** The free uninterpreted constants of `e` (0-ary applications that are not values), by AST id. */
function freeConstants(ctx: Z3Context, e: E): E[] {
  const out = new Map<number, E>();
  const seen = new Set<number>();
  const stack: E[] = [e];
  while (stack.length) {
    const t = stack.pop() as E;
    const id = t.id();
    if (seen.has(id)) continue;
    seen.add(id);
    if (!ctx.isApp(t)) continue; // quantifier bodies and bound variables stay as they are
    const n = t.numArgs();
    if (n === 0) {
      if (literal(ctx, t) === undefined && t.decl().kind() === UNINTERPRETED) out.set(id, t);
      continue;
    }
    for (let i = 0; i < n; i++) stack.push(t.arg(i) as E);
  }
  return [...out.values()];
}

const UNINTERPRETED = Z3_decl_kind.Z3_OP_UNINTERPRETED;
const AS_ARRAY = Z3_decl_kind.Z3_OP_AS_ARRAY;

/**
 * The model's interpretation of a declaration (a value or a function interpretation), null when the model
 * has none (z3-solver's getInterp then throws "not a valid ast" rather than answering null).
 */
function interpOf(m: M, d: FuncDecl<'main'>): unknown {
  try {
    return (m as unknown as { getInterp(d: FuncDecl<'main'>): unknown }).getInterp(d);
  } catch {
    return null;
  }
}

/** The model's interpretation of function `f` as a closed array: stores of its entries over its else value. */
function arrayOfFunction(ctx: Z3Context, m: M, f: FuncDecl<'main'>, domain: E): E {
  const interp = interpOf(m, f) as { elseValue(): E; numEntries(): number; entry(i: number): { argValue(i: number): E; value(): E } } | null;
  const sort = domain.sort as unknown as { domain(): never; range(): never };
  if (!interp) return ctx.Array.K(sort.domain(), m.eval(ctx.Const('model.default', sort.range()) as never, true) as never) as unknown as E;
  let a = ctx.Array.K(sort.domain(), closed(ctx, m, interp.elseValue()) as never) as unknown as E;
  for (let i = interp.numEntries() - 1; i >= 0; i--) {
    const en = interp.entry(i);
    a = (a as unknown as { store(k: E, v: E): E }).store(closed(ctx, m, en.argValue(0)), closed(ctx, m, en.value()));
  }
  return a;
}

/** A model value with every `as-array` inside it replaced by the store chain of its function. */
function closed(ctx: Z3Context, m: M, v: E): E {
  if (!ctx.isApp(v) || v.numArgs() === 0) return asArrayFunction(ctx, v) ? arrayOfFunction(ctx, m, asArrayFunction(ctx, v) as FuncDecl<'main'>, v) : v;
  const args = Array.from({ length: v.numArgs() }, (_, i) => v.arg(i) as E);
  const fixed = args.map((x) => closed(ctx, m, x));
  return fixed.every((x, i) => x === args[i]) ? v : (v.decl().call(...(fixed as never[])) as E);
}

/** The function of an `(_ as-array f)` term, if `v` is one. */
function asArrayFunction(ctx: Z3Context, v: E): FuncDecl<'main'> | undefined {
  if (!ctx.isArray(v) || !ctx.isApp(v)) return undefined;
  const d = v.decl();
  if (d.kind() !== AS_ARRAY) return undefined;
  return d.params()[0] as FuncDecl<'main'>;
}


/** The closed value the model gives constant `c` (completion: an unconstrained constant gets a default). */
function valueOf(ctx: Z3Context, m: M, c: E): E {
  const decl = c.decl();
  const interp = interpOf(m, decl) as E | null;
  if (interp === null) return m.eval(c as never, true) as E;
  return closed(ctx, m, interp);
}

/**
 * `e` with every free constant replaced by its closed model value, then evaluated: a closed term needs
 * no interpretation from the model, so the evaluator only folds constants, stores and lambdas.
 */
export function evalBySubstitution(ctx: Z3Context, m: M, e: E): E {
  const pairs = freeConstants(ctx, e).map((c) => [c, valueOf(ctx, m, c)] as [E, E]);
  return m.eval((pairs.length ? ctx.substitute(e, ...pairs) : e) as never, true) as E;
}

/** The value of a bit-vector (or Boolean) term under `m`: z3's evaluator, else substitution (see above). */
export function modelValue(ctx: Z3Context, m: M, e: E): bigint | boolean {
  let first: string;
  try {
    const v = literal(ctx, m.eval(e as never, true) as E);
    if (v !== undefined) return v;
    first = 'not a numeral';
  } catch (err) {
    first = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
  }
  const v = literal(ctx, evalBySubstitution(ctx, m, e));
  if (v === undefined) throw new Error(`the model gives no value to ${e.sexpr().slice(0, 80)} (evaluator: ${first})`);
  return v;
}
