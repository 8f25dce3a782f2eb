/**
 * Gate `prove` (spec/gate.md GATE-PROVE-*): the SMT proof obligations (models/smt, issue 5) over the
 * compiled venue, through the prover producer. Only `proved` passes (counterexample, unknown, partial
 * and vacuous do not); each obligation is evidence for the invariant ids it establishes, and each
 * module's certificate hash goes into the manifests written beside the report (MAN-PROOF-001).
 */
import type { ProofRun } from '../producers.ts';
import type { Stage } from '../stage.ts';
import { noEvidence, outcome, statusOf, threshold, thresholdReasons, type EvidenceItem } from '../types.ts';
import { queryLimits } from '../../models/smt/budget.ts';
import { compiledVenue } from './compile.ts';

const MAX_REASONS = 20;

/** The command that re-runs one obligation (cli/commands/prove.ts `--only`). */
export function reproduceObligation(venueFile: string, id: string): string {
  return `curve prove ${venueFile} --only '${id}'`;
}

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
    const { timeoutMs, budgetSeconds } = ctx.settings.prove;
    const run = await ctx.producers.prove({
      venue: ctx.inputs.venue,
      templates: ctx.inputs.templates,
      modules: compiled.modules.map((m) => ({ name: m.name, kind: m.kind })),
      timeoutMs,
      budgetSeconds,
      progress: (l) => ctx.progress(l),
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
    // decided and not proved: fail; never reached (budget, crash): pending — it exists but gave no verdict
    const evidence: EvidenceItem[] = obligations.flatMap((o) =>
      o.invariants.map((id) => ({ invariant: id, kind: 'proof' as const, ref: `${o.id} (${o.level})`, status: o.verdict === 'proved' ? ('pass' as const) : o.decided === false ? ('pending' as const) : ('fail' as const), ...(o.verdict === 'proved' ? {} : { detail: `${o.verdict}${o.reason ? `: ${o.reason}` : ''}` }) })),
    );
    const decidedBad = unproved.filter((o) => o.decided !== false);
    const undecided = unproved.length - decidedBad.length;
    return outcome({
      status: statusOf(thresholds),
      summary: `${obligations.length} proof obligation(s) (spec level and the bytecode of ${compiled.modules.filter((m) => m.kind !== 'oracle').length} module(s)) with ${run.solver}, ${timeoutMs} ms per query (z3 rlimit ${queryLimits(timeoutMs).rlimit}, wall-clock safety net ${queryLimits(timeoutMs).wallMs} ms: PROOF-RUN-006), ${budgetSeconds} s budget${run.stopped ? `; ${run.stopped}` : ''}`,
      figures: {
        obligations: obligations.length,
        proved: verdicts.get('proved') ?? 0,
        unproved: unproved.length,
        ...Object.fromEntries([...verdicts].filter(([v]) => v !== 'proved').map(([v, n]) => [v, n])),
        certificates: Object.keys(run.certificates).length,
        prover_seconds: Math.round(seconds * 1000) / 1000,
        bundle_hash: run.bundle?.hash ?? null,
        undecided,
        complete: run.stopped === undefined,
      },
      thresholds,
      reasons: [
        ...(run.stopped ? [`prover run incomplete: ${undecided} obligation(s) not decided: ${run.stopped}`] : []),
        ...thresholdReasons(thresholds),
        ...decidedBad.slice(0, MAX_REASONS).map((o) => `${o.id}: ${o.verdict}${o.reason ? ` (${o.reason})` : ''}`),
        ...(decidedBad.length > MAX_REASONS ? [`… and ${decidedBad.length - MAX_REASONS} more unproved obligation(s) (go-no-go.md details list every one)`] : []),
      ],
      // decided failures first, then obligations never decided, each by id; the whole run when any was not decided
      reproduce: [...[...decidedBad, ...unproved.filter((o) => o.decided === false)].slice(0, MAX_REASONS).map((o) => reproduceObligation(ctx.inputs.venue.file, o.id)), ...(undecided ? [`curve prove ${ctx.inputs.venue.file}`] : [])],
      evidence,
      ...(run.bundle ? { files: new Map([['proof-bundle.json', run.bundle.json]]) } : {}),
      details: obligations.map((o) => `${o.verdict.padEnd(14)} ${o.seconds.toFixed(2).padStart(7)} s  ${o.level.padEnd(8)} ${o.id}${o.verdict === 'proved' ? '' : `  (${o.reason ?? ''})`}`),
      charts: [{ id: 'proof-times', title: 'Proof time per obligation (s)', kind: 'grouped-bar', x: 'obligation', y: 'seconds', series: 'verdict', rows: obligations.map((o) => ({ obligation: o.id, seconds: o.seconds, verdict: o.decided === false ? 'not decided' : o.verdict })) }],
    });
  },
};
