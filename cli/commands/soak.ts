/**
 * `curve soak`: the deterministic simulator's campaigns (spec/sequencer.md §9). Runs seeds through
 * soak/ (safety phase under faults, then liveness), prints each seed's derived parameters, simulated
 * events and time, and a JSON summary with `--json`. This file keeps the wall clock and maps the worst
 * outcome to a typed exit status: 0 ok, 1 correctness, 4 liveness, 5 crash (SEQ-SOAK-EXIT); bad
 * arguments exit 2. `--executor vm` runs every node's blocks on CurveVM (SEQ-EXE-005) over the compiled soak
 * venue; `--venue compiled` runs the model executor on that venue (same roots, seed for seed).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { UsageError } from '../../reference/lib/errors.ts';
import { inShard, parseShard } from '../../conformance/select.ts';
import { FAULT_CLASSES, onlyFaults, type FaultClass } from '../../soak/faults.ts';
import { PLANTED_BUGS, runSoak, summarize, type PlantedBug, type SeedSummary } from '../../soak/index.ts';
import { compileSoakVenue } from '../../soak/vm-venue.ts';
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { stdout } from '../output.ts';

export const SOAK_EXIT = { ok: 0, correctness: 1, liveness: 4, crash: 5 } as const;

interface SoakFlags {
  seed?: string;
  seeds?: string;
  swarm?: boolean;
  events: string;
  json?: boolean;
  plant?: string;
  shard?: string;
  livenessBound?: string;
  mode: string;
  shrink: boolean;
  duration?: string;
  faults?: string;
  executor: string;
  venue?: string;
}

/** The stdlib templates shipped with the package (project root `stdlib/`). */
const STDLIB = new URL('../../stdlib/', import.meta.url).pathname;

/** SEQ-EXE-005: the compiled soak venue (soak/vm-venue.ts) from the shipped stdlib templates. */
function soakModules(): readonly CompiledModule[] {
  const tpl = (kind: string) => {
    const file = `${STDLIB}${kind}.curve`;
    try {
      return { file: `stdlib/${kind}.curve`, text: readFileSync(file, 'utf8') };
    } catch {
      throw new UsageError(`--venue compiled: cannot read the template ${file}`);
    }
  };
  return compileSoakVenue({ router: tpl('router'), slab: tpl('slab'), oracle: tpl('oracle') });
}

/** `--faults swarm` or a comma list of fault classes (the others are off). */
export function parseFaults(text: string): 'swarm' | FaultClass[] {
  if (text.trim() === 'swarm') return 'swarm';
  const items = text.split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (const x of items) if (!FAULT_CLASSES.includes(x as FaultClass)) throw new UsageError(`--faults: unknown fault class ${JSON.stringify(x)} (one of ${FAULT_CLASSES.join(', ')}, or swarm)`);
  return items as FaultClass[];
}

/** `--duration 90s | 10m | 1h` → ms of wall time. */
export function parseDuration(text: string): number {
  const m = /^([0-9]+)(s|m|h)$/.exec(text.trim());
  if (!m) throw new UsageError(`--duration expects a number with s, m or h (e.g. 10m), got ${JSON.stringify(text)}`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

function natural(flag: string, v: string): number {
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) > 0xffff_ffff) throw new UsageError(`${flag} expects an integer 0..4294967295, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** `--seeds A..B` (inclusive) or `--seeds N` (= 1..N). */
export function parseSeeds(text: string): number[] {
  const m = /^([0-9]+)\.\.([0-9]+)$/.exec(text.trim());
  const [lo, hi] = m ? [natural('--seeds', m[1] as string), natural('--seeds', m[2] as string)] : [1, natural('--seeds', text.trim())];
  if (hi < lo) throw new UsageError(`--seeds: empty range ${JSON.stringify(text)}`);
  if (hi - lo >= 1_000_000) throw new UsageError(`--seeds: at most 1000000 seeds per run, got ${hi - lo + 1}`);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

function seedLine(s: SeedSummary): string {
  const conv = s.liveness_convergence_ms === null ? 'no convergence' : `converged ${s.liveness_convergence_ms}ms after heal`;
  const head = `seed ${s.seed}: ${s.events} simulated events (${s.messages} messages, ${s.intents} intents), ${s.simulated_seconds.toFixed(1)} simulated s, ${s.committed_batches} batches, ${conv}, trace ${s.trace_hash.slice(0, 16)}`;
  const v = s.violations[0];
  const shrunk = s.shrunk_events !== undefined ? `\n  shrunk: fails with --events ${s.shrunk_events}` : '';
  return v ? `${head}${shrunk}\n  ${v.kind} violation ${v.check} at ${v.atMs}ms: ${v.message}\n  reproduce with: ${v.reproduce}` : head;
}

export function registerSoakCommand(program: Command): void {
  program
    .command('soak')
    .description('deterministic fault simulation of the sequencer (safety under faults, then liveness); one seed drives everything')
    .option('--seed <n>', 'run one seed')
    .option('--seeds <range>', 'run seeds A..B, or 1..N for a single number')
    .option('--swarm', 'draw every fault knob from the seed')
    .option('--faults <list>', `swarm, or the fault classes to keep on (${FAULT_CLASSES.join(',')}); the rest are off`)
    .option('--events <n>', 'simulated events of each safety phase', '20000')
    .option('--plant <bug>', `run with a planted bug (${PLANTED_BUGS.join(', ')}) to see the checkers find it`)
    .option('--shard <i/n>', 'run only the seeds at positions p with p mod n = i − 1')
    .option('--liveness-bound <ms>', 'simulated ms the liveness phase may take', '60000')
    .option('--mode <mode>', 'both (safety then liveness), safety, or liveness', 'both')
    .option('--no-shrink', 'do not shrink a failing seed to its smallest --events')
    .option('--duration <time>', 'keep running further seeds until this much wall time has passed (e.g. 10m)')
    .option('--executor <kind>', 'model (the golden model) or vm (the compiled Router/Slab modules on CurveVM)', 'model')
    .option('--venue <kind>', 'model (the model-built soak venue) or compiled (the compiled soak venue; default with --executor vm)')
    .option('--json', 'print one JSON summary object')
    .action((f: SoakFlags) => {
      if (f.seed !== undefined && f.seeds !== undefined) throw new UsageError('--seed and --seeds are exclusive');
      if (!['both', 'safety', 'liveness'].includes(f.mode)) throw new UsageError(`--mode expects both, safety or liveness, got ${JSON.stringify(f.mode)}`);
      const budgetMs = f.duration !== undefined ? parseDuration(f.duration) : null;
      const first = f.seed !== undefined ? natural('--seed', f.seed) : 1;
      let seeds = f.seed !== undefined && budgetMs === null ? [first] : f.seeds !== undefined ? parseSeeds(f.seeds) : budgetMs !== null ? Array.from({ length: 1_000_000 }, (_, i) => first + i) : [1];
      if (f.shard !== undefined) {
        const shard = parseShard(f.shard);
        seeds = seeds.filter((_, i) => inShard(i, shard));
      }
      const events = natural('--events', f.events);
      if (events < 1) throw new UsageError('--events must be ≥ 1');
      if (f.plant !== undefined && !PLANTED_BUGS.includes(f.plant as PlantedBug)) throw new UsageError(`--plant: unknown bug ${JSON.stringify(f.plant)} (one of ${PLANTED_BUGS.join(', ')})`);
      if (!['model', 'vm'].includes(f.executor)) throw new UsageError(`--executor expects model or vm, got ${JSON.stringify(f.executor)}`);
      const venue = f.venue ?? (f.executor === 'vm' ? 'compiled' : 'model');
      if (!['model', 'compiled'].includes(venue)) throw new UsageError(`--venue expects model or compiled, got ${JSON.stringify(f.venue)}`);
      if (f.executor === 'vm' && venue !== 'compiled') throw new UsageError('--executor vm runs the compiled venue (--venue compiled)');
      if (f.executor === 'vm' && f.plant === 'double-commit') throw new UsageError('--plant double-commit is planted in the model executor; run it with --executor model');
      const faults = f.faults !== undefined ? parseFaults(f.faults) : null;
      const swarm = f.swarm === true || faults === 'swarm';
      const reproduceFlags = [...(Array.isArray(faults) ? [`--faults ${faults.join(',') || '""'}`] : []), ...(venue === 'compiled' && f.executor !== 'vm' ? ['--venue compiled'] : [])].join(' ');
      const started = performance.now();
      const options = {
        ...(Array.isArray(faults) ? { knobs: onlyFaults(faults) } : {}),
        ...(reproduceFlags ? { reproduceFlags } : {}),
        ...(venue === 'compiled' ? { modules: soakModules() } : {}),
        ...(f.executor === 'vm' ? { executor: 'vm' as const } : {}),
        events,
        shrink: f.shrink,
        mode: f.mode as 'both' | 'safety' | 'liveness',
        ...(swarm ? { swarm: true } : {}),
        ...(f.plant ? { plant: f.plant as PlantedBug } : {}),
        livenessBoundMs: natural('--liveness-bound', f.livenessBound ?? '60000'),
        onSeed: (s: SeedSummary, header: string) => {
          if (!f.json) stdout.line(`${header}\n${seedLine(s)}`);
          else if (s.violations.length) process.stderr.write(`${seedLine(s)}\n`);
        },
      };
      const per: SeedSummary[] = [];
      for (const seed of seeds) {
        per.push(...runSoak({ ...options, seeds: [seed] }).per_seed);
        if (budgetMs !== null && performance.now() - started >= budgetMs) break;
      }
      const summary = summarize(per);
      const wall = (performance.now() - started) / 1000;
      if (f.json) {
        stdout.json({ ...summary, wall_seconds: Number(wall.toFixed(3)), simulated_seconds_per_wall_second: Number((summary.simulated_seconds / Math.max(wall, 1e-9)).toFixed(2)) });
      } else {
        stdout.line(
          `soak: ${summary.seeds} seed(s), ${summary.simulated_events} simulated events, ${summary.simulated_seconds.toFixed(1)} simulated s in ${wall.toFixed(1)} wall s, ${summary.committed_batches} batches, ${summary.violations} violation(s)${summary.failing_seeds.length ? ` (seeds ${summary.failing_seeds.join(', ')})` : ''}`,
        );
      }
      process.exitCode = SOAK_EXIT[summary.status];
    });
}
