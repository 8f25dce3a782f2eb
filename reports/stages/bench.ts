/**
 * Gate `bench` (spec/gate.md GATE-BENCH-*): the benchmarks summary — the CurveVM-vs-ethereumjs bench
 * (bench/vm.ts) and the perp bench (bench/perp.ts: VM vs model commit throughput, reserve/commit
 * latency, inserts/s, capital-efficiency and anti-toxicity figures). Its figures feed the performance,
 * capital-efficiency and anti-toxicity criteria; without the perp bench those have no evidence.
 */
import type { Stage } from '../stage.ts';
import { outcome, threshold, thresholdReasons, type ChartData, type EvidenceItem, type Figure, type Threshold } from '../types.ts';

/** Figures of the perp bench the performance budget (PFM1) is judged on. */
export const PFM1_FIGURES = ['reserve_median_us', 'commit_median_us', 'inserts_per_s'] as const;

export const benchStage: Stage = {
  name: 'bench',
  title: 'Benchmarks summary',
  async run(ctx) {
    const limits = ctx.config.stages.bench;
    const figures: Record<string, Figure> = {};
    const thresholds: Threshold[] = [];
    const reasons: string[] = [];
    const rows: { bench: string; ratio: number }[] = [];
    const ran: string[] = [];

    if (ctx.settings.bench.vm && ctx.producers.vmBench) {
      ctx.progress('CurveVM vs ethereumjs');
      const vm = await ctx.producers.vmBench();
      for (const w of vm.workloads) {
        const ratio = typeof w['ratio'] === 'number' ? w['ratio'] : null;
        figures[`vm_${String(w['name'])}_ratio`] = ratio;
        if (ratio !== null) rows.push({ bench: `vm ${String(w['name'])} (CurveVM/ethereumjs)`, ratio });
      }
      const ratios = vm.workloads.map((w) => w['ratio']).filter((r): r is number => typeof r === 'number');
      thresholds.push(threshold('slowest CurveVM/ethereumjs ratio', ratios.length ? Math.min(...ratios) : null, '>=', limits.minVmRatio));
      ran.push(`CurveVM vs ethereumjs (${vm.workloads.length} workloads)`);
    } else ran.push(ctx.settings.bench.vm ? 'no VM bench available' : 'VM bench skipped by the profile');

    const evidence: EvidenceItem[] = [];
    let perpRan = false;
    if (ctx.producers.perpBench) {
      ctx.progress(`perp bench (${ctx.settings.bench.perpScale})`);
      const p = await ctx.producers.perpBench({ scale: ctx.settings.bench.perpScale });
      for (const [k, v] of Object.entries(p)) if (v !== undefined && (typeof v !== 'object' || v === null)) figures[k] = v;
      if (typeof p['ratio'] === 'number') rows.push({ bench: 'perp commits (VM/model)', ratio: p['ratio'] });
      const perf = ctx.config.criteria.performance.checks.filter((c) => c.stage === 'bench');
      const pfm = perf.map((c) => threshold(c.figure, figures[c.figure] ?? null, c.op, c.limit));
      evidence.push({ invariant: 'PFM1', kind: 'bench', ref: 'bench/perp.ts micro-benchmarks', status: pfm.length && pfm.every((t) => t.passed) ? 'pass' : 'fail', detail: pfm.map((t) => `${t.name}=${String(t.actual)}`).join(', ') });
      perpRan = true;
      ran.push(`perp bench (${ctx.settings.bench.perpScale})`);
    } else if (limits.requirePerp) {
      reasons.push('no evidence: the perp bench (bench/perp.ts) does not exist yet: no reserve/commit latency, inserts/s, capital-efficiency or anti-toxicity figure was measured');
    }
    const charts: ChartData[] = rows.length ? [{ id: 'bench-ratios', title: 'Benchmark ratios (higher is faster)', kind: 'bar', x: 'bench', y: 'ratio', rows }] : [];
    const failed = thresholds.some((t) => !t.passed);
    return outcome({
      status: failed ? 'fail' : !perpRan && limits.requirePerp ? 'no-evidence' : 'pass',
      summary: `benchmarks: ${ran.join('; ')}`,
      figures,
      thresholds,
      reasons: [...thresholdReasons(thresholds), ...reasons],
      reproduce: failed ? ['npm run bench -- vm'] : [],
      evidence,
      charts,
    });
  },
};
