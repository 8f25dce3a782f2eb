/**
 * Entry points of the symbolic executor: `runConcrete` executes an entrypoint over a concrete World (the
 * honesty property compares it with the interpreter), `runSymbolic` over an unconstrained pre-state
 * (storage segment, custody, clock, caller, arguments and gas limit all free variables).
 */
import type { LoadedModule } from '../../../reference/vm/store.ts';
import type { World } from '../../../reference/vm/world.ts';
import { ByteStore } from './bytes.ts';
import { ConcreteHost, SymbolicCustody } from './custody.ts';
import { Explorer, type ExecOutcome } from './explore.ts';
import { Words, type BV, type SymWord } from './word.ts';
import type { Z3Context } from '../z3.ts';

export interface ConcreteCall {
  readonly args: readonly bigint[];
  readonly gasLimit: number;
  readonly now?: bigint;
  readonly origin?: bigint;
  readonly caps?: number;
  readonly memoryPages?: number;
}

/** Execute over a concrete world (not modified: the host works on clones). */
export function runConcrete(ctx: Z3Context, lm: LoadedModule, entry: string, world: World, call: ConcreteCall): ExecOutcome {
  const w = new Words(ctx);
  const seg = world.hasSegment(lm.hashHex) ? world.clone().segment(lm.hashHex, lm.module.memory.storageBytes).bytes : new Uint8Array(0);
  const initial: [number, number][] = [];
  seg.forEach((b, i) => {
    if (b !== 0) initial.push([i, b]);
  });
  const origin = call.origin ?? 0n;
  return new Explorer(w, {
    lm,
    entry,
    args: call.args,
    gasLimit: BigInt(call.gasLimit),
    env: { now: call.now ?? 0n, origin, selfId: lm.id, callerId: origin },
    storage: ByteStore.zeros(w, initial),
    host: new ConcreteHost(world),
    ...(call.caps !== undefined ? { caps: call.caps } : {}),
    ...(call.memoryPages !== undefined ? { memoryPages: call.memoryPages } : {}),
  }).run();
}

/** The free variables of a symbolic run, by role (the counterexample replay reads their model values). */
export interface SymbolicInputs {
  readonly args: readonly BV[];
  readonly gasLimit: BV;
  readonly now: BV;
  readonly caller: BV;
  readonly origin: BV;
  readonly storage: ByteStore;
  readonly custody: SymbolicCustody;
}

/** Index of the function called `name` in the module's assembly listing (`.func fn_<name>`), if any. */
export function functionIndex(asm: string, name: string): number | undefined {
  const names = asm.split('\n').filter((l) => l.startsWith('.func ')).map((l) => l.split(/\s+/)[1]);
  const i = names.indexOf(`fn_${name}`);
  return i < 0 ? undefined : i;
}

/** A run target: an entry name, or `@name` for a function-level run of the internal function `name`. */
export function symbolicInputs(ctx: Z3Context, lm: LoadedModule, entry: string, func?: number): SymbolicInputs {
  const w = new Words(ctx);
  const e = lm.entries.get(entry);
  const params = func !== undefined ? (lm.module.functions[func]?.params ?? 0) : e?.params.length;
  if (params === undefined) throw new Error(`module has no entry ${entry}`);
  return {
    args: Array.from({ length: params }, (_, i) => w.fresh(`${entry}.arg${i}`)),
    gasLimit: w.fresh(`${entry}.gas_limit`),
    now: w.fresh('env.now'),
    caller: w.fresh('env.caller'),
    origin: w.fresh('env.origin'),
    storage: ByteStore.symbolic(w, 'pre.storage'),
    custody: SymbolicCustody.fresh(w, 'pre'),
  };
}

/** Execute `entry` from the unconstrained pre-state `inp`. */
export function runSymbolic(ctx: Z3Context, lm: LoadedModule, entry: string, inp: SymbolicInputs, maxSteps?: number, func?: number): ExecOutcome {
  const w = new Words(ctx);
  return new Explorer(w, {
    lm,
    entry,
    args: inp.args as readonly SymWord[],
    gasLimit: inp.gasLimit,
    env: { now: inp.now, origin: inp.origin, selfId: lm.id, callerId: inp.caller },
    storage: inp.storage,
    host: inp.custody,
    summarise: true,
    ...(func !== undefined ? { func } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
  }).run();
}
