/** `curve asm`, `curve disasm`, `curve validate`, `curve run`, `curve debug`: the CurveVM commands. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../reference/lib/errors.ts';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { parseCapList } from '../../reference/vm/capabilities.ts';
import { disassemble } from '../../reference/vm/disasm.ts';
import { execute, type CallOptions } from '../../reference/vm/interpreter.ts';
import { executeFast } from '../../reference/vm/fast.ts';
import { decodeModule } from '../../reference/vm/module.ts';
import { resultJson, traceStepJson } from '../../reference/vm/result-json.ts';
import { worldFromJson } from '../../reference/vm/state-json.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { replayTo } from '../../reference/vm/timetravel.ts';
import { validateModule } from '../../reference/vm/validate.ts';
import { World } from '../../reference/vm/world.ts';
import { loadModuleFile, readFileOrFail } from '../load.ts';
import { parseWordList, printResult, stdout } from '../output.ts';

export interface RunFlags {
  entry: string;
  args: string;
  gas: string;
  caps?: string;
  now: string;
  origin: string;
  memoryPages?: string;
  state?: string;
  module: string[];
  trace?: boolean;
  json?: boolean;
  step?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function integer(flag: string, v: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^[0-9_]+$/.test(v)) throw new UsageError(`${flag} expects a non-negative integer, got ${JSON.stringify(v)}`);
  const n = Number(v.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n > max) throw new UsageError(`${flag} ${v} is out of range (max ${max})`);
  return n;
}

function word(flag: string, v: string): bigint {
  const parsed = parseWordList(v);
  if ('bad' in parsed || parsed.length !== 1) throw new UsageError(`${flag} expects one integer, got ${JSON.stringify(v)}`);
  return parsed[0] as bigint;
}

/** Build the store, world, target and options of a run from flags (all validation up front). */
function prepareRun(file: string, f: RunFlags) {
  const store = new ModuleStore();
  for (const extra of f.module) loadModuleFile(extra, store);
  const lm = loadModuleFile(file, store);
  const args = parseWordList(f.args);
  if ('bad' in args) throw new UsageError(`--args: ${JSON.stringify(args.bad)} is not an integer (use decimal, -decimal or 0xhex, comma-separated)`);
  let caps: number | undefined;
  if (f.caps !== undefined) {
    const c = parseCapList(f.caps);
    if ('unknown' in c) throw new UsageError(`--caps: unknown capability ${JSON.stringify(c.unknown)}`);
    caps = c.mask;
  }
  let world = new World();
  if (f.state) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileOrFail(f.state).toString('utf8'));
    } catch (e) {
      if (e instanceof SyntaxError) throw new UsageError(`not valid JSON (${e.message})`, f.state);
      throw e;
    }
    world = worldFromJson(doc, f.state);
  }
  const opts: CallOptions = {
    gasLimit: integer('--gas', f.gas),
    now: word('--now', f.now),
    origin: word('--origin', f.origin),
    ...(caps !== undefined ? { caps } : {}),
    ...(f.memoryPages !== undefined ? { memoryPages: integer('--memory-pages', f.memoryPages, 160) } : {}),
    ...(f.trace ? { trace: true } : {}),
  };
  return { store, world, lm, args, opts };
}

export function registerVmCommands(program: Command): void {
  program
    .command('asm')
    .description('assemble a .casm file into a .cvm module')
    .argument('<file.casm>')
    .option('-o, --out <file.cvm>', 'output path (default: the input with .cvm)')
    .option('--json', 'print the module hash and size as JSON')
    .action((file: string, o: { out?: string; json?: boolean }) => {
      const store = new ModuleStore();
      const lm = loadModuleFile(file, store);
      const out = o.out ?? file.replace(/\.casm$/, '') + '.cvm';
      writeFileSync(out, lm.decoded.bytes);
      if (o.json) stdout.json({ file: out, hash: lm.hashHex, bytes: lm.decoded.bytes.length });
      else stdout.line(`${out}: ${lm.decoded.bytes.length} bytes, sha256 ${lm.hashHex}`);
    });

  program
    .command('disasm')
    .description('disassemble a .cvm module to .casm text (round-trips to the same bytes)')
    .argument('<file.cvm>')
    .option('-o, --out <file.casm>', 'write to a file instead of stdout')
    .action((file: string, o: { out?: string }) => {
      const d = decodeModule(new Uint8Array(readFileOrFail(file)), file);
      const text = disassemble(d.module);
      if (o.out) writeFileSync(o.out, text);
      else process.stdout.write(text);
    });

  program
    .command('validate')
    .description('decode and statically validate a module (.cvm or .casm)')
    .argument('<module>')
    .option('--json', 'JSON output')
    .action((file: string, o: { json?: boolean }) => {
      const store = new ModuleStore();
      const lm = loadModuleFile(file, store);
      validateModule(lm.decoded);
      const m = lm.module;
      const summary = {
        file,
        hash: lm.hashHex,
        bytes: lm.decoded.bytes.length,
        functions: m.functions.length,
        entries: m.entries.map((e) => `${e.name}(${e.params.join(', ')}) -> (${e.results.join(', ')})`),
        imports: m.imports.map((i) => `${bytesToHex(i.module).slice(0, 12)}…:${i.entry}`),
        memory: m.memory,
      };
      if (o.json) stdout.json({ valid: true, ...summary });
      else stdout.line(`${file}: valid — ${summary.functions} function(s), entries ${summary.entries.join('; ') || 'none'}, sha256 ${lm.hashHex}`);
    });

  const runLike = (name: string, description: string): Command =>
    program
      .command(name)
      .description(description)
      .argument('<module>', '.cvm or .casm file')
      .requiredOption('-e, --entry <name>', 'entrypoint to call')
      .option('-a, --args <list>', 'comma-separated arguments (decimal, -decimal, 0xhex)', '')
      .option('-g, --gas <n>', 'gas limit', '10000000')
      .option('--caps <list>', 'capabilities granted (comma-separated names, all, none; default: as declared)')
      .option('--now <ticks>', 'the injected clock', '0')
      .option('--origin <id>', 'the account that signs the call', '0')
      .option('--memory-pages <n>', 'memory grant in 64 KiB pages (max 160)')
      .option('--state <file.json>', 'pre-state JSON (wallets, vaults, escrows, caps, oracles, segments)')
      .option('-m, --module <file>', 'load another module (for imports); repeatable', collect, [] as string[]);

  runLike('run', 'run an entrypoint and print status, gas, results, logs and the state diff')
    .option('--trace', 'record and print a per-step trace (runs the reference interpreter)')
    .option('--engine <name>', 'fast (default; differentially tested against the reference) or reference', 'fast')
    .option('--json', 'print the result as JSON')
    .action((file: string, f: RunFlags & { engine: string }) => {
      if (f.engine !== 'fast' && f.engine !== 'reference') throw new UsageError(`--engine must be fast or reference, got ${JSON.stringify(f.engine)}`);
      const { store, world, lm, args, opts } = prepareRun(file, f);
      const run = f.engine === 'fast' ? executeFast : execute;
      const r = run(store, world, lm.hashHex, f.entry, args, opts);
      if (f.json) stdout.json(resultJson(r));
      else {
        if (r.trace) for (const s of r.trace) stdout.line(`${String(s.depth).padStart(2)} f${s.fn} ${String(s.pc).padStart(5)} ${s.op.padEnd(13)} gas=${s.gas} cost=${s.gasCost} stack=[${s.stack.join(', ')}]`);
        printResult(stdout, r, `${file} ${f.entry}(${args.join(', ')})`);
      }
      process.exitCode = r.status === 'ok' ? 0 : 1;
    });

  runLike('debug', 'time travel: replay a call and show the machine at a step (stack, locals, memory)')
    .requiredOption('--step <n>', 'the step to stop before (0-based); step back by asking for n-1')
    .option('--json', 'print the view as JSON')
    .action((file: string, f: RunFlags) => {
      const { store, world, lm, args, opts } = prepareRun(file, f);
      const step = integer('--step', f.step ?? '');
      const traced = execute(store, world.clone(), lm.hashHex, f.entry, args, { ...opts, trace: true });
      const view = replayTo({ store, world, module: lm.hashHex, entry: f.entry, args, opts }, step);
      const total = traced.trace?.length ?? 0;
      if (!view) throw new UsageError(`--step ${step}: the call ends after ${total} step(s) (valid steps 0..${total - 1})`);
      const nextStep = traced.trace?.[step + 1];
      const lastNonZero = view.memory.reduce((last, b, i) => (b !== 0 ? i : last), -1);
      const payload = {
        step: view.step,
        steps: total,
        module: view.module,
        fn: view.fn,
        pc: view.pc,
        op: view.op,
        gas: view.gas,
        depth: view.depth,
        stack: view.stack,
        locals: view.locals,
        memoryBytes: view.memory.length,
        memory: '0x' + bytesToHex(view.memory.subarray(0, lastNonZero + 1)),
        next: nextStep ? traceStepJson(nextStep) : null,
      };
      if (f.json) stdout.json(payload);
      else {
        stdout.line(`step ${view.step}/${total - 1}  depth ${view.depth}  f${view.fn} pc ${view.pc}  ${view.op}  gas ${view.gas}`);
        stdout.line(`  stack  [${view.stack.join(', ')}]`);
        stdout.line(`  locals [${view.locals.join(', ')}]`);
        stdout.line(`  memory ${view.memory.length} bytes; non-zero prefix ${payload.memory}`);
      }
    });
}
