/**
 * Query budgets (spec/proofs.md PROOF-RUN-006). A budget is stated in milliseconds of a quiet machine (the
 * `--timeout` of `curve prove`, `ProveOptions.timeoutMs`) and enforced as a z3 resource limit — `rlimit`,
 * z3's count of basic solver steps, which does not depend on the machine's load — of
 * `RLIMIT_PER_MS` units per millisecond; a wall-clock timeout of `WALL_FACTOR` × the budget stays as an outer
 * safety net (a query that ends there says so: the machine was slower than that factor).
 */
export const RLIMIT_PER_MS = 2_000;
export const WALL_FACTOR = 4;
/** z3 takes `rlimit` as an unsigned 32-bit number (0 = no limit). */
const RLIMIT_MAX = 2 ** 32 - 1;

export interface QueryLimits {
  /** z3 resource limit of the query (units of z3's `rlimit count`). */
  readonly rlimit: number;
  /** Wall-clock safety net (ms). */
  readonly wallMs: number;
}

/** The limits of a query whose budget is `budgetMs` quiet-machine milliseconds. */
export function queryLimits(budgetMs: number): QueryLimits {
  return { rlimit: Math.min(RLIMIT_MAX, Math.max(1, Math.round(budgetMs * RLIMIT_PER_MS))), wallMs: Math.max(1, Math.ceil(budgetMs * WALL_FACTOR)) };
}
