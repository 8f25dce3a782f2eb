/**
 * One worker process of the prover pool (cli/prove-pool.ts, spec/proofs.md PROOF-RUN-*): it receives the
 * venue and template texts once, builds the same obligation list as the pool, and runs the obligations it
 * is sent one at a time with its own z3 instance, answering each with its entry, the wall and CPU seconds
 * it took (solver threads included) and the process's resident memory. Obligations of the same entrypoint sent to one worker share its symbolic runs.
 * A z3 abort (its WASM heap exhausted, thrown from a solver thread) is reported as a crash of the obligation
 * in flight and ends the process; the pool gives that obligation its `unknown` verdict and starts a fresh
 * worker. Texts only: this process reads no file.
 */
import { performance } from 'node:perf_hooks';
import type { Obligation } from '../models/smt/obligation.ts';
import { obligationsOf, WORKER_FLAG, type FromWorker, type ToWorker } from './prove-protocol.ts';

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
      const o = list[m.index]?.id === m.id ? list[m.index] : list.find((x) => x.id === m.id);
      if (!o) throw new Error(`no obligation ${m.id} here`);
      const cpu = process.cpuUsage();
      const entry = await proveOne(o, timeoutMs, () => performance.now() / 1000);
      const used = process.cpuUsage(cpu);
      await send({ type: 'result', index: m.index, entry: { ...entry, cpuSeconds: (used.user + used.system) / 1e6 }, rssMb: rssMb() });
    } else {
      await z3.closeZ3();
      return;
    }
  }
}

if (process.send && process.argv.includes(WORKER_FLAG)) {
  const send = (m: FromWorker): Promise<void> => new Promise<void>((ok) => void process.send?.(m, undefined, {}, () => ok()));
  // the pool ending (or killed) closes the channel: nothing is left to do
  process.on('disconnect', () => process.exit(0));
  const crash = (e: unknown): void => {
    const message = ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').slice(0, 300);
    void send({ type: 'crash', message, rssMb: rssMb() }).finally(() => process.exit(70));
  };
  process.on('uncaughtException', crash);
  serve(send).then(
    () => process.exit(0),
    (e: unknown) => crash(e),
  );
}
