/**
 * A spec-level obligation (spec/proofs.md §3): declared variables with bounds, assumptions (the guarded
 * path), named paths that must be reachable, and the property — run as three kinds of query:
 *
 * 1. the assumptions alone must be sat (a witness model), and so must each named path: otherwise the
 *    obligation is `vacuous`, a failure;
 * 2. assumptions ∧ ¬property unsat ⇒ `proved`;
 * 3. sat ⇒ the solver model is re-executed concretely by `replay` (the golden model's functions, or the
 *    formula's TS implementation) and reported as a `counterexample` only if the violation reproduces;
 *    otherwise `unknown` with the reason. A solver `unknown`/timeout is `unknown`, never a pass.
 *
 * The negated query and the witness queries are rendered as SMT-LIB2 (the certificates of spec/proofs.md §5).
 */
import type { Bool, Expr } from 'z3-solver';
import type { Family, Obligation, ObligationResult, ProveOptions } from '../obligation.ts';
import { checkWithin, z3Context, type Z3Context } from '../z3.ts';
import { Vars } from './encoding.ts';

export type Values = Readonly<Record<string, bigint>>;
export type Logic = 'QF_NIA' | 'QF_LIA' | 'QF_BV';

/** A named sub-term of the encoding with the model function it mirrors (checked by the drift property). */
export interface SpecTerm {
  readonly smt: Expr<'main'>;
  readonly model: (x: Values) => bigint | boolean;
}

export interface Encoded {
  /** Preconditions and the guarded path (the variables' declared ranges are added automatically). */
  readonly assume: readonly Bool<'main'>[];
  /** Paths that must each be reachable under the assumptions (the non-vacuity witnesses). */
  readonly reach?: Readonly<Record<string, Bool<'main'>>>;
  readonly prove: Bool<'main'>;
  readonly terms?: Readonly<Record<string, SpecTerm>>;
  /** Extra conditions under which `terms` mirror the model (e.g. a book's ascending prices), beyond the assumptions. */
  readonly termDomain?: Bool<'main'>;
}

export interface SpecDef {
  readonly id: string;
  readonly family: Family;
  readonly invariants: readonly string[];
  readonly rules: readonly string[];
  readonly description: string;
  /** The declared bounds and any axiomatisation, in words (spec/proofs.md lists them). */
  readonly bounds: string;
  readonly logic: Logic;
  encode(ctx: Z3Context, v: Vars): Encoded;
  /** Concrete re-execution of a model: a description of the violation, or null when the property holds. */
  replay(x: Values): string | null;
}

export interface Built {
  readonly ctx: Z3Context;
  readonly vars: Vars;
  readonly enc: Encoded;
  readonly hyps: Bool<'main'>[];
}

export async function buildSpec(def: SpecDef): Promise<Built> {
  const ctx = await z3Context();
  const vars = new Vars(ctx);
  const enc = def.encode(ctx, vars);
  return { ctx, vars, enc, hyps: [...vars.bounds(), ...enc.assume] };
}

/** SMT-LIB2 text of a conjunction over the obligation's variables, with its expected answer. */
export function smtlib(def: SpecDef, vars: Vars, asserts: readonly Bool<'main'>[], expect: 'sat' | 'unsat', title: string): string {
  const lines = [
    `; ${def.id} — ${title}`,
    `; rules: ${def.rules.join(' ')}; invariants: ${def.invariants.join(' ')}`,
    `; bounds: ${def.bounds}`,
    `(set-info :status ${expect})`,
    `(set-logic ${def.logic})`,
    ...vars.decls.map((d) => `(declare-fun ${d.name} () ${d.domain === 'int' ? 'Int' : '(_ BitVec 128)'})`),
    ...asserts.map((a) => `(assert ${a.sexpr()})`),
    '(check-sat)',
    '(exit)',
  ];
  return lines.join('\n') + '\n';
}

function numeral(ctx: Z3Context, e: Expr<'main'>): bigint | boolean | undefined {
  if (ctx.isIntVal(e)) return e.value();
  if (ctx.isBitVecVal(e)) return e.value();
  if (ctx.isTrue(e)) return true;
  if (ctx.isFalse(e)) return false;
  return undefined;
}

/** Read every declared variable from the current model (unconstrained ones default to 0). */
function modelValues(b: Built, m: ReturnType<InstanceType<Z3Context['Solver']>['model']>): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const d of b.vars.decls) {
    const v = numeral(b.ctx, m.eval(d.expr, true));
    if (typeof v !== 'bigint') throw new Error(`internal: model value of ${d.name} is not a numeral`);
    out[d.name] = v;
  }
  return out;
}

/** JSON text of a model outcome, bigints as decimal strings (for a counterexample's description). */
export const json = (o: unknown): string => JSON.stringify(o, (_k, y: unknown) => (typeof y === 'bigint' ? y.toString() : y));

const show = (x: Values): Record<string, string> => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v.toString()]));

/** Evaluate an expression of the encoding at a concrete assignment (z3 `simplify` after substitution). */
export async function evaluate(b: Built, e: Expr<'main'>, x: Values): Promise<bigint | boolean> {
  const s = await b.ctx.simplify(b.ctx.substitute(e, ...b.vars.constants(x)));
  const v = numeral(b.ctx, s);
  if (v === undefined) throw new Error(`internal: ${e.sexpr().slice(0, 80)} did not evaluate to a constant`);
  return v;
}

/** Whether the assignment satisfies the declared bounds and assumptions. */
export async function assumptionsHold(b: Built, x: Values): Promise<boolean> {
  for (const h of b.hyps) if ((await evaluate(b, h, x)) !== true) return false;
  return true;
}

type Answer = { readonly r: 'sat'; readonly x: Record<string, bigint> } | { readonly r: 'unsat' } | { readonly r: 'unknown'; readonly reason: string };

/**
 * One query on a fresh solver for the obligation's logic (the logic-specific solver is much faster on
 * QF_BV; a fresh solver per query also avoids a crash of the WASM build in incremental mode).
 */
async function query(b: Built, logic: Logic, asserts: readonly Bool<'main'>[], timeoutMs: number): Promise<Answer> {
  const solver = new (b.ctx.Solver as unknown as new (logic: string) => InstanceType<Z3Context['Solver']>)(logic);
  try {
    solver.add(...asserts);
    const { result: r, reason } = await checkWithin(solver, timeoutMs);
    if (r === 'sat') return { r, x: modelValues(b, solver.model()) };
    if (r === 'unsat') return { r };
    return { r, reason };
  } finally {
    solver.release?.();
  }
}

/** A model of the assumptions (the witness query alone), e.g. to seed the drift property with an in-bounds point. */
export async function findWitness(b: Built, logic: Logic, timeoutMs: number): Promise<Values | undefined> {
  const w = await query(b, logic, b.hyps, timeoutMs);
  return w.r === 'sat' ? w.x : undefined;
}

export async function runSpec(def: SpecDef, opts: ProveOptions): Promise<ObligationResult> {
  const b = await buildSpec(def);
  const { ctx, enc, hyps } = b;
  const negated = [...hyps, ctx.Not(enc.prove)];
  const smt2 = smtlib(def, b.vars, negated, 'unsat', 'negated property (unsat = proved)');
  const paths = Object.entries(enc.reach ?? {});
  const witnessSmt2 = [
    smtlib(def, b.vars, hyps, 'sat', 'assumptions (sat = not vacuous)'),
    ...paths.map(([name, c]) => smtlib(def, b.vars, [...hyps, c], 'sat', `path ${name} reachable`)),
  ];
  const base = { smt2, witnessSmt2 };
  const w = await query(b, def.logic, hyps, opts.timeoutMs);
  if (w.r === 'unsat') return { ...base, verdict: 'vacuous', reason: 'the assumptions are unsatisfiable' };
  if (w.r === 'unknown') return { ...base, verdict: 'unknown', reason: `witness query: ${w.reason}` };
  const witness = show(w.x);
  for (const [name, c] of paths) {
    const p = await query(b, def.logic, [...hyps, c], opts.timeoutMs);
    if (p.r === 'unsat') return { ...base, witness, verdict: 'vacuous', reason: `path ${name} is unreachable under the assumptions` };
    if (p.r === 'unknown') return { ...base, witness, verdict: 'unknown', reason: `path ${name}: ${p.reason}` };
  }
  const n = await query(b, def.logic, negated, opts.timeoutMs);
  if (n.r === 'unsat') return { ...base, witness, verdict: 'proved' };
  if (n.r === 'unknown') return { ...base, witness, verdict: 'unknown', reason: n.reason };
  let violation: string | null;
  try {
    violation = def.replay(n.x);
  } catch (e) {
    violation = `replay failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (violation === null) {
    return { ...base, witness, verdict: 'unknown', reason: 'the solver found a model but it does not violate the property when re-executed concretely', counterexample: { model: show(n.x), reproduced: false } };
  }
  return { ...base, witness, verdict: 'counterexample', reason: violation, counterexample: { model: show(n.x), reproduced: true } };
}

/** The obligation of a definition (level `spec`). */
export function specObligation(def: SpecDef): Obligation & { readonly def: SpecDef } {
  return {
    id: def.id,
    family: def.family,
    level: 'spec',
    invariants: def.invariants,
    rules: def.rules,
    description: def.description,
    def,
    run: (opts) => runSpec(def, opts),
  };
}
