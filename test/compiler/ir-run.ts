/**
 * Running compiler IR on the reference VM for the optimisation tests (CS-OPT-*): a one-entry module
 * around IR functions, one call, and what the call can observe (everything but gas), with the module's
 * own address taken out of state keys so that two builds of one program compare equal.
 */
import { codegen } from '../../reference/compiler/codegen.ts';
import type { IrFunction, IrModule } from '../../reference/compiler/ir.ts';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { encodeModule } from '../../reference/vm/module.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

export function irModule(functions: IrFunction[], entry = functions[0] as IrFunction, extra: Partial<IrModule> = {}): IrModule {
  return {
    memory: { initialPages: 1, maxPages: 1, storageBytes: 64 },
    caps: 0,
    imports: [],
    functions,
    entries: [{ name: 'main', fn: entry.name, params: new Array(entry.params).fill('u128'), results: new Array(entry.results).fill('u128') }],
    data: [],
    ...extra,
  };
}

export interface IrRun {
  readonly result: ExecResult;
  readonly asm: string;
  readonly hashHex: string;
}

export function runIr(m: IrModule, args: readonly bigint[], gasLimit = 1_000_000): IrRun {
  const { module, asm } = codegen(m);
  const store = new ModuleStore();
  const lm = store.add(encodeModule(module));
  return { result: execute(store, new World(), lm.hashHex, 'main', [...args], { gasLimit, stateRoot: false }), asm, hashHex: lm.hashHex };
}

/** Status, halt kind, revert code, results, logs and state writes: all but gas. */
export function observed(r: IrRun): unknown {
  const x = r.result;
  return {
    status: x.status,
    halt: x.halt,
    revertCode: x.revertCode,
    results: x.results,
    logs: x.logs.map((l) => ({ topics: l.topics, data: Buffer.from(l.data).toString('hex') })),
    state: x.stateDiff.map((d) => ({ ...d, key: d.key.split(r.hashHex).join('<self>') })),
  };
}

/** How many times an instruction appears in a listing. */
export const countOp = (asm: string, op: string): number => asm.split('\n').filter((l) => l.trim().split(' ')[0] === op).length;
