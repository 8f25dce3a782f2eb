/**
 * Gate `prove` (spec/gate.md GATE-PROVE-*): the SMT proof obligations (models/smt, issue 5) over the
 * compiled venue, through the prover producer. Only `proved` passes (counterexample, unknown, partial
 * and vacuous do not); each obligation is evidence for the invariant ids it establishes, and each
 * module's certificate hash goes into the manifests written beside the report (MAN-PROOF-001).
 */
import { encodeManifestJson } from '../../reference/compiler/manifest.ts';
import type { ProofRun } from '../producers.ts';
import type { Stage } from '../stage.ts';
import { noEvidence, outcome, statusOf, threshold, thresholdReasons, type EvidenceItem } from '../types.ts';
import { compiledVenue } from './compile.ts';

const MAX_REASONS = 20;

export function proofRun(artifacts: ReadonlyMap<string, unknown>): ProofRun | undefined {
  return artifacts.get('prove') as ProofRun | undefined;
}

export const proveStage: Stage = {
  name: 'prove',
  title: 'SMT proofs',
  async run(ctx) {
    const compiled = compiledVenue(ctx);
    if (!compiled) return outcome({ status: 'fail', summary: 'nothing to prove: the venue did not compile', reasons: ['the prover needs the compiled venue (see the compile gate)'], reproduce: [`curve compile ${ctx.inputs.venue.file}`] });
    if (!ctx.producers.prove) return noEvidence('the prover was not run', 'the SMT prover (models/smt/prove.ts, `curve prove`) does not exist yet: no proof obligation was checked');
    const run = await ctx.producers.prove({
      manifestJson: encodeManifestJson(compiled.manifest),
      modules: compiled.modules.map((m) => ({ name: m.name, kind: m.kind, bytes: m.bytes })),
      timeoutMs: ctx.settings.prove.timeoutMs,
    });
    ctx.artifacts.set('prove', run);
    const limits = ctx.config.stages.prove;
    const obligations = run.obligations;
    const unproved = obligations.filter((o) => o.verdict !== 'proved');
    const seconds = obligations.reduce((n, o) => n + o.seconds, 0);
    const slowest = obligations.reduce((n, o) => Math.max(n, o.seconds), 0);
    const verdicts = new Map<string, number>();
    for (const o of obligations) verdicts.set(o.verdict, (verdicts.get(o.verdict) ?? 0) + 1);
    const thresholds = [
      threshold('unproved obligations', unproved.length, '<=', limits.maxUnproved),
      threshold('obligations', obligations.length, '>=', limits.minObligations),
      threshold('slowest obligation (s)', Math.round(slowest * 1000) / 1000, '<=', limits.maxSecondsPerObligation),
      threshold('total prover time (s)', Math.round(seconds * 1000) / 1000, '<=', limits.maxTotalSeconds),
    ];
    const evidence: EvidenceItem[] = obligations.flatMap((o) =>
      o.invariants.map((id) => ({ invariant: id, kind: 'proof' as const, ref: `${o.id} (${o.level})`, status: o.verdict === 'proved' ? ('pass' as const) : ('fail' as const), ...(o.verdict === 'proved' ? {} : { detail: `${o.verdict}${o.reason ? `: ${o.reason}` : ''}` }) })),
    );
    return outcome({
      status: statusOf(thresholds),
      summary: `${obligations.length} proof obligation(s) over ${compiled.modules.length} module(s) with ${run.solver}, ${ctx.settings.prove.timeoutMs} ms solver timeout`,
      figures: {
        obligations: obligations.length,
        proved: verdicts.get('proved') ?? 0,
        unproved: unproved.length,
        ...Object.fromEntries([...verdicts].filter(([v]) => v !== 'proved').map(([v, n]) => [v, n])),
        certificates: Object.keys(run.certificates).length,
        prover_seconds: Math.round(seconds * 1000) / 1000,
      },
      thresholds,
      reasons: [...thresholdReasons(thresholds), ...unproved.slice(0, MAX_REASONS).map((o) => `${o.id}: ${o.verdict}${o.reason ? ` (${o.reason})` : ''}`)],
      reproduce: unproved.slice(0, MAX_REASONS).map((o) => `curve prove --obligation '${o.id}'`),
      evidence,
      charts: [{ id: 'proof-times', title: 'Proof time per obligation (s)', kind: 'grouped-bar', x: 'obligation', y: 'seconds', series: 'verdict', rows: obligations.map((o) => ({ obligation: o.id, seconds: o.seconds, verdict: o.verdict })) }],
    });
  },
};
