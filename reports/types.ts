/**
 * The data a gate run produces (spec/gate.md GATE-STAGE-*, GATE-EVID-*): what each stage returns, the
 * evidence items the matrix is built from, and the thresholds it was judged by. Plain data: the renderers
 * (Markdown, HTML, JSON, JUnit) read nothing else.
 */

export type Profile = 'quick' | 'full';
export const PROFILES: readonly Profile[] = ['quick', 'full'];

/** A figure a stage measured or counted; null when the producer gave none. */
export type Figure = number | string | boolean | null;

/** What kind of check an evidence item is (GATE-EVID-001). */
export type EvidenceKind = 'proof' | 'vector' | 'test' | 'model-check' | 'vm-differential' | 'soak' | 'bench';
export const EVIDENCE_KINDS: readonly EvidenceKind[] = ['proof', 'vector', 'test', 'model-check', 'vm-differential', 'soak', 'bench'];

/** pass: it ran and held; fail: it ran and did not; pending: it exists but gave no verdict in this run. */
export type EvidenceStatus = 'pass' | 'fail' | 'pending';

/** One check covering one invariant id (GATE-EVID-001). */
export interface EvidenceItem {
  readonly invariant: string;
  readonly kind: EvidenceKind;
  /** What covers it: an obligation id, a vector id, `file › test title`, a checker name. */
  readonly ref: string;
  readonly status: EvidenceStatus;
  readonly detail?: string;
}

/** A threshold applied to a figure (GATE-CFG-*): `actual op limit`. */
export interface Threshold {
  readonly name: string;
  readonly actual: Figure;
  readonly op: '<=' | '>=' | '<' | '>' | '==';
  readonly limit: number | boolean | string;
  readonly passed: boolean;
}

/** Rows for a chart; the renderer turns them into a vega-lite spec (reports/charts.ts). */
export interface ChartData {
  readonly id: string;
  readonly title: string;
  readonly kind: 'bar' | 'grouped-bar';
  /** Field names in `rows`: category on x, value on y, optional series for grouped bars. */
  readonly x: string;
  readonly y: string;
  readonly series?: string;
  readonly rows: readonly Readonly<Record<string, string | number>>[];
}

/**
 * pass: it ran and every threshold held; fail: it ran and something did not hold; no-evidence: its
 * producer does not exist (yet) or produced nothing, so nothing was checked (GATE-STAGE-003).
 */
export type StageStatus = 'pass' | 'fail' | 'no-evidence';

/** What a stage returns (GATE-STAGE-002). */
export interface StageOutcome {
  readonly status: StageStatus;
  /** One sentence: what ran. */
  readonly summary: string;
  readonly figures: Readonly<Record<string, Figure>>;
  readonly thresholds: readonly Threshold[];
  /** Why it failed or has no evidence, one line each. */
  readonly reasons: readonly string[];
  /** Commands that reproduce a failure (a seed, a vector id, an obligation id). */
  readonly reproduce: readonly string[];
  readonly evidence: readonly EvidenceItem[];
  readonly charts: readonly ChartData[];
  /** Extra lines for the report (diagnostics, failing vector diffs), capped by the stage. */
  readonly details: readonly string[];
  /** Files to write beside the report (the manifests), by name. */
  readonly files?: ReadonlyMap<string, string | Uint8Array>;
}

/** A stage's outcome as recorded by the runner (GATE-STAGE-004). */
export interface StageRecord extends StageOutcome {
  readonly name: string;
  readonly title: string;
  readonly passed: boolean;
  readonly seconds: number;
}

/** An outcome with the fields a stage rarely sets filled with empties. */
export function outcome(o: Pick<StageOutcome, 'status' | 'summary'> & Partial<StageOutcome>): StageOutcome {
  return { figures: {}, thresholds: [], reasons: [], reproduce: [], evidence: [], charts: [], details: [], ...o };
}

/** The outcome of a stage whose producer is absent: no evidence, a NO-GO reason naming what is missing. */
export function noEvidence(summary: string, reason: string, extra: Partial<StageOutcome> = {}): StageOutcome {
  return outcome({ status: 'no-evidence', summary, reasons: [`no evidence: ${reason}`], ...extra });
}

/** `actual op limit`; a missing (null) figure never passes. */
export function threshold(name: string, actual: Figure, op: Threshold['op'], limit: number | boolean | string): Threshold {
  let passed: boolean;
  if (actual === null) passed = false;
  else if (op === '==') passed = actual === limit;
  else if (typeof actual !== 'number' || typeof limit !== 'number') passed = false;
  else passed = op === '<=' ? actual <= limit : op === '>=' ? actual >= limit : op === '<' ? actual < limit : actual > limit;
  return { name, actual, op, limit, passed };
}

/** The status of a stage from its thresholds and extra failure reasons. */
export function statusOf(thresholds: readonly Threshold[], failures: readonly string[] = []): StageStatus {
  return thresholds.every((t) => t.passed) && failures.length === 0 ? 'pass' : 'fail';
}

/** Reasons for each threshold that did not hold. */
export function thresholdReasons(thresholds: readonly Threshold[]): string[] {
  return thresholds.filter((t) => !t.passed).map((t) => `${t.name} = ${t.actual === null ? 'absent' : String(t.actual)}, needs ${t.op} ${String(t.limit)}`);
}
