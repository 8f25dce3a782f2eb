/**
 * The runner (spec/conformance.md CONF-RUN-*): runs selected vectors against an implementation — the
 * reference in process, or any command behind the adapter protocol (conformance/protocol.ts) — and
 * compares each actual result with the expected one field by field. A failure of the implementation
 * (crash, timeout, malformed answer) is a failure of that vector, never of the runner.
 */
import type { Vector } from './format.ts';
import { requestOf } from './format.ts';
import './kinds-all.ts';
import { diffJson, kindHandler, kindNames, maskDiffs, type FieldDiff, type Request, type RunHooks } from './kinds.ts';
import { TRACEABLE_KINDS, divergenceText, firstDivergence, referenceTraces, type Divergence, type Traces } from './trace.ts';

/** An implementation under test. */
export interface Implementation {
  readonly name: string;
  /** Vector kinds it runs; others are skipped (CONF-PROTO-002). */
  readonly features: readonly string[];
  run(req: Request): Promise<{ readonly actual: unknown } | { readonly failure: string }>;
  /** Per-step traces of a `vm.call` request (CONF-TRACE-001); absent when the implementation has none. */
  trace?(req: Request): Promise<{ readonly traces: Traces } | { readonly failure: string }>;
  close(): Promise<void>;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] : String(e)) ?? '';

/** The reference, in process; `hooks` lets the mutation measure inject a faulty interpreter. */
export function referenceImplementation(hooks: RunHooks = {}, name = 'reference (in process)'): Implementation {
  return {
    name,
    features: kindNames(),
    run: (req) => {
      const h = kindHandler(req.kind);
      if (!h) return Promise.resolve({ failure: `unsupported kind ${req.kind}` });
      try {
        return Promise.resolve({ actual: h.run(req, hooks) });
      } catch (e) {
        return Promise.resolve({ failure: `implementation error: ${errorText(e)}` });
      }
    },
    trace: (req) => {
      try {
        return Promise.resolve({ traces: referenceTraces(req, hooks) });
      } catch (e) {
        return Promise.resolve({ failure: `trace error: ${errorText(e)}` });
      }
    },
    close: () => Promise.resolve(),
  };
}

export type Verdict = 'pass' | 'fail' | 'skip';

export interface Outcome {
  readonly id: string;
  readonly file: string;
  readonly covers: readonly string[];
  readonly verdict: Verdict;
  /** Field differences (empty unless a comparison failed). */
  readonly diffs: readonly FieldDiff[];
  /** Why it failed or was skipped when there is no diff (crash, timeout, unsupported kind, nondeterminism). */
  readonly message?: string;
  /** With `--trace-diff`: the first step where the traces diverge, or why there is no trace diff. */
  readonly traceDiff?: Divergence | string | null;
  readonly seconds: number;
}

export interface RunOptions {
  /** Field names masked from the comparison (`--ignore gasUsed`). */
  readonly ignore?: readonly string[];
  /** Run each vector this many times and flag any difference between runs (`--repeat`). */
  readonly repeat?: number;
  /** Wall-clock source (the CLI passes performance.now); the runner itself reads no clock. */
  readonly clock?: () => number;
  /** Stop at the first failure (the mutation measure: one failing vector kills a mutant). */
  readonly stopAtFirstFailure?: boolean;
  /** Re-run a failing `vm.call` vector on both sides with traces and report the first divergence. */
  readonly traceDiff?: boolean;
}

/** CONF-TRACE-002: the reference's traces against the implementation's; null when they are equal. */
async function traceDiffOf(impl: Implementation, req: Request): Promise<Divergence | string | null> {
  if (!TRACEABLE_KINDS.includes(req.kind)) return `kind ${req.kind} has no per-step trace`;
  if (!impl.trace) return `${impl.name} does not offer traces (adapter feature "trace", spec/conformance.md CONF-PROTO-006)`;
  const actual = await impl.trace(req);
  if ('failure' in actual) return actual.failure;
  return firstDivergence(referenceTraces(req), actual.traces) ?? null;
}

/** Run one vector: compare, and with `repeat` > 1 compare the runs with each other. */
async function runOne(impl: Implementation, v: Vector, file: string, o: RunOptions): Promise<Outcome> {
  const clock = o.clock ?? (() => 0);
  const t0 = clock();
  const base = { id: v.id, file, covers: v.covers };
  const done = (verdict: Verdict, diffs: readonly FieldDiff[], message?: string): Outcome => ({ ...base, verdict, diffs, ...(message ? { message } : {}), seconds: (clock() - t0) / 1000 });
  if (!impl.features.includes(v.kind)) return done('skip', [], `the implementation does not support kind ${v.kind}`);
  const req = requestOf(v);
  let first: unknown;
  for (let i = 0; i < Math.max(1, o.repeat ?? 1); i++) {
    const r = await impl.run(req);
    if ('failure' in r) return done('fail', [], i === 0 ? r.failure : `run ${i + 1}: ${r.failure}`);
    if (i === 0) {
      first = r.actual;
      const diffs = maskDiffs(diffJson(v.expect, r.actual), o.ignore ?? []);
      if (diffs.length > 0) {
        if (!o.traceDiff) return done('fail', diffs);
        return { ...done('fail', diffs), traceDiff: await traceDiffOf(impl, req) };
      }
    } else {
      const drift = diffJson(first, r.actual);
      if (drift.length > 0) return done('fail', drift, `nondeterministic: run ${i + 1} differs from run 1`);
    }
  }
  return done('pass', []);
}

export interface Summary {
  readonly implementation: string;
  readonly vectors: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Malformed vectors and files (reported, not run). */
  readonly malformed: number;
  readonly seconds: number;
  /** Masked fields, so a masked run says so (CONF-CMP-003). */
  readonly ignored: readonly string[];
}

/** Run vectors in order against one implementation; closes it at the end. */
export async function runVectors(impl: Implementation, vectors: readonly { vector: Vector; file: string }[], o: RunOptions = {}, onOutcome?: (x: Outcome) => void): Promise<Outcome[]> {
  const out: Outcome[] = [];
  try {
    for (const { vector, file } of vectors) {
      const x = await runOne(impl, vector, file, o);
      out.push(x);
      onOutcome?.(x);
      if (o.stopAtFirstFailure && x.verdict === 'fail') break;
    }
  } finally {
    await impl.close();
  }
  return out;
}

export function summarize(impl: string, outcomes: readonly Outcome[], malformed: number, seconds: number, ignored: readonly string[] = []): Summary {
  const count = (v: Verdict): number => outcomes.filter((x) => x.verdict === v).length;
  return { implementation: impl, vectors: outcomes.length, passed: count('pass'), failed: count('fail'), skipped: count('skip'), malformed, seconds, ignored };
}

const show = (x: unknown): string => (x === undefined ? '(absent)' : JSON.stringify(x));

/** The text of one failure: the vector id, the rule ids it covers, and each differing field (CONF-CMP-002). */
export function failureText(x: Outcome): string {
  const lines = [`FAIL ${x.id}  (${x.file})`, `  covers ${x.covers.join(', ') || '—'}`];
  if (x.message) lines.push(`  ${x.message}`);
  for (const d of x.diffs) lines.push(`  ${d.path}: expected ${show(d.expected)}, actual ${show(d.actual)}`);
  if (x.traceDiff !== undefined) lines.push(...divergenceText(x.traceDiff ?? undefined));
  return lines.join('\n');
}

const xml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** JUnit XML (CONF-RUN-006): one testcase per vector, classname = its file, a failure with the diff text. */
export function junitXml(s: Summary, outcomes: readonly Outcome[], problems: readonly string[] = []): string {
  const cases = outcomes.map((x) => {
    const head = `    <testcase classname="${xml(x.file)}" name="${xml(x.id)}" time="${x.seconds.toFixed(4)}"`;
    if (x.verdict === 'pass') return `${head}/>`;
    if (x.verdict === 'skip') return `${head}>\n      <skipped message="${xml(x.message ?? '')}"/>\n    </testcase>`;
    const first = x.diffs[0];
    const message = x.message ?? (first ? `${first.path}: expected ${show(first.expected)}, actual ${show(first.actual)}` : 'failed');
    return `${head}>\n      <failure message="${xml(message)}">${xml(failureText(x))}</failure>\n    </testcase>`;
  });
  const bad = problems.map((p, i) => `    <testcase classname="malformed" name="malformed-${i + 1}"><error message="${xml(p)}"/></testcase>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="curve conformance" tests="${s.vectors + s.malformed}" failures="${s.failed}" errors="${s.malformed}" skipped="${s.skipped}" time="${s.seconds.toFixed(3)}">`,
    `  <testsuite name="${xml(s.implementation)}" tests="${s.vectors + s.malformed}" failures="${s.failed}" errors="${s.malformed}" skipped="${s.skipped}" time="${s.seconds.toFixed(3)}">`,
    ...cases,
    ...bad,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
