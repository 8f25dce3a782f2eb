/**
 * `curve prove` (spec/proofs.md): runs the spec-level obligations (models/smt/spec) and the bytecode-level
 * ones of a venue (models/smt/symexec; default venue examples/perp.curve with the standard library), prints
 * a table of verdicts and seconds (or one JSON object), writes the SMT-LIB2 certificates and the proof
 * bundle (`--emit-smt2 DIR`), and re-checks the certificates with a second solver's command line
 * (`--recheck cvc5|z3`). Exit 0 only when every obligation is proved (and every re-check agrees); 1
 * otherwise; 2 for bad arguments. The obligations run in a pool of worker processes (cli/prove-pool.ts),
 * each with its own z3, so one solver abort is one obligation's `unknown` and the command exits by itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Manifest } from '../../reference/compiler/manifest.ts';
import { UsageError } from '../../reference/lib/errors.ts';
import type { TemplateSet } from '../../reference/compiler/compile.ts';
import { certificateFiles, proofBundle, type ProofBundle } from '../../models/smt/certificate.ts';
import type { Obligation } from '../../models/smt/obligation.ts';
import { queryLimits, RLIMIT_PER_MS, WALL_FACTOR } from '../../models/smt/budget.ts';
import { allProved, selectObligations, type ProveEntry, type ProveReport } from '../../models/smt/prove.ts';
import { readFileOrFail } from '../load.ts';
import { stdout } from '../output.ts';
import { runPool, type PoolStats } from '../prove-pool.ts';
import { obligationsOf } from '../prove-protocol.ts';
import { loadTemplates } from './compile.ts';

/** The shipped venue proved when no file is given. */
export const DEFAULT_VENUE = new URL('../../examples/perp.curve', import.meta.url).pathname;
export const DEFAULT_TIMEOUT_S = 60;

export type RecheckSolver = 'cvc5' | 'z3';

export interface RecheckResult {
  readonly file: string;
  readonly expect: 'sat' | 'unsat';
  /** First line of the solver's answer: sat, unsat, unknown, timeout or an error line. */
  readonly got: string;
  readonly ok: boolean;
}

/** The command line of a second solver for one SMT-LIB2 file, with a time limit in seconds. */
function solverArgs(solver: RecheckSolver, file: string, timeoutS: number): [string, string[]] {
  return solver === 'cvc5' ? ['cvc5', [`--tlimit=${Math.ceil(timeoutS * 1000)}`, '--lang=smt2', file]] : ['z3', ['-smt2', `-T:${Math.ceil(timeoutS)}`, file]];
}

/** The version line of a solver's command line (`cvc5 --version`, `z3 --version`), or why it is missing. */
export function solverVersion(solver: RecheckSolver): string {
  const r = spawnSync(solver, ['--version'], { encoding: 'utf8' });
  if (r.error) throw new UsageError(`--recheck ${solver}: the ${solver} command is not installed (${(r.error as NodeJS.ErrnoException).code ?? 'error'})`);
  return (r.stdout.split('\n')[0] ?? '').trim();
}

/**
 * Re-check certificates with a second, independent solver process (Debian's cvc5 or z3 command line):
 * each file is written to `dir` (a temporary folder when absent) and the solver's answer is compared with
 * the expected one. A disagreement, a timeout or an error is `ok: false`.
 */
export function recheckCertificates(files: readonly { file: string; text: string; expect: 'sat' | 'unsat' }[], solver: RecheckSolver, timeoutS: number, dir?: string): RecheckResult[] {
  solverVersion(solver);
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'curve-recheck-'));
  try {
    return files.map((f) => {
      const path = join(folder, f.file);
      writeFileSync(path, f.text);
      const [cmd, args] = solverArgs(solver, path, timeoutS);
      const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: Math.ceil(timeoutS * 1000) + 5000 });
      const got = r.error ? `error: ${r.error.message}` : ((r.stdout || r.stderr).split('\n')[0] ?? '').trim() || `exit ${r.status}`;
      return { file: f.file, expect: f.expect, got, ok: got === f.expect };
    });
  } finally {
    if (!dir) rmSync(folder, { recursive: true, force: true });
  }
}

export interface ProofRun {
  readonly report: ProveReport;
  readonly bundle: ProofBundle;
  readonly pool: PoolStats;
}

/** A venue's texts and its obligations (spec level, then the bytecode of its Router and Slabs). */
export interface VenueProofs {
  readonly venue: { readonly file: string; readonly text: string };
  readonly templates: TemplateSet;
  readonly obligations: readonly Obligation[];
}

/**
 * The obligations of a venue: spec level, then bytecode level (the venue with the standard library when
 * `venue` is absent). The solver-side modules load here, on first use, so other `curve` commands do not pay for them.
 */
export async function venueObligations(venue?: string, templatesDir?: string): Promise<VenueProofs> {
  const file = venue ?? DEFAULT_VENUE;
  const text = readFileOrFail(file).toString('utf8');
  const templates = loadTemplates(templatesDir);
  return { venue: { file, text }, templates, obligations: await obligationsOf({ file, text }, templates) };
}

export interface ProofRunOptions {
  /** Per-query solver timeout (s). */
  readonly timeoutS: number;
  /** Worker processes (default: the number of cores). */
  readonly workers?: number;
  /** Called with each entry in list order, as soon as it and every one before it are decided. */
  readonly onResult?: (e: ProveEntry) => void;
  /** Called with each entry as soon as it is decided (schedule order), with the count decided so far. */
  readonly onDecided?: (e: ProveEntry, decided: number) => void;
}

/**
 * Run obligations (a selection of `v.obligations`) in the worker pool (cli/prove-pool.ts, one z3 per
 * worker process) and build the bundle. Entries come back in list order; the run's seconds are this
 * process's wall clock. Nothing of z3 runs in this process, so it exits by itself.
 */
export async function runProofs(v: VenueProofs, selected: readonly Obligation[], o: ProofRunOptions): Promise<ProofRun> {
  const index = new Map(v.obligations.map((x, i) => [x, i]));
  const ready: (ProveEntry | undefined)[] = selected.map(() => undefined);
  let next = 0;
  const r = await runPool(
    {
      venue: v.venue,
      templates: v.templates,
      all: v.obligations,
      selected: selected.map((x) => index.get(x) as number),
      onEntry: (e, at) => {
        o.onDecided?.(e, ready.filter(Boolean).length + 1);
        ready[at] = e;
        for (; next < ready.length && ready[next]; next++) o.onResult?.(ready[next] as ProveEntry);
      },
    },
    { timeoutMs: Math.ceil(o.timeoutS * 1000), ...(o.workers !== undefined ? { workers: o.workers } : {}) },
  );
  return { report: r.report, bundle: proofBundle(r.report, { name: 'z3-solver', version: r.solver }), pool: r.stats };
}

interface ProveOptionsCli {
  only?: string;
  timeout?: string;
  json?: boolean;
  emitSmt2?: string;
  recheck?: string;
  templates?: string;
  workers?: string;
}

function parseTimeout(s: string | undefined): number {
  if (s === undefined) return DEFAULT_TIMEOUT_S;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout: expected a positive number of seconds, got '${s}'`);
  return n;
}

const fmt = (s: number): string => s.toFixed(2).padStart(7);
/** z3 resource units in millions (PROOF-RUN-006), for the table. */
const mega = (n: number | undefined): string => (n === undefined ? '' : (n / 1e6).toFixed(1)).padStart(7);

function row(e: ProveEntry): string {
  const why = e.verdict === 'proved' ? '' : `  (${e.reason ?? ''})`;
  return `  ${e.verdict.padEnd(14)} ${fmt(e.seconds)} s ${mega(e.rlimit)} Mrl  ${e.level.padEnd(8)} ${e.id}${why}`;
}

function entryJson(e: ProveEntry) {
  return {
    id: e.id,
    family: e.family,
    level: e.level,
    invariants: e.invariants,
    rules: e.rules,
    description: e.description,
    verdict: e.verdict,
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    seconds: Math.round(e.seconds * 1000) / 1000,
    ...(e.cpuSeconds !== undefined ? { cpuSeconds: Math.round(e.cpuSeconds * 1000) / 1000 } : {}),
    ...(e.rlimit !== undefined ? { rlimit: e.rlimit } : {}),
    ...(e.result.witness ? { witness: e.result.witness } : {}),
    ...(e.result.counterexample ? { counterexample: e.result.counterexample } : {}),
    ...(e.result.paths !== undefined ? { paths: e.result.paths } : {}),
  };
}

function parseWorkers(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--workers: expected a whole number from 1 to 64, got '${s}'`);
  return n;
}

/** How many of the slowest obligations the table's footer names. */
const SLOWEST = 5;

async function proveCommand(file: string | undefined, o: ProveOptionsCli): Promise<void> {
  const timeoutS = parseTimeout(o.timeout);
  const workers = parseWorkers(o.workers);
  const recheck = o.recheck;
  if (recheck !== undefined && recheck !== 'cvc5' && recheck !== 'z3') throw new UsageError(`--recheck: expected cvc5 or z3, got '${recheck}'`);
  if (recheck) solverVersion(recheck);
  const v = await venueObligations(file, o.templates);
  const selected = selectObligations(v.obligations, o.only);
  if (selected.length === 0) throw new UsageError(`--only ${o.only}: no obligation matches (ids, id prefixes, invariant ids, families, levels or a * glob)`);
  const lim = queryLimits(timeoutS * 1000);
  if (!o.json) stdout.line(`proving ${selected.length} obligation(s), ${timeoutS} s per query (z3 rlimit ${lim.rlimit}, wall-clock safety net ${lim.wallMs / 1000} s)`);
  // rows come in list order; on a terminal, stderr shows each verdict as soon as it is decided
  const progress = process.stderr.isTTY ? (e: ProveEntry, n: number) => process.stderr.write(`\r\x1b[K[${n}/${selected.length}] ${e.verdict} ${e.seconds.toFixed(1)} s ${e.id}${n === selected.length ? '\n' : ''}`) : undefined;
  const { report, bundle, pool } = await runProofs(v, selected, {
    timeoutS,
    ...(workers !== undefined ? { workers } : {}),
    ...(o.json ? {} : { onResult: (e: ProveEntry) => (progress && process.stderr.write('\r\x1b[K'), stdout.line(row(e))) }),
    ...(progress ? { onDecided: progress } : {}),
  });
  const files = certificateFiles(report);
  if (o.emitSmt2) {
    mkdirSync(o.emitSmt2, { recursive: true });
    for (const f of files) writeFileSync(join(o.emitSmt2, f.file), f.text);
    writeFileSync(join(o.emitSmt2, 'proof-bundle.json'), JSON.stringify(bundle, null, 2) + '\n');
  }
  const rechecked = recheck ? recheckCertificates(files, recheck, timeoutS, o.emitSmt2) : undefined;
  const disagreements = rechecked?.filter((r) => !r.ok) ?? [];
  const pass = allProved(report) && disagreements.length === 0;
  const cpuTotal = report.entries.reduce((n, e) => n + (e.cpuSeconds ?? 0), 0);
  const rlimitTotal = report.entries.reduce((n, e) => n + (e.rlimit ?? 0), 0);
  const slowest = [...report.entries].sort((a, b) => b.seconds - a.seconds || (a.id < b.id ? -1 : 1)).slice(0, SLOWEST);
  // the same in z3 resource units: the ranking that does not move with the machine's load
  const heaviest = [...report.entries].sort((a, b) => (b.rlimit ?? 0) - (a.rlimit ?? 0) || (a.id < b.id ? -1 : 1)).slice(0, SLOWEST);
  if (o.json) {
    stdout.json({
      ok: pass,
      obligations: report.obligations,
      proved: report.proved,
      counterexamples: report.counterexamples,
      unknown: report.unknown,
      partial: report.partial,
      vacuous: report.vacuous,
      seconds: Math.round(report.seconds * 1000) / 1000,
      cpuSeconds: Math.round(cpuTotal * 1000) / 1000,
      rlimit: rlimitTotal,
      budget: { timeoutS, ...queryLimits(timeoutS * 1000) },
      solver: bundle.solver,
      bundleHash: bundle.hash,
      pool,
      slowest: slowest.map((e) => ({ id: e.id, seconds: Math.round(e.seconds * 1000) / 1000, ...(e.rlimit !== undefined ? { rlimit: e.rlimit } : {}) })),
      heaviest: heaviest.map((e) => ({ id: e.id, rlimit: e.rlimit ?? 0, seconds: Math.round(e.seconds * 1000) / 1000 })),
      ...(rechecked ? { recheck: { solver: recheck, version: solverVersion(recheck as RecheckSolver), files: rechecked.length, agreed: rechecked.length - disagreements.length, disagreements } } : {}),
      entries: report.entries.map(entryJson),
    });
  } else {
    stdout.line(
      `${report.obligations} obligation(s): ${report.proved} proved, ${report.counterexamples} counterexample(s), ${report.unknown} unknown, ${report.partial} partial, ${report.vacuous} vacuous in ${report.seconds.toFixed(1)} s (${cpuTotal.toFixed(1)} CPU s)` +
        ` (${pool.workers} worker(s), ${pool.started} started, peak ${pool.peakRssMb} MiB${pool.crashed ? `, ${pool.crashed} crashed` : ''}${pool.killed ? `, ${pool.killed} killed at the hard limit` : ''})`,
    );
    if (pool.sourcesChanged) stdout.line('warning: the sources changed during the run (a worker started later built a different obligation list); run it again');
    for (const c of pool.crashes) stdout.line(`worker crash under ${c.id}: ${c.reason}${c.retried ? ' (retried alone in a fresh worker)' : ''}`);
    if (slowest.length) stdout.line(`slowest: ${slowest.map((e) => `${e.id} ${e.seconds.toFixed(2)} s`).join(', ')}`);
    if (heaviest.length) stdout.line(`heaviest (z3 rlimit, ${(rlimitTotal / 1e6).toFixed(1)} M in all): ${heaviest.map((e) => `${e.id} ${((e.rlimit ?? 0) / 1e6).toFixed(1)} M`).join(', ')}`);
    stdout.line(`proof bundle ${bundle.hash}${o.emitSmt2 ? ` → ${o.emitSmt2}/proof-bundle.json, ${files.length} SMT-LIB2 file(s)` : ''}`);
    if (rechecked) {
      stdout.line(`re-checked ${rechecked.length} certificate(s) with ${solverVersion(recheck as RecheckSolver)}: ${rechecked.length - disagreements.length} agree`);
      for (const d of disagreements) stdout.line(`  ${d.file}: expected ${d.expect}, ${recheck} says ${d.got}`);
    }
  }
  process.exitCode = pass ? 0 : 1;
}

export function registerProveCommand(program: Command): void {
  program
    .command('prove')
    .description('prove the invariants with z3: spec-level obligations and the bytecode of a venue; table or JSON of verdicts, SMT-LIB2 certificates, proof bundle')
    .argument('[file]', 'venue script (.curve) whose compiled Router/Slab bytecode is proved (default examples/perp.curve)')
    .option('--only <id>', 'only obligations matching an id, id prefix, invariant id, family, level or * glob')
    .option('--timeout <s>', `per-query budget in seconds of a quiet machine (default ${DEFAULT_TIMEOUT_S}): z3 rlimit ${RLIMIT_PER_MS * 1000}/s, wall-clock safety net ${WALL_FACTOR}×`)
    .option('--json', 'print one JSON object')
    .option('--emit-smt2 <dir>', 'write each obligation as SMT-LIB2 (negation: unsat; witnesses: sat) and proof-bundle.json')
    .option('--recheck <solver>', 're-check every certificate with a second solver command line: cvc5 or z3')
    .option('--templates <dir>', 'folder with router.curve, slab.curve, oracle.curve (default: the standard library)')
    .option('--workers <n>', 'prover worker processes, each with its own z3 (default: the number of cores)')
    .action((file: string | undefined, o: ProveOptionsCli) => proveCommand(file, o));
}

/** MAN-PROOF-001: the manifest with every module's proof-hash slot set to the proof bundle's hash. */
export function withProofHash(m: Manifest, bundleHash: string): Manifest {
  return { ...m, modules: m.modules.map((x) => ({ ...x, proofHash: bundleHash })) };
}

/** `curve compile --prove`: prove a venue's obligations; ok only when every one is proved. */
export async function proveForManifest(file: string, templatesDir: string | undefined, timeout: string | undefined): Promise<ProofRun & { ok: boolean; failed: string[] }> {
  const timeoutS = parseTimeout(timeout);
  const v = await venueObligations(file, templatesDir);
  const run = await runProofs(v, v.obligations, { timeoutS });
  const failed = run.report.entries.filter((e) => e.verdict !== 'proved').map((e) => `${e.id} (${e.verdict})`);
  return { ...run, ok: allProved(run.report), failed };
}
