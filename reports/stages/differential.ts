/**
 * Gate `differential` (spec/gate.md GATE-DIFF-*): seeded operation sequences over the golden model of
 * the gated venue with checkInvariants after every step (reports/perp/sequences.ts), then the VM-vs-model
 * differential (reference/perp/vm's VenuePair driver, through the vmDifferential producer,
 * reports/perp/vm-differential.ts) when it is wired. The model checks are evidence for the ids spec/invariants.md marks
 * `checker`; without the VM driver the stage has no VM evidence, which is a NO-GO reason while
 * `requireVm` is set.
 */
import { checkerIds, leadingIds } from '../matrix.ts';
import { modelVenue } from '../perp/venue-model.ts';
import { runSequence, type SequenceRun } from '../perp/sequences.ts';
import type { Stage, StageContext } from '../stage.ts';
import { outcome, statusOf, threshold, thresholdReasons, type EvidenceItem, type StageOutcome } from '../types.ts';
import { compiledVenue } from './compile.ts';

/** The model's clock at genesis (ms); any value works, this one keeps expiry arithmetic away from 0. */
export const DIFF_T0 = 10_000_000n;
const T0 = DIFF_T0;

/** The run's own command (profile and config decide the sequence length) narrowed to one seed. */
export function reproduceSequence(ctx: StageContext, seed: number): string {
  return `${ctx.command.replace(' --profile quick', '')} --only differential --seed ${seed}`;
}

function modelEvidence(ids: readonly string[], runs: readonly SequenceRun[]): EvidenceItem[] {
  const failing = new Map<string, string>();
  for (const r of runs) {
    for (const m of r.violation?.messages ?? []) for (const id of leadingIds(m)) if (!failing.has(id)) failing.set(id, `seed ${r.seed} step ${r.violation?.step}: ${m}`);
  }
  const ref = `checkInvariants over ${runs.length} seeded sequences`;
  return ids.map((id) => {
    const why = failing.get(id);
    return why ? { invariant: id, kind: 'model-check' as const, ref, status: 'fail' as const, detail: why } : { invariant: id, kind: 'model-check' as const, ref, status: 'pass' as const };
  });
}

export const differentialStage: Stage = {
  name: 'differential',
  title: 'Differential perp check',
  async run(ctx): Promise<StageOutcome> {
    const compiled = compiledVenue(ctx);
    if (!compiled) return outcome({ status: 'fail', summary: 'nothing to check: the venue did not compile', reasons: ['the differential check needs the compiled venue (see the compile gate)'], reproduce: [`curve compile ${ctx.inputs.venue.file}`] });
    const { seed, sequences, steps } = ctx.settings.differential;
    const limits = ctx.config.stages.differential;
    const slabHashes = compiled.modules.filter((m) => m.kind === 'slab').map((m) => m.hash);
    const venue = modelVenue(compiled.venue, slabHashes, T0);
    const runs: SequenceRun[] = [];
    for (let i = 0; i < sequences; i++) {
      runs.push(runSequence(venue, seed + i, steps));
      if ((i + 1) % 10 === 0) ctx.progress(`model sequences ${i + 1}/${sequences}`);
    }
    const violations = runs.filter((r) => r.violation);
    const total = runs.reduce((n, r) => n + r.calls, 0);
    const ok = runs.reduce((n, r) => n + r.ok, 0);
    const okFraction = total ? Math.round((ok / total) * 1000) / 1000 : 0;
    const thresholds = [threshold('model invariant violations', violations.length, '<=', limits.maxViolations), threshold('fraction of calls that succeed (generator strength)', okFraction, '>=', limits.minOkFraction)];
    const reasons = violations.map((r) => `seed ${r.seed} step ${r.violation?.step} (${r.violation?.op}): ${r.violation?.messages[0]}`);
    const reproduce = violations.map((r) => reproduceSequence(ctx, r.seed));
    const evidence = modelEvidence(checkerIds(ctx.inputs.invariantsText), runs);
    const figures: Record<string, number | string | null> = {
      sequences,
      steps: runs.reduce((n, r) => n + r.steps, 0),
      calls: total,
      ok_calls: ok,
      commits: runs.reduce((n, r) => n + r.commits, 0),
      model_violations: violations.length,
      first_seed: seed,
      vm_sequences: null,
      vm_mismatches: null,
    };

    let vmNote = 'VM-vs-model: not run';
    const vm = ctx.settings.differential;
    const vmRan = ctx.producers.vmDifferential !== undefined && vm.vmSequences > 0;
    if (ctx.producers.vmDifferential && vm.vmSequences > 0) {
      ctx.progress(`VM-vs-model differential: ${vm.vmSequences} sequence(s) of ${vm.vmSteps} steps`);
      const d = await ctx.producers.vmDifferential({ venue: compiled.venue, modules: compiled.modules, seed, sequences: vm.vmSequences, steps: vm.vmSteps, progress: (l) => ctx.progress(l) });
      figures['vm_sequences'] = d.sequences;
      figures['vm_calls'] = d.steps;
      figures['vm_ok_calls'] = d.ok;
      figures['vm_mismatches'] = d.mismatches.length;
      thresholds.push(threshold('VM-vs-model mismatches', d.mismatches.length, '<=', limits.maxVmMismatches));
      reasons.push(...d.mismatches.slice(0, 10).map((m) => `VM ≠ model at seed ${m.seed} step ${m.step} (${m.op}): ${m.message.slice(0, 400)}`));
      reproduce.push(...d.mismatches.slice(0, 10).map((m) => reproduceSequence(ctx, m.seed)));
      const ref = `compiled venue on CurveVM vs model, ${d.sequences} sequence(s) from seed ${seed}, ${d.steps} compared calls`;
      for (const id of d.invariants) evidence.push({ invariant: id, kind: 'vm-differential', ref, status: d.mismatches.length ? 'fail' : 'pass', ...(d.mismatches[0] ? { detail: `seed ${d.mismatches[0].seed} step ${d.mismatches[0].step}: ${d.mismatches[0].message.slice(0, 200)}` } : {}) });
      vmNote = `VM-vs-model: the compiled Router/Slab bytecode on CurveVM beside the model, ${d.sequences} sequence(s) of ${vm.vmSteps} steps (seeds ${seed}..${seed + d.sequences - 1}, the venue's own pools), observe() and checkInvariants compared after every call, ${d.mismatches.length} mismatch(es)`;
    } else if (limits.requireVm) {
      reasons.push(ctx.producers.vmDifferential ? 'no evidence: the profile runs no VM-vs-model sequence (differential.vmSequences = 0), so the compiled Router/Slab bytecode was not compared with the model' : 'no evidence: the VM-vs-model differential driver (reference/perp/vm) is not wired, so the compiled Router/Slab bytecode was not compared with the model');
    }
    const failedThresholds = thresholdReasons(thresholds);
    const status = statusOf(thresholds) === 'fail' ? 'fail' : !vmRan && limits.requireVm ? 'no-evidence' : 'pass';
    return outcome({
      status,
      summary: `${sequences} seeded operation sequences of ${steps} steps over the golden model of ${ctx.inputs.venue.file} (seeds ${seed}..${seed + sequences - 1}), checkInvariants after every step; ${vmNote}`,
      figures,
      thresholds,
      reasons: [...failedThresholds.filter((r) => !r.startsWith('model invariant violations')), ...reasons],
      reproduce,
      evidence,
      details: [...reasons.filter((r) => r.startsWith('VM ≠ model')), ...violations.flatMap((r) => [`seed ${r.seed}, step ${r.violation?.step} (${r.violation?.op}):`, ...(r.violation?.messages ?? []).slice(0, 5).map((m) => `  ${m}`)])],
    });
  },
};
