/**
 * One z3-solver (WASM) instance per process, shared by every obligation: `z3()` initialises it on first use;
 * `closeZ3()` ends its worker threads so the process exits by itself (call it once, after the last query).
 */
import { init, killThreads, Z3_ast_print_mode, Z3_error_code, type Context, type Solver } from 'z3-solver';
import { queryLimits, WALL_FACTOR, type QueryLimits } from './budget.ts';

export type Z3 = Awaited<ReturnType<typeof init>>;
/** The high-level context type (`Z3.Context('main')`). */
export type Z3Context = Context<'main'>;

let instance: Promise<Z3> | undefined;
let ctx: Z3Context | undefined;

/** The shared z3 API (initialised once). */
export function z3(): Promise<Z3> {
  instance ??= init();
  return instance;
}

/** The shared high-level context `main`. */
export async function z3Context(): Promise<Z3Context> {
  const api = await z3();
  ctx ??= api.Context('main');
  return ctx;
}

/** Ends the solver's worker threads; later calls to `z3()` start a fresh instance. */
export async function closeZ3(): Promise<void> {
  if (!instance) return;
  const api = await instance;
  instance = undefined;
  ctx = undefined;
  await killThreads(api.em);
}

/** The context's `rlimit count` as a solver reports it (cumulative per context; a 32-bit statistic). */
function rlimitCount(s: Solver<'main'>): number {
  const st = s.statistics();
  try {
    return st.keys().includes('rlimit count') ? st.get('rlimit count') : 0;
  } finally {
    st.release();
  }
}

let spent = 0;

/**
 * Resource units spent by every `checkWithin` of this process so far: the prover reads it before and after
 * an obligation (ProveEntry.rlimit), a load-independent measure of its cost.
 */
export function rlimitSpent(): number {
  return spent;
}

export interface Checked {
  readonly result: 'sat' | 'unsat' | 'unknown';
  /** Why an `unknown`: the resource limit, the wall-clock safety net, or z3's own reason. */
  readonly reason: string;
  /** Resource units this query spent. */
  readonly rlimit: number;
}

/**
 * `s.check()` under a budget (quiet-machine ms, or explicit limits): every solver query of the prover goes
 * through here (PROOF-RUN-006), so its verdict depends on the query, not on the machine's load.
 */
export async function checkWithin(s: Solver<'main'>, budget: number | QueryLimits): Promise<Checked> {
  const lim = typeof budget === 'number' ? queryLimits(budget) : budget;
  s.set('rlimit', lim.rlimit);
  s.set('timeout', lim.wallMs);
  const before = rlimitCount(s);
  const result = await s.check();
  const used = (rlimitCount(s) - before) >>> 0;
  spent += used;
  if (result !== 'unknown') return { result, reason: '', rlimit: used };
  const why = s.reasonUnknown();
  const reason =
    used >= lim.rlimit
      ? `resource limit reached (rlimit ${lim.rlimit}${typeof budget === 'number' ? `, the budget of ${budget} ms` : ''})`
      : why === 'timeout'
        ? `wall-clock safety net of ${lim.wallMs} ms reached before the resource limit (rlimit ${used} of ${lim.rlimit}): the machine ran slower than ${WALL_FACTOR}× a quiet one`
        : why || 'solver gave up';
  return { result, reason, rlimit: used };
}

/** The solver build behind `z3()` (for certificates), as z3 reports it: e.g. "Z3 5.1.0.0". */
export async function z3Version(): Promise<string> {
  const api = await z3();
  return api.Z3.get_full_version();
}

/**
 * A certificate printed by z3 (`Solver.toSmtlib2`) in a form that depends only on the formula (spec/proofs.md
 * PROOF-CERT-004). z3's printer names its `let` bindings after AST ids (`?x24359`) and binds a subterm only
 * when its reference count in the whole context is above one, so the same query printed in a context that
 * built other terms before (the obligations run earlier in the same process) comes out different. The text is
 * parsed into a scratch context that holds nothing else and printed again there (reference counts are then the
 * formula's own sharing), and the `let` names are numbered in order of first appearance. The assertions and
 * their order are kept; the status line is the one given.
 */
export async function canonicalSmt2(text: string, status = 'unknown'): Promise<string> {
  const { Z3 } = await z3();
  const cfg = Z3.mk_config();
  const c = Z3.mk_context_rc(cfg);
  Z3.del_config(cfg);
  try {
    Z3.set_ast_print_mode(c, Z3_ast_print_mode.Z3_PRINT_SMTLIB2_COMPLIANT);
    const v = Z3.parse_smtlib2_string(c, text, [], [], [], []);
    if (Z3.get_error_code(c) !== Z3_error_code.Z3_OK) throw new Error(`certificate does not parse: ${Z3.get_error_msg(c, Z3.get_error_code(c))}`);
    Z3.ast_vector_inc_ref(c, v);
    const n = Z3.ast_vector_size(c, v);
    const all = Array.from({ length: n }, (_, i) => Z3.ast_vector_get(c, v, i));
    const formula = n > 0 ? (all.pop() as (typeof all)[number]) : Z3.mk_true(c);
    const printed = Z3.benchmark_to_smtlib_string(c, '', '', status, '', all, formula);
    Z3.ast_vector_dec_ref(c, v);
    return renumberLets(printed);
  } finally {
    Z3.del_context(c);
  }
}

/** z3's `let` names (`?xN` terms, `$xN` formulas, outside |quoted| symbols) numbered by first appearance. */
export function renumberLets(text: string): string {
  const names = new Map<string, number>();
  return text.replace(/\|[^|]*\||([?$])x(\d+)\b/g, (all, sigil: string | undefined, n: string) => {
    if (!sigil) return all;
    const key = sigil + n;
    if (!names.has(key)) names.set(key, names.size + 1);
    return `${sigil}x${names.get(key)}`;
  });
}
