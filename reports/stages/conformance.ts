/**
 * Gate `conformance` (spec/gate.md GATE-CONF-001): every conformance vector against the reference, in
 * process (conformance/runner.ts), with spec-rule coverage (rule ids from conformance/coverage.ts). A failing vector
 * fails the gate and names the `curve conformance --filter <id>` that reproduces it; vectors citing
 * PERP_DESIGN invariant ids are evidence for the matrix.
 */
import { definedIds, perpIds } from '../../conformance/coverage.ts';
import { failureText, referenceImplementation, runVectors, summarize } from '../../conformance/runner.ts';
import type { Stage } from '../stage.ts';
import { outcome, statusOf, threshold, thresholdReasons, type EvidenceItem } from '../types.ts';

const MAX_REPRODUCE = 10;

/** The area of a vector: its folder under conformance/vectors (`opcodes`, `calls`, …). */
export function areaOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? (parts[0] as string) : file.replace(/\.json$/, '');
}

/** The family of a VM rule id: `VM-GAS-003` → `VM-GAS`. */
const familyOf = (rule: string): string => rule.split('-').slice(0, 2).join('-');

export const conformanceStage: Stage = {
  name: 'conformance',
  title: 'Conformance vectors',
  async run(ctx) {
    const { vectors, vectorProblems } = ctx.inputs;
    const limits = ctx.config.stages.conformance;
    const t0 = ctx.clock();
    const outcomes = await runVectors(referenceImplementation(), vectors, { clock: ctx.clock });
    const s = summarize('reference (in process)', outcomes, vectorProblems.length, (ctx.clock() - t0) / 1000);
    const failed = outcomes.filter((x) => x.verdict === 'fail');

    const vmIds = definedIds(ctx.inputs.vmSpecText, 'VM');
    const perp = perpIds(ctx.inputs.designText);
    const counts = new Map<string, number>();
    for (const { vector } of vectors) for (const c of vector.covers) counts.set(c, (counts.get(c) ?? 0) + 1);
    const uncoveredVm = vmIds.filter((r) => !counts.has(r));
    const uncoveredPerp = perp.filter((r) => !counts.has(r));
    const verdictOf = new Map(outcomes.map((x) => [x.id, x.verdict]));
    const perpSet = new Set(perp);
    const evidence: EvidenceItem[] = vectors.flatMap(({ vector }) =>
      vector.covers.filter((c) => perpSet.has(c)).map((c) => ({ invariant: c, kind: 'vector' as const, ref: vector.id, status: verdictOf.get(vector.id) === 'pass' ? ('pass' as const) : verdictOf.get(vector.id) === 'fail' ? ('fail' as const) : ('pending' as const) })),
    );

    const byArea = new Map<string, { pass: number; fail: number; skip: number }>();
    outcomes.forEach((x) => {
      const a = byArea.get(areaOf(x.file)) ?? { pass: 0, fail: 0, skip: 0 };
      a[x.verdict] += 1;
      byArea.set(areaOf(x.file), a);
    });
    const families = new Map<string, { covered: number; uncovered: number }>();
    for (const rule of vmIds) {
      const f = families.get(familyOf(rule)) ?? { covered: 0, uncovered: 0 };
      if (counts.has(rule)) f.covered += 1;
      else f.uncovered += 1;
      families.set(familyOf(rule), f);
    }

    const thresholds = [threshold('failed vectors', s.failed, '<=', limits.maxFailures), threshold('malformed vectors', s.malformed, '<=', limits.maxMalformed), threshold('vectors run', s.vectors, '>=', limits.minVectors)];
    const status = statusOf(thresholds);
    const covered = vmIds.length - uncoveredVm.length;
    return outcome({
      status,
      summary: `ran ${s.vectors} conformance vectors against the reference in process`,
      figures: {
        vectors: s.vectors,
        passed: s.passed,
        failed: s.failed,
        skipped: s.skipped,
        malformed: s.malformed,
        vm_rules: vmIds.length,
        vm_rules_covered: covered,
        perp_invariants_covered: perp.length - uncoveredPerp.length,
      },
      thresholds,
      reasons: [...thresholdReasons(thresholds), ...failed.slice(0, MAX_REPRODUCE).map((x) => `vector ${x.id} fails (covers ${x.covers.join(', ') || '—'})`), ...vectorProblems.map((p) => `malformed vector: ${p}`)],
      reproduce: failed.slice(0, MAX_REPRODUCE).map((x) => `curve conformance --filter '${x.id}'`),
      evidence,
      details: [...failed.slice(0, MAX_REPRODUCE).flatMap((x) => failureText(x).split('\n')), `uncovered VM rules (${uncoveredVm.length} of ${vmIds.length}): ${uncoveredVm.join(', ') || 'none'}`],
      charts: [
        { id: 'conformance-areas', title: 'Conformance results by area', kind: 'grouped-bar', x: 'area', y: 'vectors', series: 'result', rows: [...byArea].flatMap(([area, c]) => (['pass', 'fail', 'skip'] as const).filter((k) => c[k] > 0).map((k) => ({ area, result: k, vectors: c[k] }))) },
        { id: 'conformance-coverage', title: 'Spec-rule coverage by VM rule family', kind: 'grouped-bar', x: 'family', y: 'rules', series: 'coverage', rows: [...families].flatMap(([family, c]) => [{ family, coverage: 'covered', rules: c.covered }, { family, coverage: 'uncovered', rules: c.uncovered }]) },
      ],
    });
  },
};
