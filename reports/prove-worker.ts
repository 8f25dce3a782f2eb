/**
 * The prover of `curve gate` in its own process (spec/gate.md GATE-PROVE-003): the gate forks this file,
 * sends the venue and template texts, and receives, as IPC messages, the obligation list, then each
 * obligation's verdict as soon as it is decided, then the proof bundle. The gate can therefore stop the
 * prover at its time budget (it kills this process) and still report every verdict reached before, and a
 * prover that crashes or hangs never takes the gate down. Texts only: this process reads no file.
 */
import { performance } from 'node:perf_hooks';
import type { TemplateSet } from '../reference/compiler/compile.ts';
import type { Obligation } from '../models/smt/obligation.ts';

/** What the gate sends (one message). */
export interface ProveRequest {
  readonly venue: { readonly file: string; readonly text: string };
  readonly templates: TemplateSet;
  /** Per-query solver timeout (ms). */
  readonly timeoutMs: number;
}

export interface ObligationInfo {
  readonly id: string;
  readonly family: string;
  readonly level: string;
  readonly invariants: readonly string[];
}

/** What this process sends, in this order: `obligations` (once per level), `entry` per obligation, `done`. */
export type ProveMessage =
  | { readonly type: 'obligations'; readonly list: readonly ObligationInfo[] }
  | { readonly type: 'entry'; readonly entry: ObligationInfo & { readonly verdict: string; readonly reason?: string; readonly seconds: number } }
  | { readonly type: 'done'; readonly solver: string; readonly bundleHash: string; readonly bundleJson: string }
  | { readonly type: 'error'; readonly message: string };

const info = (o: Obligation): ObligationInfo => ({ id: o.id, family: o.family, level: o.level, invariants: [...o.invariants] });

async function prove(req: ProveRequest, send: (m: ProveMessage) => void): Promise<void> {
  const [{ specObligations }, { bytecodeObligations }, { proveAll }, { proofBundle }, z3] = await Promise.all([
    import('../models/smt/spec/index.ts'),
    import('../models/smt/symexec/index.ts'),
    import('../models/smt/prove.ts'),
    import('../models/smt/certificate.ts'),
    import('../models/smt/z3.ts'),
  ]);
  const spec = specObligations();
  send({ type: 'obligations', list: spec.map(info) });
  const bytecode = bytecodeObligations(req.venue.text, req.templates, req.venue.file);
  send({ type: 'obligations', list: bytecode.map(info) });
  const report = await proveAll([...spec, ...bytecode], {
    timeoutMs: req.timeoutMs,
    clock: () => performance.now() / 1000,
    onResult: (e) => send({ type: 'entry', entry: { id: e.id, family: e.family, level: e.level, invariants: [...e.invariants], verdict: e.verdict, ...(e.reason !== undefined ? { reason: e.reason } : {}), seconds: e.seconds } }),
  });
  const solver = { name: 'z3-solver', version: await z3.z3Version() };
  const bundle = proofBundle(report, solver);
  await z3.closeZ3();
  send({ type: 'done', solver: `${solver.name} ${solver.version}`, bundleHash: bundle.hash, bundleJson: JSON.stringify(bundle, null, 2) + '\n' });
}

if (process.send) {
  let last: Promise<void> = Promise.resolve();
  // each message is handed to the channel in order; the process ends once the last one was flushed
  const send = (m: ProveMessage): void => void (last = last.then(() => new Promise<void>((ok) => void process.send?.(m, undefined, {}, () => ok()))));
  process.once('message', (req: ProveRequest) => {
    prove(req, send)
      .catch((e: unknown) => send({ type: 'error', message: e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e) }))
      .then(() => last)
      .then(() => process.exit(0));
  });
}
