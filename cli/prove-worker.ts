/**
 * One worker process of the prover pool (cli/prove-pool.ts, spec/proofs.md PROOF-RUN-*): it receives the
 * venue and template texts once, builds the same obligation list as the pool, and runs the obligations it
 * is sent one at a time with its own z3 instance, answering each with its entry, the seconds it took and the
 * process's resident memory. Obligations of the same entrypoint sent to one worker share its symbolic runs.
 * A z3 abort (its WASM heap exhausted, thrown from a solver thread) is reported as a crash of the obligation
 * in flight and ends the process; the pool gives that obligation its `unknown` verdict and starts a fresh
 * worker. Texts only: this process reads no file.
 */
import { performance } from 'node:perf_hooks';
import type { TemplateSet } from '../reference/compiler/compile.ts';
import type { Obligation } from '../models/smt/obligation.ts';
import type { ProveEntry } from '../models/smt/prove.ts';

export interface WorkerInit {
  readonly type: 'init';
  readonly venue: { readonly file: string; readonly text: string };
  readonly templates: TemplateSet;
  /** Per-query solver timeout (ms). */
  readonly timeoutMs: number;
  /**
   * A module exporting `obligations(init): Promise<Obligation[]>` to use instead of the venue's (the pool's
   * tests run obligations that crash, hang or throw); absent: the venue's obligations (obligationsOf).
   */
  readonly source?: string;
}

/** What the pool sends: `init` once, then `run` per obligation (index into the full list), `quit` at the end. */
export type ToWorker = WorkerInit | { readonly type: 'run'; readonly index: number; readonly id: string } | { readonly type: 'quit' };

/** What a worker answers. */
export type FromWorker =
  | { readonly type: 'ready'; readonly solver: string; readonly ids: readonly string[] }
  | { readonly type: 'result'; readonly index: number; readonly entry: ProveEntry; readonly rssMb: number }
  | { readonly type: 'crash'; readonly message: string };

/** The obligations of a venue from its texts: the spec level, then the bytecode of its Router and Slabs. */
export async function obligationsOf(venue: WorkerInit['venue'], templates: TemplateSet): Promise<Obligation[]> {
  const [{ specObligations }, { bytecodeObligations }] = await Promise.all([import('../models/smt/spec/index.ts'), import('../models/smt/symexec/index.ts')]);
  return [...specObligations(), ...bytecodeObligations(venue.text, templates, venue.file)];
}

const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);

async function serve(send: (m: FromWorker) => Promise<void>): Promise<void> {
  let list: Obligation[] = [];
  let timeoutMs = 0;
  const [{ proveOne }, z3] = await Promise.all([import('../models/smt/prove.ts'), import('../models/smt/z3.ts')]);
  const queue: ToWorker[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (m: ToWorker) => {
    queue.push(m);
    wake?.();
  });
  const next = async (): Promise<ToWorker> => {
    while (queue.length === 0) await new Promise<void>((ok) => (wake = ok));
    return queue.shift() as ToWorker;
  };
  for (;;) {
    const m = await next();
    if (m.type === 'init') {
      list = m.source ? await (await import(m.source)).obligations(m) : await obligationsOf(m.venue, m.templates);
      timeoutMs = m.timeoutMs;
      await send({ type: 'ready', solver: await z3.z3Version(), ids: list.map((o) => o.id) });
    } else if (m.type === 'run') {
      const o = list[m.index];
      if (!o || o.id !== m.id) throw new Error(`obligation ${m.index} is ${o?.id ?? 'missing'} here, the pool expected ${m.id}`);
      const entry = await proveOne(o, timeoutMs, () => performance.now() / 1000);
      await send({ type: 'result', index: m.index, entry, rssMb: rssMb() });
    } else {
      await z3.closeZ3();
      return;
    }
  }
}

if (process.send) {
  const send = (m: FromWorker): Promise<void> => new Promise<void>((ok) => void process.send?.(m, undefined, {}, () => ok()));
  // the pool ending (or killed) closes the channel: nothing is left to do
  process.on('disconnect', () => process.exit(0));
  const crash = (e: unknown): void => {
    const message = ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').slice(0, 300);
    void send({ type: 'crash', message }).finally(() => process.exit(70));
  };
  process.on('uncaughtException', crash);
  serve(send).then(
    () => process.exit(0),
    (e: unknown) => crash(e),
  );
}
