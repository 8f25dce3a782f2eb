/**
 * The gate's prover producer (spec/gate.md GATE-PROVE-003, spec/proofs.md PROOF-RUN-004): the venue's
 * obligations run in the same worker pool as `curve prove` (cli/prove-pool.ts) under the stage's time
 * budget. Verdicts stream to the gate's progress as they are decided; at the budget the workers are
 * killed and the obligations not decided are `unknown` (pending) in the stage's result; a worker that
 * crashes costs one obligation, never the gate. The result is built by reports/prove-run.ts.
 */
import { proofBundle } from '../models/smt/certificate.ts';
import type { Obligation } from '../models/smt/obligation.ts';
import type { ProofRun, ProveInput } from '../reports/producers.ts';
import { proofRunOf, type ObligationInfo, type ProveMessage } from '../reports/prove-run.ts';
import { runPool } from './prove-pool.ts';
import { obligationsOf } from './prove-protocol.ts';

const info = (o: Pick<Obligation, 'id' | 'family' | 'level' | 'invariants'>): ObligationInfo => ({ id: o.id, family: o.family, level: o.level, invariants: [...o.invariants] });

export async function provePooled(input: ProveInput): Promise<ProofRun> {
  let all: Obligation[];
  try {
    all = await obligationsOf(input.venue, input.templates);
  } catch (e) {
    return proofRunOf([{ type: 'error', message: (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '' }], input.modules);
  }
  const messages: ProveMessage[] = [{ type: 'obligations', list: all.map(info) }];
  let decided = 0;
  const r = await runPool(
    {
      venue: input.venue,
      templates: input.templates,
      all,
      selected: all.map((_, i) => i),
      onEntry: (e) => {
        messages.push({ type: 'entry', entry: { ...info(e), verdict: e.verdict, ...(e.reason !== undefined ? { reason: e.reason } : {}), seconds: e.seconds } });
        input.progress(`${++decided}/${all.length} ${e.verdict} ${e.seconds.toFixed(1)} s ${e.id}`);
      },
    },
    { timeoutMs: input.timeoutMs, budgetS: input.budgetSeconds },
  );
  if (r.stopped) return proofRunOf(messages, input.modules, `${r.stopped} of the prove stage (profile prove.budgetSeconds)`);
  const bundle = proofBundle(r.report, { name: 'z3-solver', version: r.solver });
  messages.push({ type: 'done', solver: `z3-solver ${r.solver}`, bundleHash: bundle.hash, bundleJson: JSON.stringify(bundle, null, 2) + '\n' });
  return proofRunOf(messages, input.modules);
}
