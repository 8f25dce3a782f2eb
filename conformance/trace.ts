/**
 * Per-step traces for `--trace-diff` (spec/conformance.md CONF-TRACE-*): the reference re-runs a failing
 * `vm.call` vector with a trace per call (VM-TRACE-001, in the spirit of EIP-3155: depth, module, fn, pc,
 * op, gas, gasCost, stack, memSize), the implementation returns its own through the adapter protocol's
 * `trace` request, and `firstDivergence` names the first step where the two differ. Traces are advisory:
 * they explain a failure, they never decide a verdict (CONF-CMP-001).
 */
import { CurveError } from '../reference/lib/errors.ts';
import { traceStepJson, type TraceStepJson } from '../reference/vm/result-json.ts';
import type { VmCallInput } from './format.ts';
import { execCall, loadPre, type Request, type RunHooks } from './kinds.ts';

/** One trace per call of the vector; null for a call refused at the boundary (no step ran). */
export type Traces = (TraceStepJson[] | null)[];

/** The handshake feature an adapter lists when it answers `trace` requests (CONF-PROTO-006). */
export const TRACE_FEATURE = 'trace';

/** The kinds with instruction steps: `vm.call` and `vm.trace` (same input shape). */
export const TRACEABLE_KINDS: readonly string[] = ['vm.call', 'vm.trace'];

/** Run a `vm.call` request with tracing on (with the hooks' machine, so mutants trace too). */
export function referenceTraces(req: Request, hooks: RunHooks = {}): Traces {
  if (!TRACEABLE_KINDS.includes(req.kind)) throw new Error(`kind ${req.kind} has no trace`);
  let loaded;
  try {
    loaded = loadPre(req.pre);
  } catch (e) {
    if (e instanceof CurveError) return (req.input as VmCallInput).calls.map(() => null);
    throw e;
  }
  return (req.input as VmCallInput).calls.map((c) => {
    const r = execCall(loaded.store, loaded.world, c, hooks, true);
    return 'error' in r ? null : (r.trace ?? []).map(traceStepJson);
  });
}

/** Trace record fields in VM-TRACE-001 order. */
export const TRACE_FIELDS = ['depth', 'module', 'fn', 'pc', 'op', 'gas', 'gasCost', 'stack', 'memSize'] as const;

export interface Divergence {
  /** Index of the call in `input.calls`. */
  readonly call: number;
  /** 0-based step over the call tree (VM-TRACE-002 numbering). */
  readonly step: number;
  /** Fields that differ at that step; `length` when one trace ended before the other. */
  readonly fields: readonly string[];
  readonly expected: TraceStepJson | null;
  readonly actual: TraceStepJson | null;
  /** The step before, for context (null at step 0). */
  readonly previous: TraceStepJson | null;
}

/** The first step at which two traces differ, or undefined when they are equal. */
export function firstDivergence(expected: Traces, actual: Traces): Divergence | undefined {
  const calls = Math.max(expected.length, actual.length);
  for (let call = 0; call < calls; call++) {
    const e = expected[call] ?? [];
    const a = actual[call] ?? [];
    const n = Math.max(e.length, a.length);
    for (let step = 0; step < n; step++) {
      const x = e[step] ?? null;
      const y = a[step] ?? null;
      const fields = x && y ? TRACE_FIELDS.filter((f) => JSON.stringify(x[f]) !== JSON.stringify(y[f])) : ['length'];
      if (fields.length > 0) return { call, step, fields, expected: x, actual: y, previous: step > 0 ? (e[step - 1] ?? null) : null };
    }
  }
  return undefined;
}

const rec = (s: TraceStepJson | null): string => (s ? JSON.stringify(s) : '(no step: the trace ended)');

/** The text `--trace-diff` prints under a failure. */
export function divergenceText(d: Divergence | undefined | string): string[] {
  if (d === undefined) return ['  trace diff: the traces are identical (the difference is outside the instruction steps)'];
  if (typeof d === 'string') return [`  trace diff: ${d}`];
  const what = d.fields
    .map((f) => (f === 'length' || !d.expected || !d.actual ? 'one trace ended' : `${f} expected ${JSON.stringify(d.expected[f as keyof TraceStepJson])}, actual ${JSON.stringify(d.actual[f as keyof TraceStepJson])}`))
    .join('; ');
  return [
    `  trace diff: first divergence at call ${d.call}, step ${d.step}${d.expected ? ` (${d.expected.op} at pc ${d.expected.pc}, depth ${d.expected.depth})` : ''}: ${what}`,
    ...(d.previous ? [`    previous  ${rec(d.previous)}`] : []),
    `    expected  ${rec(d.expected)}`,
    `    actual    ${rec(d.actual)}`,
  ];
}
