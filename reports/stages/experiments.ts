/**
 * Gate `experiments` (spec/gate.md GATE-EXP-001): the design's capital-efficiency and anti-toxicity
 * experiments on the golden model (reference/perp/experiments): IM_router against a monolithic baseline
 * over the canonical offset cases (criterion 2; P8, RM4, RM5), and the seeded LP-PnL-variance and sandwich
 * experiment with the features on and off (criterion 4; M7–M10, S11). The figures feed the criteria; the
 * gate itself fails when the experiment's own definition of success does not hold.
 */
import { antiToxicityExperiment, type AntiToxicityResult } from '../../reference/perp/experiments/anti-toxicity.ts';
import { capitalEfficiency } from '../../reference/perp/experiments/capital-efficiency.ts';
import type { Stage } from '../stage.ts';
import { outcome, type EvidenceItem } from '../types.ts';

/** Ids the experiments establish (their file comments). */
const CAPITAL_IDS = ['P8', 'RM4', 'RM5'] as const;
const ANTI_IDS = ['M7', 'M8', 'M9', 'M10', 'S11'] as const;

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

export const experimentsStage: Stage = {
  name: 'experiments',
  title: 'Capital-efficiency and anti-toxicity experiments',
  run(ctx) {
    const { seeds, rounds } = ctx.settings.experiments;
    const capital = capitalEfficiency();
    const gated = capital.figures.filter((f) => f.gated);
    const anti: AntiToxicityResult[] = [];
    for (const seed of seeds) {
      ctx.progress(`anti-toxicity seed ${seed} (${rounds} rounds, features on and off)`);
      anti.push(antiToxicityExperiment({ seed, rounds }));
    }
    const varianceRatio = Math.max(...anti.map((a) => (a.control.lpPnlVariance === 0 ? (a.on.lpPnlVariance === 0 ? 0 : Number.MAX_VALUE) : a.on.lpPnlVariance / a.control.lpPnlVariance)));
    const sandwichMax = anti.reduce((m, a) => (a.on.sandwichPayoffMax > m ? a.on.sandwichPayoffMax : m), -(1n << 127n));
    const controlSandwichMax = anti.reduce((m, a) => (a.control.sandwichPayoffMax > m ? a.control.sandwichPayoffMax : m), -(1n << 127n));
    const reasons = [
      ...gated.filter((f) => !f.within5pct).map((f) => `capital efficiency: ${f.name}: IM_router ${f.imRouter} > 1.05 × IM_mono ${f.imMono}`),
      ...anti.filter((a) => !a.varianceLower).map((a) => `anti-toxicity seed ${a.seed}: LP PnL variance ${a.on.lpPnlVariance} not below the control's ${a.control.lpPnlVariance}`),
      ...anti.filter((a) => !a.sandwichEliminated).map((a) => `anti-toxicity seed ${a.seed}: a sandwich paid ${a.on.sandwichPayoffMax} with the features on`),
    ];
    const evidence: EvidenceItem[] = [
      ...CAPITAL_IDS.map((id) => ({ invariant: id, kind: 'model-check' as const, ref: `capital-efficiency experiment (${gated.length} canonical cases)`, status: capital.pass ? ('pass' as const) : ('fail' as const) })),
      ...ANTI_IDS.map((id) => ({ invariant: id, kind: 'model-check' as const, ref: `anti-toxicity experiment (seeds ${seeds.join(', ')})`, status: anti.every((a) => a.pass) ? ('pass' as const) : ('fail' as const) })),
    ];
    const reproduce = anti.filter((a) => !a.pass).map((a) => `curve gate ${ctx.inputs.venue.file} --only experiments --seed ${a.seed}`);
    if (!capital.pass) reproduce.push(`curve gate ${ctx.inputs.venue.file} --only experiments`);
    return Promise.resolve(
      outcome({
        status: reasons.length ? 'fail' : 'pass',
        summary: `capital efficiency over ${capital.figures.length} offset cases (${gated.length} gated); anti-toxicity with features on vs off over ${seeds.length} seed(s) × ${rounds} rounds, on the golden model`,
        figures: {
          im_ratio_max: round4(Math.max(...gated.map((f) => f.ratio))),
          capital_cases_gated: gated.length,
          capital_cases_within_5pct: gated.filter((f) => f.within5pct).length,
          lp_variance_ratio: round4(varianceRatio),
          sandwich_payoff_max: Number(sandwichMax),
          control_sandwich_payoff_max: Number(controlSandwichMax),
          sandwiches_attempted: anti.reduce((n, a) => n + a.on.sandwiches, 0),
          seeds: seeds.length,
          rounds,
        },
        reasons,
        reproduce,
        evidence,
        charts: [
          { id: 'capital-efficiency', title: 'IM_router / IM_monolithic per canonical case', kind: 'bar', x: 'case', y: 'ratio', rows: gated.map((f) => ({ case: f.name, ratio: round4(f.ratio) })) },
          { id: 'lp-variance', title: 'LP PnL variance: features on vs control, per seed', kind: 'grouped-bar', x: 'seed', y: 'variance', series: 'run', rows: anti.flatMap((a) => [{ seed: String(a.seed), run: 'on', variance: a.on.lpPnlVariance }, { seed: String(a.seed), run: 'control', variance: a.control.lpPnlVariance }]) },
        ],
      }),
    );
  },
};
