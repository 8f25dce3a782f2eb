/**
 * The verdict (spec/gate.md GATE-VERDICT-*): the design's five go/no-go criteria (PERP_DESIGN.md
 * "Go/no-go acceptance"), each decided from the gates' evidence — the stages it needs must pass, its
 * figure thresholds must hold (an absent figure is no evidence, never a pass), and, where configured,
 * every invariant id must have passing evidence. GO only when every criterion and every gate passes.
 */
import { CRITERIA, type CriterionName, type GateConfig } from './config.ts';
import type { Matrix } from './matrix.ts';
import { threshold, type StageRecord, type Threshold } from './types.ts';

export const CRITERION_TITLES: Readonly<Record<CriterionName, string>> = {
  safety: 'Safety',
  capitalEfficiency: 'Capital efficiency',
  performance: 'Performance',
  antiToxicity: 'Anti-toxicity efficacy',
  reliability: 'Reliability',
};

export interface CriterionResult {
  readonly name: CriterionName;
  readonly title: string;
  readonly description: string;
  readonly passed: boolean;
  readonly stages: readonly { readonly name: string; readonly status: string }[];
  readonly checks: readonly (Threshold & { readonly stage: string })[];
  readonly reasons: readonly string[];
}

export interface Verdict {
  readonly verdict: 'GO' | 'NO-GO';
  readonly criteria: readonly CriterionResult[];
  /** Every NO-GO reason, criteria first, then failing gates no criterion names. */
  readonly reasons: readonly string[];
}

const MAX_IDS = 12;
const list = (ids: readonly string[]): string => (ids.length > MAX_IDS ? `${ids.slice(0, MAX_IDS).join(', ')}, … (${ids.length} in all)` : ids.join(', '));

function stageReason(r: StageRecord | undefined, name: string): string | undefined {
  if (!r) return `gate ${name} was not run`;
  if (r.status === 'pass') return undefined;
  const first = r.reasons[0] ?? (r.status === 'no-evidence' ? 'no evidence' : 'failed');
  return `gate ${name} ${r.status === 'no-evidence' ? 'has no evidence' : 'failed'}: ${first.replace(/^no evidence: /, '')}`;
}

function criterion(name: CriterionName, config: GateConfig, records: ReadonlyMap<string, StageRecord>, matrix: Matrix): CriterionResult {
  const c = config.criteria[name];
  const reasons: string[] = [];
  const stages = c.stages.map((s) => ({ name: s, status: records.get(s)?.status ?? 'not run' }));
  for (const s of c.stages) {
    const why = stageReason(records.get(s), s);
    if (why) reasons.push(why);
  }
  const checks = c.checks.map((ch) => {
    const fig = records.get(ch.stage)?.figures[ch.figure];
    const t = { ...threshold(ch.figure, fig ?? null, ch.op, ch.limit), stage: ch.stage };
    if (!t.passed) reasons.push(fig === undefined || fig === null ? `no evidence: figure ${ch.figure} of gate ${ch.stage} is absent (needs ${ch.op} ${String(ch.limit)})` : `${ch.figure} = ${String(fig)} (gate ${ch.stage}) needs ${ch.op} ${String(ch.limit)}`);
    return t;
  });
  if (c.matrix) {
    if (matrix.failing.length) reasons.push(`evidence fails for ${matrix.failing.length} invariant id(s): ${list(matrix.failing)}`);
    if (matrix.noEvidence.length) reasons.push(`no evidence for ${matrix.noEvidence.length} of ${matrix.ids} invariant id(s): ${list(matrix.noEvidence)}`);
  }
  return { name, title: CRITERION_TITLES[name], description: c.description, passed: reasons.length === 0, stages, checks, reasons };
}

/** GATE-VERDICT-001/002. */
export function decide(config: GateConfig, records: readonly StageRecord[], matrix: Matrix): Verdict {
  const byName = new Map(records.map((r) => [r.name, r]));
  const criteria = CRITERIA.map((n) => criterion(n, config, byName, matrix));
  const named = new Set(CRITERIA.flatMap((n) => config.criteria[n].stages));
  const reasons = [...new Set(criteria.flatMap((c) => c.reasons.map((r) => `${c.title}: ${r}`)))];
  for (const r of records) if (!named.has(r.name) && r.status !== 'pass') reasons.push(stageReason(r, r.name) as string);
  const go = criteria.every((c) => c.passed) && records.every((r) => r.status === 'pass');
  return { verdict: go ? 'GO' : 'NO-GO', criteria, reasons };
}
