/**
 * Gate `soak` (spec/gate.md GATE-SOAK-*): the deterministic simulator (soak/, issue 7) over the profile's
 * seeds, bounded in `quick`. Every violation fails the gate with the seed that reproduces it; each seed
 * must reach the configured events and simulated time; each checker is evidence for its invariant ids.
 */
import type { Stage } from '../stage.ts';
import { noEvidence, outcome, statusOf, threshold, thresholdReasons, type EvidenceItem } from '../types.ts';

const MAX_REASONS = 20;

export const soakStage: Stage = {
  name: 'soak',
  title: 'Soak (deterministic simulation)',
  async run(ctx) {
    const { seeds, events } = ctx.settings.soak;
    if (!ctx.producers.soak) return noEvidence('the soak was not run', 'the soak runner (soak/index.ts runSoak, `curve soak`) does not exist yet: no chaos suite, restart, cap-expiry churn or failover was simulated');
    const run = await ctx.producers.soak({ seeds, events });
    const limits = ctx.config.stages.soak;
    const violations = run.seeds.flatMap((s) => s.violations.map((v) => ({ seed: s.seed, ...v })));
    const short = run.seeds.filter((s) => s.events < limits.minEventsPerSeed || s.simulatedMs / 1000 < limits.minSimulatedSecondsPerSeed);
    const thresholds = [
      threshold('violations', violations.length, '<=', limits.maxViolations),
      threshold('seeds run', run.seeds.length, '>=', seeds.length),
      threshold('fewest events in a seed', run.seeds.length ? Math.min(...run.seeds.map((s) => s.events)) : null, '>=', limits.minEventsPerSeed),
      threshold('least simulated time in a seed (s)', run.seeds.length ? Math.min(...run.seeds.map((s) => s.simulatedMs / 1000)) : null, '>=', limits.minSimulatedSecondsPerSeed),
    ];
    const violated = new Set(violations.map((v) => v.checker));
    const evidence: EvidenceItem[] = run.checkers.flatMap((c) => c.invariants.map((id) => ({ invariant: id, kind: 'soak' as const, ref: `soak checker ${c.name}`, status: violated.has(c.name) ? ('fail' as const) : ('pass' as const) })));
    const reproduce = [...new Set([...violations.map((v) => v.seed), ...short.map((s) => s.seed)])].map((seed) => `curve soak --seed ${seed} --events ${events}`);
    return outcome({
      status: statusOf(thresholds),
      summary: `${run.seeds.length} seed(s) × ${events} events in the deterministic simulator with ${run.checkers.length} invariant checker(s)`,
      figures: {
        seeds: run.seeds.length,
        events: run.seeds.reduce((n, s) => n + s.events, 0),
        simulated_s: Math.round(run.seeds.reduce((n, s) => n + s.simulatedMs, 0) / 1000),
        violations: violations.length,
        checkers: run.checkers.length,
      },
      thresholds,
      reasons: [...thresholdReasons(thresholds), ...violations.slice(0, MAX_REASONS).map((v) => `seed ${v.seed}: ${v.checker}${v.invariant ? ` (${v.invariant})` : ''}: ${v.message}`)],
      reproduce,
      evidence,
      charts: [
        { id: 'soak-events', title: 'Soak events per seed', kind: 'bar', x: 'seed', y: 'events', rows: run.seeds.map((s) => ({ seed: String(s.seed), events: s.events })) },
        { id: 'soak-time', title: 'Simulated time per seed (s)', kind: 'bar', x: 'seed', y: 'simulated_s', rows: run.seeds.map((s) => ({ seed: String(s.seed), simulated_s: s.simulatedMs / 1000 })) },
      ],
    });
  },
};
