/**
 * `curve conformance` (run, fill, coverage, strength) and `curve adapter`: the conformance suite's
 * commands (spec/conformance.md). The runner, fillers and protocol live in conformance/; this file reads
 * and writes files, spawns nothing itself, keeps wall-clock time, and maps outcomes to exit codes.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { UsageError } from '../../reference/lib/errors.ts';
import { coverage, definedIds, perpIds } from '../../conformance/coverage.ts';
import { fillAll } from '../../conformance/filler.ts';
import { FILLERS } from '../../conformance/fillers/index.ts';
import { VECTORS_DIR, isFilledPath, loadVectors, problemLine, type LoadedVector } from '../../conformance/files.ts';
import type { RunHooks } from '../../conformance/kinds.ts';
import { processImplementation, serveAdapter } from '../../conformance/protocol.ts';
import { failureText, junitXml, referenceImplementation, runVectors, summarize, type Implementation, type Outcome } from '../../conformance/runner.ts';
import { parseShard, select } from '../../conformance/select.ts';
import { MUTANTS, PERP_MUTANTS, mutantLine, strengthOf } from '../../conformance/strength.ts';
import { stdout } from '../output.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Result fields `--ignore` may mask (CONF-CMP-003). */
const MASKABLE = ['status', 'halt', 'revertCode', 'gasUsed', 'returnData', 'logs', 'stateDiff', 'stateRoot', 'error', 'valid', 'offset', 'hash'];

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function positive(flag: string, v: string): number {
  if (!/^[0-9]+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new UsageError(`${flag} expects a positive integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

interface RunFlags {
  impl?: string;
  filter?: string;
  shard?: string;
  json?: boolean;
  junit?: string;
  timeout: string;
  ignore: string[];
  repeat: string;
  vectors?: string;
  traceDiff?: boolean;
}

/** Load, report malformed files (one line each, the run goes on), select. */
function loadSelected(f: { vectors?: string; filter?: string; shard?: string }): { selected: LoadedVector[]; problems: string[] } {
  const shard = f.shard !== undefined ? parseShard(f.shard) : undefined;
  const dir = f.vectors ?? VECTORS_DIR;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError('no such vector folder', dir);
  const { vectors, problems } = loadVectors(dir);
  const lines = problems.map(problemLine);
  for (const l of lines) process.stderr.write(`curve: malformed vector: ${l}\n`);
  const selected = select(
    vectors.map((v) => ({ ...v, id: v.vector.id })),
    { ...(f.filter !== undefined ? { filter: f.filter } : {}), ...(shard ? { shard } : {}) },
  );
  return { selected, problems: lines };
}

async function runCommand(f: RunFlags): Promise<void> {
  const timeoutMs = positive('--timeout', f.timeout);
  const repeat = positive('--repeat', f.repeat);
  for (const field of f.ignore) if (!MASKABLE.includes(field)) throw new UsageError(`--ignore: unknown field ${JSON.stringify(field)} (one of ${MASKABLE.join(', ')})`);
  const { selected, problems } = loadSelected(f);
  if (selected.length === 0 && problems.length === 0) throw new UsageError(`no vectors match${f.filter ? ` --filter ${JSON.stringify(f.filter)}` : ''}${f.shard ? ` --shard ${f.shard}` : ''}`);
  const t0 = performance.now();
  let impl: Implementation;
  let outcomes: Outcome[];
  if (f.impl !== undefined) {
    const p = await processImplementation(f.impl, { timeoutMs });
    if ('failure' in p) {
      process.stderr.write(`curve: ${p.failure}\n`);
      outcomes = selected.map((v) => ({ id: v.vector.id, file: v.file, covers: v.vector.covers, verdict: 'fail' as const, diffs: [], message: p.failure, seconds: 0 }));
      impl = { name: f.impl, features: [], run: () => Promise.resolve({ failure: p.failure }), close: () => Promise.resolve() };
    } else impl = p;
  } else impl = referenceImplementation();
  outcomes ??= await runVectors(impl, selected, { ignore: f.ignore, repeat, clock: () => performance.now(), traceDiff: f.traceDiff === true }, (x) => {
    if (x.verdict === 'fail' && !f.json) stdout.line(failureText(x));
  });
  const s = summarize(impl.name, outcomes, problems.length, (performance.now() - t0) / 1000, f.ignore);
  if (f.junit) writeFileSync(f.junit, junitXml(s, outcomes, problems));
  if (f.json) {
    const failures = outcomes.filter((x) => x.verdict === 'fail').map((x) => ({ id: x.id, file: x.file, covers: x.covers, ...(x.message ? { message: x.message } : {}), diffs: x.diffs, ...(x.traceDiff !== undefined ? { traceDiff: x.traceDiff } : {}) }));
    stdout.json({ ...s, failures, malformedVectors: problems });
  } else {
    if (s.failed > 0 && f.impl === undefined) stdout.line('');
    stdout.line(`${s.vectors} vectors: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.malformed} malformed in ${s.seconds.toFixed(2)} s — ${s.implementation}${s.ignored.length ? ` (masked: ${s.ignored.join(', ')})` : ''}`);
  }
  process.exitCode = s.failed > 0 ? 1 : s.malformed > 0 ? 2 : 0;
}

/** Every `.json` under dir, relative. */
function existingFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.json')) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function fillCommand(o: { check?: boolean; out?: string }): void {
  const dir = o.out ?? VECTORS_DIR;
  const files = fillAll(FILLERS);
  const vectors = [...files.values()].reduce((n, t) => n + (JSON.parse(t) as { vectors: unknown[] }).vectors.length, 0);
  const stale = existingFiles(dir).filter((p) => isFilledPath(p) && !files.has(p));
  if (o.check) {
    const differ = [...files].filter(([p, text]) => !existsSync(join(dir, p)) || readFileSync(join(dir, p), 'utf8') !== text).map(([p]) => p);
    for (const p of [...differ, ...stale]) stdout.line(`drift: ${join(relative(process.cwd(), dir) || '.', p)} ${stale.includes(p) ? 'is not produced by any filler' : 'differs from a fresh fill'}`);
    stdout.line(`${files.size} files, ${vectors} vectors: ${differ.length + stale.length === 0 ? 'no drift' : `${differ.length + stale.length} file(s) drifted (run curve conformance fill)`}`);
    process.exitCode = differ.length + stale.length === 0 ? 0 : 1;
    return;
  }
  for (const p of stale) rmSync(join(dir, p));
  for (const [p, text] of files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  stdout.line(`wrote ${files.size} files, ${vectors} vectors under ${relative(process.cwd(), dir) || dir}${stale.length ? ` (removed ${stale.length} stale)` : ''}`);
}

/** The rule-id families of the coverage map: the spec documents and the prefixes they define (CONF-COV-001). */
const SPEC_FAMILIES: readonly { name: string; title: string; file: string; prefix: string }[] = [
  { name: 'vm', title: 'VM rules (spec/curvevm.md)', file: 'spec/curvevm.md', prefix: 'VM' },
  { name: 'cs', title: 'CurveScript rules (spec/curvescript.md)', file: 'spec/curvescript.md', prefix: 'CS' },
  { name: 'manifest', title: 'manifest and CPI rules (spec/manifest.md)', file: 'spec/manifest.md', prefix: 'MAN|CPI' },
  { name: 'perpSpec', title: 'perp rules (spec/perp.md)', file: 'spec/perp.md', prefix: 'PERP' },
];

function coverageCommand(o: { vectors?: string; json?: boolean; byVector?: boolean; perpDesign?: string }): void {
  const { selected } = loadSelected(o);
  const families: Record<string, string[]> = {};
  for (const f of SPEC_FAMILIES) families[f.name] = existsSync(join(ROOT, f.file)) ? definedIds(readFileSync(join(ROOT, f.file), 'utf8'), f.prefix) : [];
  const perpPath = o.perpDesign ?? [join(ROOT, 'spec/design/PERP_DESIGN.md'), join(ROOT, '../shared/PERP_DESIGN.md')].find((p) => existsSync(p));
  if (o.perpDesign !== undefined && !existsSync(o.perpDesign)) throw new UsageError('no such file', o.perpDesign);
  families.perp = perpPath ? perpIds(readFileSync(perpPath, 'utf8')) : [];
  const { vm, perp, ...more } = families;
  const c = coverage(
    selected.map((v) => ({ id: v.vector.id, covers: v.vector.covers })),
    vm ?? [],
    perp ?? [],
    more,
  );
  const sizes = Object.fromEntries(Object.entries(families).map(([k, ids]) => [k, ids.length]));
  if (o.json) {
    stdout.json({ vectors: selected.length, vmRules: sizes.vm, perpInvariants: sizes.perp, rules: sizes, uncovered: c.uncovered, unknown: c.unknown, byRule: c.byRule, ...(o.byVector ? { byVector: c.byVector } : {}) });
    return;
  }
  if (o.byVector) for (const v of c.byVector) stdout.line(`${v.id}: ${v.covers.join(', ')}`);
  for (const r of c.byRule) if (r.vectors > 0) stdout.line(`${r.rule.padEnd(24)} ${r.vectors} vector(s)`);
  for (const f of SPEC_FAMILIES) {
    const u = c.uncovered[f.name] ?? [];
    stdout.line(`uncovered ${f.title} (${u.length} of ${sizes[f.name]}): ${u.join(', ') || 'none'}`);
  }
  stdout.line(
    perpPath
      ? `uncovered PERP_DESIGN invariants (${(c.uncovered.perp ?? []).length} of ${sizes.perp}): ${(c.uncovered.perp ?? []).join(', ') || 'none'}`
      : 'PERP_DESIGN.md not found (pass --perp-design FILE): perp invariants not listed',
  );
  if (c.unknown.length) stdout.line(`ids cited by vectors but defined nowhere: ${c.unknown.join(', ')}`);
}

async function strengthCommand(o: { vectors?: string; filter?: string; mutant?: string; json?: boolean }): Promise<void> {
  const all = [...MUTANTS.map((m) => ({ name: m.name, description: m.description, kind: 'vm.call', hooks: { machine: m.machine } as RunHooks })), ...PERP_MUTANTS.map((m) => ({ ...m, kind: 'perp.scenario' }))];
  const mutants = o.mutant === undefined ? all : all.filter((m) => m.name === o.mutant);
  if (mutants.length === 0) throw new UsageError(`--mutant: unknown mutant ${JSON.stringify(o.mutant)} (see curve conformance strength --list)`);
  const { selected } = loadSelected(o);
  const t0 = performance.now();
  const results: { mutant: string; killedBy: string | undefined }[] = [];
  for (const m of mutants) {
    const out = await runVectors(referenceImplementation(m.hooks, m.name), selected.filter((v) => v.vector.kind === m.kind), { stopAtFirstFailure: true });
    const killer = out.find((x) => x.verdict === 'fail');
    results.push({ mutant: m.name, killedBy: killer?.id });
    if (!o.json) stdout.line(`${killer ? 'killed  ' : 'SURVIVED'} ${m.name.padEnd(30)} ${killer ? `by ${killer.id}` : m.description}`);
  }
  const s = strengthOf(results);
  const seconds = (performance.now() - t0) / 1000;
  const counts = { 'vm.call': selected.filter((v) => v.vector.kind === 'vm.call').length, 'perp.scenario': selected.filter((v) => v.vector.kind === 'perp.scenario').length };
  if (o.json) stdout.json({ ...s, vectors: counts['vm.call'], perpVectors: counts['perp.scenario'], seconds });
  else stdout.line(`suite strength: ${s.killed}/${s.mutants} mutants killed (${(100 * s.score).toFixed(1)} %) by ${counts['vm.call']} vm.call and ${counts['perp.scenario']} perp.scenario vectors in ${seconds.toFixed(1)} s`);
}

export function registerConformanceCommands(program: Command): void {
  const conf = program.command('conformance').description('the conformance suite (spec/conformance.md): run (default), fill, coverage, strength');
  conf
    .command('run', { isDefault: true })
    .description('run the conformance vectors against the reference or an adapter (--impl CMD)')
    .option('--impl <cmd>', 'an implementation behind the JSON-lines adapter protocol (e.g. "node bin/curve.js adapter")')
    .option('--filter <glob>', 'only vector ids matching the glob (* and ?)')
    .option('--shard <i/n>', 'only shard i of n (disjoint; together they cover the selection)')
    .option('--json', 'print one JSON object (vectors, passed, failed, skipped, malformed, seconds, failures)')
    .option('--junit <file>', 'write JUnit XML')
    .option('--timeout <ms>', 'per-vector time limit for --impl', '10000')
    .option('--ignore <field>', 'mask a result field from the comparison (repeatable; the summary says so)', collect, [] as string[])
    .option('--repeat <n>', 'run each vector n times and flag any difference between runs', '1')
    .option('--vectors <dir>', 'vector folder (default: the committed conformance/vectors)')
    .option('--trace-diff', 're-run each failing vm.call vector with per-step traces on both sides and print the first step where they diverge')
    .action((f: RunFlags) => runCommand(f));
  conf
    .command('fill')
    .description('regenerate conformance/vectors from the fillers (deterministic)')
    .option('--check', 'write nothing; exit 1 when the committed files differ from a fresh fill')
    .option('--out <dir>', 'write here instead of conformance/vectors')
    .action((o: { check?: boolean; out?: string }) => fillCommand(o));
  conf
    .command('coverage')
    .description('which rule ids the vectors cover, and every VM rule and PERP_DESIGN invariant none covers')
    .option('--by-vector', 'also list the ids of each vector')
    .option('--perp-design <file>', 'PERP_DESIGN.md (default: beside the project)')
    .option('--vectors <dir>', 'vector folder')
    .option('--json', 'JSON output')
    .action((o: { vectors?: string; json?: boolean; byVector?: boolean; perpDesign?: string }) => coverageCommand(o));
  conf
    .command('strength')
    .description('suite strength: run the vectors against deliberately broken interpreters; print the fraction killed')
    .option('--mutant <name>', 'only this mutant')
    .option('--list', 'list the mutants and exit')
    .option('--filter <glob>', 'only vector ids matching the glob')
    .option('--vectors <dir>', 'vector folder')
    .option('--json', 'JSON output')
    .action((o: { list?: boolean; vectors?: string; filter?: string; mutant?: string; json?: boolean }) => {
      if (o.list) {
        for (const m of [...MUTANTS, ...PERP_MUTANTS]) stdout.line(mutantLine(m));
        return Promise.resolve();
      }
      return strengthCommand(o);
    });

  for (const c of conf.commands) c.exitOverride().configureOutput({ writeErr: () => {} });

  program
    .command('adapter')
    .description('serve the conformance adapter protocol on stdin/stdout with the reference (spec/conformance.md §5)')
    .option('--mutant <name>', 'serve a deliberately broken reference (a suite-strength mutant; for tests)')
    .action(async (o: { mutant?: string }) => {
      let hooks: RunHooks = {};
      let name = 'curve reference 0.1.0';
      if (o.mutant !== undefined) {
        const m = MUTANTS.find((x) => x.name === o.mutant);
        const p = PERP_MUTANTS.find((x) => x.name === o.mutant);
        if (!m && !p) throw new UsageError(`--mutant: unknown mutant ${JSON.stringify(o.mutant)}`);
        hooks = m ? { machine: m.machine } : (p as { hooks: RunHooks }).hooks;
        name = `curve reference 0.1.0 (mutant ${o.mutant})`;
      }
      await serveAdapter(process.stdin, (l) => process.stdout.write(l), hooks, name);
    });
}
