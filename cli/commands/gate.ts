/**
 * `curve gate [file.curve] [--profile quick|full] [--out DIR] [--config FILE]` (spec/gate.md): the
 * go/no-go run. This file does the outside-world part — reads the venue, templates, spec texts, vectors
 * and test sources; wires the evidence producers (prover, soak, benchmarks, test runner) that exist;
 * keeps wall-clock time; shows progress (listr2 on a TTY, plain lines otherwise or under CI=true);
 * writes the report — and maps the verdict to the exit code: 0 GO, 1 NO-GO, 2 bad input.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { Listr } from 'listr2';
import { UsageError } from '../../reference/lib/errors.ts';
import { VECTORS_DIR, loadVectors, problemLine } from '../../conformance/files.ts';
import { loadConfig } from '../../reports/config.ts';
import { htmlReport } from '../../reports/html.ts';
import { junitReport } from '../../reports/junit.ts';
import { markdownReport } from '../../reports/markdown.ts';
import type { Producers } from '../../reports/producers.ts';
import { assembleReport, summaryJson, type GateReport } from '../../reports/report.ts';
import { runStages, type GateInputs, type Stage, type StageContext } from '../../reports/stage.ts';
import { STAGES } from '../../reports/stages/index.ts';
import { PROFILES, type Figure, type Profile, type StageRecord } from '../../reports/types.ts';
import { runPerpBench } from '../../bench/perp.ts';
import { runVmBench } from '../../bench/vm.ts';
import { runSoak } from '../../soak/index.ts';
import { checkerIds } from '../../reports/matrix.ts';
import { soakRunOf } from '../../reports/soak-run.ts';
import { runVmDifferential } from '../../reports/perp/vm-differential.ts';
import { DIFF_T0 } from '../../reports/stages/differential.ts';
import { checkTarget, writeDirAtomic } from '../atomic.ts';
import { readFileOrFail } from '../load.ts';
import { stdout } from '../output.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Gates that read the compiled venue: `--only` adds compile before them. */
const NEED_COMPILE: readonly string[] = ['prove', 'differential'];
const text = (path: string): string => readFileOrFail(path).toString('utf8');

interface GateFlags {
  profile: string;
  out?: string;
  config?: string;
  only?: string;
  seed?: string;
}

/** Every `*.test.ts` under test/, relative to the project root. */
function testFiles(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.test.ts')) out.push({ file: relative(ROOT, p), text: text(p) });
    }
  };
  if (existsSync(join(ROOT, 'test'))) walk(join(ROOT, 'test'));
  return out;
}

function readInputs(file: string): GateInputs {
  const tpl = (kind: string) => ({ file: `stdlib/${kind}.curve`, text: text(join(ROOT, 'stdlib', `${kind}.curve`)) });
  const { vectors, problems } = loadVectors(VECTORS_DIR, VECTORS_DIR);
  const design = [join(ROOT, 'spec/design/PERP_DESIGN.md'), join(ROOT, '../shared/PERP_DESIGN.md')].find((p) => existsSync(p));
  if (!design) throw new UsageError('PERP_DESIGN.md not found (spec/design/PERP_DESIGN.md)');
  return {
    venue: { file, text: text(file) },
    templates: { router: tpl('router'), slab: tpl('slab'), oracle: tpl('oracle') },
    designText: text(design),
    invariantsText: text(join(ROOT, 'spec/invariants.md')),
    vmSpecText: text(join(ROOT, 'spec/curvevm.md')),
    vectors,
    vectorProblems: problems.map(problemLine),
    testFiles: testFiles(),
  };
}

/** ava --tap on the given files (project root, the package's ava configuration). */
function runAva(files: readonly string[]): Promise<{ tap: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/ava/entrypoints/cli.mjs'), '--tap', ...files], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let tap = '';
    child.stdout.on('data', (d: Buffer) => (tap += d.toString('utf8')));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve({ tap }));
  });
}

/**
 * The producers that exist in this tree (GATE-PROD-001). The prover (models/smt/prove.ts) and the
 * VM-vs-model sequence driver (reference/perp/vm) are wired here when they land; until then their gates
 * report no evidence.
 */
function producers(inputs: GateInputs): Producers {
  return {
    prove: (input) => import('../prove-producer.ts').then((m) => m.provePooled(input)),
    // GATE-DIFF-002: the checker's ids, evaluated on VM state, and OBS1 (observables equal)
    vmDifferential: (o) => Promise.resolve({ ...runVmDifferential(o, DIFF_T0), invariants: ['OBS1', ...checkerIds(inputs.invariantsText)] }),
    tests: runAva,
    soak: ({ seeds, events }) => Promise.resolve(soakRunOf(runSoak({ seeds, events }), checkerIds(inputs.invariantsText))),
    vmBench: runVmBench,
    perpBench: async ({ scale }) => {
      const r = await runPerpBench({ quick: scale === 'quick' });
      return Object.fromEntries(Object.entries(r).filter((e): e is [string, Figure] => typeof e[1] === 'number' || typeof e[1] === 'string' || typeof e[1] === 'boolean'));
    },
  };
}

function parseFlags(f: GateFlags): { profile: Profile; only?: string[]; seed?: number } {
  if (!PROFILES.includes(f.profile as Profile)) throw new UsageError(`--profile must be ${PROFILES.join(' or ')}, got ${JSON.stringify(f.profile)}`);
  const out: { profile: Profile; only?: string[]; seed?: number } = { profile: f.profile as Profile };
  if (f.only !== undefined) {
    const names = f.only.split(',').map((s) => s.trim()).filter(Boolean);
    const known = STAGES.map((s) => s.name);
    const bad = names.find((n) => !known.includes(n));
    if (bad !== undefined || names.length === 0) throw new UsageError(`--only: unknown gate ${JSON.stringify(bad ?? f.only)} (gates: ${known.join(', ')})`);
    out.only = names;
  }
  if (f.seed !== undefined) {
    if (!/^[0-9]+$/.test(f.seed) || !Number.isSafeInteger(Number(f.seed)) || Number(f.seed) > 0xffffffff) throw new UsageError(`--seed expects an integer 0..2^32-1, got ${JSON.stringify(f.seed)}`);
    out.seed = Number(f.seed);
  }
  return out;
}

/** Run the stages with live progress: listr2 on an interactive terminal, plain lines otherwise. */
async function runWithProgress(stages: readonly Stage[], ctx: Omit<StageContext, 'progress'>): Promise<StageRecord[]> {
  const records: StageRecord[] = [];
  const line = (r: StageRecord): string => `${r.name}: ${r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'NO EVIDENCE'} (${r.seconds.toFixed(1)} s) — ${r.reasons[0] ?? r.summary}`;
  if (process.stdout.isTTY !== true || process.env.CI === 'true') {
    for (const stage of stages) {
      process.stdout.write(`gate ${stage.name}: ${stage.title} …\n`);
      const [r] = await runStages([stage], { ...ctx, progress: (l) => process.stdout.write(`  ${stage.name}: ${l}\n`) });
      records.push(r as StageRecord);
      process.stdout.write(`gate ${line(r as StageRecord)}\n`);
    }
    return records;
  }
  const list = new Listr(
    stages.map((stage) => ({
      title: stage.title,
      task: async (_c: unknown, task: { output: string; title: string }) => {
        const [r] = await runStages([stage], { ...ctx, progress: (l) => (task.output = l) });
        records.push(r as StageRecord);
        task.title = line(r as StageRecord);
      },
    })),
    { concurrent: false, exitOnError: false, rendererOptions: { collapseSubtasks: false } },
  );
  await list.run();
  return records;
}

async function reportFiles(r: GateReport): Promise<Map<string, string | Uint8Array>> {
  const files = new Map<string, string | Uint8Array>([
    ['go-no-go.md', markdownReport(r)],
    ['index.html', await htmlReport(r)],
    ['summary.json', summaryJson(r)],
    ['junit.xml', junitReport(r)],
  ]);
  for (const g of r.gates) for (const [name, body] of g.files ?? []) files.set(name, body);
  if (r.manifest) {
    files.set('manifest.json', r.manifest.json);
    files.set('manifest.borsh', r.manifest.borsh);
  }
  return files;
}

async function gateCommand(file: string | undefined, f: GateFlags): Promise<void> {
  const t0 = performance.now();
  const flags = parseFlags(f);
  const venueFile = file ?? relative(process.cwd(), join(ROOT, 'examples/perp.curve'));
  const config = loadConfig(text(join(ROOT, 'reports/gate.defaults.json')), f.config !== undefined ? { file: f.config, text: text(f.config) } : undefined);
  const out = f.out ?? (relative(process.cwd(), join(ROOT, 'reports/out')) || 'reports/out');
  checkTarget(out, 'summary.json');
  const inputs = readInputs(venueFile);
  const base = config.profiles[flags.profile];
  const settings = flags.seed === undefined ? base : { ...base, differential: { ...base.differential, seed: flags.seed, sequences: 1, vmSequences: Math.min(1, base.differential.vmSequences) }, soak: { ...base.soak, seeds: [flags.seed] }, experiments: { ...base.experiments, seeds: [flags.seed] } };
  const only = flags.only;
  const wanted = only && only.some((n) => NEED_COMPILE.includes(n)) ? [...only, 'compile'] : only;
  const stages = wanted ? STAGES.filter((s) => wanted.includes(s.name)) : STAGES;
  const command = ['curve gate', venueFile, `--profile ${flags.profile}`, ...(f.config !== undefined ? [`--config ${f.config}`] : [])].join(' ');
  const ctx: Omit<StageContext, 'progress'> = { profile: flags.profile, config, settings, inputs, producers: producers(inputs), command, clock: () => performance.now(), artifacts: new Map() };
  stdout.line(`curve gate: ${venueFile}, profile ${flags.profile}, ${stages.length} gate(s): ${stages.map((s) => s.name).join(', ')}`);
  const records = await runWithProgress(stages, ctx);
  const report = assembleReport({ ...ctx, progress: () => {} }, records, (performance.now() - t0) / 1000);
  writeDirAtomic(out, await reportFiles(report), 'summary.json');
  const v = report.verdict;
  stdout.line('');
  stdout.line(`verdict: ${v.verdict}${v.reasons.length ? ` (${v.reasons.length} reason${v.reasons.length > 1 ? 's' : ''})` : ''}`);
  for (const r of v.reasons) stdout.line(`  - ${r}`);
  stdout.line(`report: ${join(out, 'index.html')} (also go-no-go.md, summary.json, junit.xml${report.manifest ? ', manifest.json, manifest.borsh' : ''}) in ${report.seconds.toFixed(1)} s`);
  process.exitCode = v.verdict === 'GO' ? 0 : 1;
}

export function registerGateCommand(program: Command): void {
  program
    .command('gate')
    .description('the go/no-go run: compile, prove, conformance, tests, differential perp check, experiments, soak, benchmarks → report (exit 0 GO, 1 NO-GO, 2 bad input)')
    .argument('[file]', 'venue script (.curve); default examples/perp.curve')
    .option('--profile <name>', 'quick (bounded, for npm start and CI) or full', 'quick')
    .option('--out <dir>', 'report folder, replaced as a whole (default reports/out)')
    .option('--config <file>', 'JSON merged over the embedded defaults (reports/gate.defaults.json, spec/gate.md)')
    .option('--only <gates>', 'run only these gates (comma-separated; compile is added when a gate needs it)')
    .option('--seed <n>', 'reproduce one seed: one differential sequence, one soak seed, one anti-toxicity seed')
    .action((file: string | undefined, f: GateFlags) => gateCommand(file, f));
}
