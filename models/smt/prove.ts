/**
 * The prover (spec/proofs.md §5): runs a list of obligations, each with the per-query solver timeout,
 * and collects the verdicts — proved, counterexample, unknown, partial, vacuous — never collapsed. Time is
 * measured by the caller's clock (models/ reads no clock); an obligation that throws is `unknown` with the
 * error as its reason, so one broken encoding never hides the others.
 */
import type { Family, Level, Obligation, ObligationResult, Verdict } from './obligation.ts';
import { canonicalSmt2, rlimitSpent } from './z3.ts';

export interface ProveEntry {
  readonly id: string;
  readonly family: Family;
  readonly level: Level;
  readonly invariants: readonly string[];
  readonly rules: readonly string[];
  readonly description: string;
  readonly verdict: Verdict;
  readonly reason?: string;
  readonly seconds: number;
  /** CPU seconds of the process that ran it, solver threads included (set by the worker pool). */
  readonly cpuSeconds?: number;
  /**
   * z3 resource units (`rlimit count`) its solver queries spent (PROOF-RUN-006): its cost in a unit that does
   * not depend on the machine's load (absent for an obligation that never reached the solver's meter).
   */
  readonly rlimit?: number;
  readonly result: ObligationResult;
}

export interface ProveReport {
  readonly obligations: number;
  readonly proved: number;
  readonly counterexamples: number;
  readonly unknown: number;
  readonly partial: number;
  readonly vacuous: number;
  readonly seconds: number;
  readonly entries: readonly ProveEntry[];
}

export interface ProveRun {
  /** Per-query budget in quiet-machine milliseconds (a z3 resource limit; PROOF-RUN-006). */
  readonly timeoutMs: number;
  /** The caller's clock in seconds (e.g. performance.now()/1000 in the CLI, a counter in tests). */
  readonly clock: () => number;
  /** Called after each obligation (progress output). */
  readonly onResult?: (e: ProveEntry) => void;
}

/**
 * `--only` selection: an exact id, an id prefix ending at a `/` segment (`SAFE-DEBIT`, `MARGIN/RM3`), an
 * invariant id (`P7`), a family (`margin-math`), a level (`spec`), or a glob with `*`.
 */
export function selectObligations<T extends Obligation>(all: readonly T[], only: string | undefined): T[] {
  if (!only) return [...all];
  const glob = only.includes('*') ? new RegExp(`^${only.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`) : undefined;
  return all.filter((o) => (glob ? glob.test(o.id) : o.id === only || o.id.startsWith(only + '/') || o.invariants.includes(only) || o.family === only || o.level === only));
}

/**
 * Run one obligation with the per-query budget (quiet-machine ms, enforced as a z3 resource limit:
 * models/smt/z3.ts `checkWithin`): an obligation that throws is `unknown` with the error's first line as its
 * reason. `clock` is the caller's (seconds). The entry records the resource units its queries spent.
 */
export async function proveOne(o: Obligation, timeoutMs: number, clock: () => number): Promise<ProveEntry> {
  const start = clock();
  const meter = rlimitSpent();
  let result: ObligationResult;
  try {
    result = await o.run({ timeoutMs });
    if (o.level === 'bytecode') result = await canonicalCertificates(result);
  } catch (e) {
    result = { verdict: 'unknown', reason: `error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, smt2: '' };
  }
  return { ...entryOf(o, result, clock() - start), rlimit: rlimitSpent() - meter };
}

const statusOf = (text: string): string => /\(set-info :status (\w+)\)/.exec(text)?.[1] ?? 'unknown';

/**
 * The bytecode level's certificates are printed by z3, whose output depends on what the context built
 * before (PROOF-CERT-004): each is printed again from a scratch context, so a certificate, and the bundle
 * hash, do not depend on which obligations ran before it in the same worker.
 */
async function canonicalCertificates(r: ObligationResult): Promise<ObligationResult> {
  const one = (t: string): Promise<string> => (t ? canonicalSmt2(t, statusOf(t)) : Promise.resolve(t));
  const smt2 = await one(r.smt2);
  const witnessSmt2 = r.witnessSmt2 ? await Promise.all(r.witnessSmt2.map(one)) : undefined;
  return { ...r, smt2, ...(witnessSmt2 ? { witnessSmt2 } : {}) };
}

/** The report entry of an obligation's result. */
export function entryOf(o: Pick<Obligation, 'id' | 'family' | 'level' | 'invariants' | 'rules' | 'description'>, result: ObligationResult, seconds: number): ProveEntry {
  return {
    id: o.id,
    family: o.family,
    level: o.level,
    invariants: o.invariants,
    rules: o.rules,
    description: o.description,
    verdict: result.verdict,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    seconds,
    result,
  };
}

/** The report of a finished run: its entries (in the order given) and the wall time it took. */
export function reportOf(entries: readonly ProveEntry[], seconds: number): ProveReport {
  const count = (v: Verdict): number => entries.filter((e) => e.verdict === v).length;
  return {
    obligations: entries.length,
    proved: count('proved'),
    counterexamples: count('counterexample'),
    unknown: count('unknown'),
    partial: count('partial'),
    vacuous: count('vacuous'),
    seconds,
    entries,
  };
}

/** Run the obligations one after another in this process (tests; `curve prove` runs them in a worker pool). */
export async function proveAll(obligations: readonly Obligation[], run: ProveRun): Promise<ProveReport> {
  const entries: ProveEntry[] = [];
  const t0 = run.clock();
  for (const o of obligations) {
    const entry = await proveOne(o, run.timeoutMs, run.clock);
    entries.push(entry);
    run.onResult?.(entry);
  }
  return reportOf(entries, run.clock() - t0);
}

/** Every obligation proved (and at least one ran): the only passing outcome. */
export function allProved(r: ProveReport): boolean {
  return r.obligations > 0 && r.proved === r.obligations;
}
