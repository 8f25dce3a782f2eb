/**
 * The prover's worker pool (spec/proofs.md PROOF-RUN-001..004): obligations run in a few child processes
 * (cli/prove-worker.ts), each with its own z3 instance, so that
 *  - a z3 abort or an exhausted solver heap ends one worker, never the run: the obligation in flight is
 *    retried once in a fresh worker when its worker had run others before (memory it inherited), else it
 *    is `unknown` with the reason, and the pool goes on with a new worker;
 *  - an obligation is given a hard wall-clock limit; past it the worker is killed and the obligation is
 *    `unknown` ("killed at the hard limit");
 *  - a worker is recycled (ended and replaced) after `recycleAfter` obligations or once its resident memory
 *    reaches `recycleRssMb`, since a z3 context only grows;
 *  - obligations of the same module go to the same worker while it is free (they share the symbolic runs
 *    of their entrypoints, cached per module in the worker), bytecode obligations first (the long ones),
 *    the spec-level ones after;
 *  - a worker finds each obligation by id: one started late, after the sources on disk changed, may build
 *    a different list — the run then says so (`sourcesChanged`) and an id missing there is `unknown`.
 * The entries come back in the order of the obligation list whatever the schedule, so the table, the JSON
 * and the proof bundle do not depend on it; only the seconds do.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { TemplateSet } from '../reference/compiler/compile.ts';
import type { Obligation } from '../models/smt/obligation.ts';
import { WALL_FACTOR } from '../models/smt/budget.ts';
import { entryOf, reportOf, type ProveEntry, type ProveReport } from '../models/smt/prove.ts';
import { WORKER_FLAG, type FromWorker, type ToWorker } from './prove-protocol.ts';

const WORKER = new URL('./prove-worker.ts', import.meta.url).pathname;

export interface PoolSettings {
  /** Worker processes (default: the number of cores). */
  readonly workers?: number;
  /** Per-query budget (quiet-machine ms; a z3 resource limit, PROOF-RUN-006). */
  readonly timeoutMs: number;
  /** Hard wall-clock limit of one obligation, in seconds (default: hardLimitS(timeoutMs)). */
  readonly hardLimitS?: number;
  /** End a worker after this many obligations (default 100; a start costs ~2 CPU s and the cached runs). */
  readonly recycleAfter?: number;
  /** End a worker once its resident memory reaches this many MiB (default 1400; z3's WASM heap is 2 GiB). */
  readonly recycleRssMb?: number;
  /** Stop everything after this many seconds; obligations not decided by then have no entry. */
  readonly budgetS?: number;
}

export interface PoolInput {
  readonly venue: { readonly file: string; readonly text: string };
  readonly templates: TemplateSet;
  /** The full obligation list, as the workers build it from the same texts. */
  readonly all: readonly Obligation[];
  /** Indices into `all` to run, in report order. */
  readonly selected: readonly number[];
  /** A module to build the obligations from instead of the venue (cli/prove-protocol.ts WorkerInit.source). */
  readonly source?: string;
  /** Called with each entry once it is decided (in decision order) and its position in `selected`. */
  readonly onEntry?: (e: ProveEntry, position: number) => void;
}

export interface PoolStats {
  readonly workers: number;
  readonly started: number;
  readonly recycled: number;
  readonly crashed: number;
  readonly killed: number;
  readonly retried: number;
  /** Workers that ended before they were ready (each restarted; three in a row end the run). */
  readonly failedStarts: number;
  /** Highest resident memory a worker reported (MiB). */
  readonly peakRssMb: number;
  /** A worker built a different obligation list than this process (the sources changed during the run). */
  readonly sourcesChanged: boolean;
  /** Each worker that died under an obligation: which, why, and whether the obligation was retried. */
  readonly crashes: readonly { readonly id: string; readonly reason: string; readonly retried: boolean }[];
}

export interface PoolResult {
  /** Entries in `selected` order; with a budget stop, only the decided ones. */
  readonly report: ProveReport;
  /** Positions (in `selected`) decided. */
  readonly decided: readonly boolean[];
  readonly solver: string;
  readonly stopped?: string;
  readonly stats: PoolStats;
}

/**
 * The default hard limit of one obligation: its queries (witness, negation, path witnesses) each up to the
 * wall-clock safety net of its budget (WALL_FACTOR × the budget, PROOF-RUN-006), with room for the symbolic run.
 */
export function hardLimitS(timeoutMs: number): number {
  return Math.ceil((3 * WALL_FACTOR * timeoutMs) / 1000) + 30;
}

/** The schedule's affinity key: obligations of one module (or the spec level) share a worker's cached runs. */
export function affinityKey(o: Pick<Obligation, 'id' | 'level'>): string {
  return o.level === 'spec' ? 'spec' : (o.id.split('/')[1] ?? o.id);
}

interface Job {
  readonly position: number;
  readonly index: number;
  readonly key: string;
  /** Run only on a worker that ran nothing before (the retry after a crash). */
  fresh: boolean;
}

interface Worker {
  readonly child: ChildProcess;
  ready: boolean;
  runs: number;
  key: string | undefined;
  job: Job | undefined;
  started: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  crash: string | undefined;
  stderr: string;
  retiring: boolean;
  /** The obligation ids its list holds (known once ready). */
  ids?: ReadonlySet<string>;
  /** Why it was killed by the pool (hard limit), if it was. */
  killed: string | undefined;
}

const firstLine = (s: string): string => (s.split('\n')[0] ?? '').slice(0, 300);

/** Run the selected obligations in the pool; resolves when every one has an entry (or at the budget). */
export function runPool(input: PoolInput, settings: PoolSettings): Promise<PoolResult> {
  const size = Math.max(1, Math.min(settings.workers ?? availableParallelism(), input.selected.length || 1));
  const hard = settings.hardLimitS ?? hardLimitS(settings.timeoutMs);
  const recycleAfter = settings.recycleAfter ?? 100;
  const recycleRss = settings.recycleRssMb ?? 1400;
  const t0 = performance.now() / 1000;
  const entries: (ProveEntry | undefined)[] = input.selected.map(() => undefined);
  // the long bytecode obligations first, then the spec level; list order within each
  const pending: Job[] = input.selected
    .map((index, position) => ({ position, index, key: affinityKey(input.all[index] as Obligation), fresh: false }))
    .sort((a, b) => Number(a.key === 'spec') - Number(b.key === 'spec') || a.position - b.position);
  const workers = new Set<Worker>();
  const stats = { workers: size, started: 0, recycled: 0, crashed: 0, killed: 0, retried: 0, failedStarts: 0, peakRssMb: 0, sourcesChanged: false, crashes: [] as { id: string; reason: string; retried: boolean }[] };
  let solver = '';
  let startFailures = 0;
  let lastStartError = '';
  let stopped: string | undefined;

  return new Promise<PoolResult>((resolve) => {
    let finished = false;
    const budget = settings.budgetS !== undefined ? setTimeout(() => stop(`stopped at the ${settings.budgetS} s time budget`), settings.budgetS * 1000) : undefined;

    const record = (job: Job, e: ProveEntry): void => {
      if (entries[job.position]) return;
      entries[job.position] = e;
      input.onEntry?.(e, job.position);
    };
    const unknown = (job: Job, reason: string, seconds: number): void => {
      const o = input.all[job.index] as Obligation;
      record(job, entryOf(o, { verdict: 'unknown', reason, smt2: '' }, seconds));
    };

    const done = (): void => {
      if (finished) return;
      finished = true;
      if (budget) clearTimeout(budget);
      for (const w of workers) end(w);
      const decided = entries.map((e) => e !== undefined);
      const report = reportOf(entries.filter((e): e is ProveEntry => e !== undefined), performance.now() / 1000 - t0);
      resolve({ report, decided, solver, stats, ...(stopped !== undefined ? { stopped } : {}) });
    };

    function stop(why: string): void {
      stopped = why;
      pending.length = 0;
      for (const w of workers) {
        if (w.timer) clearTimeout(w.timer);
        w.child.kill('SIGKILL');
      }
      done();
    }

    function end(w: Worker): void {
      if (w.timer) clearTimeout(w.timer);
      workers.delete(w);
      if (w.child.connected && w.ready && !w.job) w.child.send({ type: 'quit' } satisfies ToWorker);
      else w.child.kill('SIGKILL');
    }

    const outstanding = (): boolean => pending.length > 0 || [...workers].some((w) => w.job);

    function pick(w: Worker): Job | undefined {
      const fits = (j: Job): boolean => !j.fresh || w.runs === 0;
      if (w.runs === 0) {
        const retry = pending.findIndex((j) => j.fresh);
        if (retry >= 0) return pending.splice(retry, 1)[0];
      }
      const held = new Set([...workers].filter((x) => x !== w && x.key !== undefined).map((x) => x.key));
      const at = [(j: Job) => j.key === w.key, (j: Job) => !held.has(j.key), () => true].map((p) => pending.findIndex((j) => fits(j) && p(j))).find((i) => i >= 0);
      return at === undefined ? undefined : pending.splice(at, 1)[0];
    }

    function dispatch(w: Worker): void {
      if (finished || !w.ready || w.job || w.retiring) return;
      const job = pick(w);
      if (!job) {
        if (pending.length === 0) end(w);
        else if (w.runs > 0) retire(w); // only fresh-worker jobs are left
        return;
      }
      const id = (input.all[job.index] as Obligation).id;
      if (w.ids && !w.ids.has(id)) {
        unknown(job, `this worker's obligation list has no ${id} (the sources changed during the run)`, 0);
        if (!outstanding()) return done();
        return dispatch(w);
      }
      w.job = job;
      w.key = job.key;
      w.started = performance.now() / 1000;
      w.timer = setTimeout(() => {
        w.killed = `no verdict within the hard limit of ${hard} s per obligation (its worker was killed)`;
        stats.killed++;
        w.child.kill('SIGKILL');
      }, hard * 1000);
      w.child.send({ type: 'run', index: job.index, id } satisfies ToWorker);
    }

    function retire(w: Worker): void {
      w.retiring = true;
      stats.recycled++;
      end(w);
      fill();
    }

    function fill(): void {
      if (finished) return;
      if (!outstanding()) return done();
      const busy = [...workers].filter((w) => w.job).length;
      while (workers.size < Math.min(size, pending.length + busy)) {
        if (startFailures >= 3) {
          for (const j of pending.splice(0)) unknown(j, `the prover worker could not start${lastStartError ? `: ${lastStartError}` : ''}`, 0);
          if (!outstanding()) done();
          return;
        }
        spawn();
      }
      for (const w of workers) dispatch(w);
    }

    function spawn(): void {
      stats.started++;
      const child = fork(WORKER, [WORKER_FLAG], { execArgv: ['--import=tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      const w: Worker = { child, ready: false, runs: 0, stderr: '', retiring: false, job: undefined, key: undefined, started: 0, timer: undefined, crash: undefined, killed: undefined };
      workers.add(w);
      child.stderr?.on('data', (d: Buffer) => (w.stderr = (w.stderr + d.toString('utf8')).slice(-4000)));
      child.on('message', (m: FromWorker) => onMessage(w, m));
      child.on('error', () => undefined);
      child.on('exit', (code, signal) => onExit(w, code, signal));
      child.send({ type: 'init', venue: input.venue, templates: input.templates, timeoutMs: settings.timeoutMs, ...(input.source ? { source: input.source } : {}) } satisfies ToWorker);
    }

    function onMessage(w: Worker, m: FromWorker): void {
      if (m.type === 'ready') {
        // a worker started later builds its list from the sources on disk then: if they changed during the
        // run the lists differ; obligations are found by id, and the run says its sources changed
        const expected = input.all.map((o) => o.id);
        if (m.ids.length !== expected.length || m.ids.some((id, i) => id !== expected[i])) stats.sourcesChanged = true;
        w.ids = new Set(m.ids);
        solver = m.solver;
        w.ready = true;
        startFailures = 0;
        dispatch(w);
      } else if (m.type === 'crash') {
        w.crash = `${m.message} (resident ${m.rssMb} MiB)`;
        stats.peakRssMb = Math.max(stats.peakRssMb, m.rssMb);
      } else if (m.type === 'result') {
        const job = w.job;
        if (!job || job.index !== m.index) return;
        if (w.timer) clearTimeout(w.timer);
        w.job = undefined;
        w.runs++;
        stats.peakRssMb = Math.max(stats.peakRssMb, m.rssMb);
        record(job, m.entry);
        if (pending.length > 0 && (w.runs >= recycleAfter || m.rssMb >= recycleRss)) retire(w);
        else dispatch(w);
        if (!outstanding()) done();
      }
    }

    function onExit(w: Worker, code: number | null, signal: NodeJS.Signals | null): void {
      if (w.timer) clearTimeout(w.timer);
      const wasOurs = !workers.has(w);
      workers.delete(w);
      if (finished) return;
      const job = w.job;
      w.job = undefined;
      if (!w.ready && !wasOurs) {
        startFailures++;
        stats.failedStarts++;
        lastStartError = w.crash ?? firstLine(w.stderr.trim().split('\n').pop() ?? '') ?? `${signal ?? `exit ${code}`}`;
      }
      if (job) {
        const seconds = performance.now() / 1000 - w.started;
        const why = w.killed ?? `its worker ended (${signal ?? `exit ${code}`})${w.crash ? `: ${w.crash}` : ''}${!w.crash && w.stderr.trim() ? `: ${firstLine(w.stderr.trim().split('\n').pop() ?? '')}` : ''}`;
        const retry = !w.killed && w.runs > 0 && !job.fresh;
        if (!w.killed) {
          stats.crashed++;
          stats.crashes.push({ id: (input.all[job.index] as Obligation).id, reason: why, retried: retry });
        }
        if (retry) {
          // it may have died of what the obligations before it left in the solver: once more, alone
          stats.retried++;
          job.fresh = true;
          pending.unshift(job);
        } else unknown(job, `z3 aborted or the worker died — ${why}`.replace(/^z3 aborted or the worker died — no verdict/, 'no verdict'), seconds);
      }
      fill();
    }

    fill();
  });
}
