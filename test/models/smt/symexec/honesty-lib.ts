/**
 * Helpers of the honesty property: run one module entry on the interpreter and on the symbolic executor
 * (concrete inputs) and describe both results in the same shape.
 */
import { bytesToHex } from '../../../../reference/lib/hex.ts';
import { wordToBytesLE } from '../../../../reference/lib/u128.ts';
import { assembleToBytes } from '../../../../reference/vm/asm.ts';
import { execute } from '../../../../reference/vm/interpreter.ts';
import { ModuleStore, type LoadedModule } from '../../../../reference/vm/store.ts';
import { World } from '../../../../reference/vm/world.ts';
import { runConcrete, type ConcreteCall } from '../../../../models/smt/symexec/run.ts';
import type { Z3Context } from '../../../../models/smt/z3.ts';

export interface Outcome {
  readonly status: string;
  readonly halt?: string;
  readonly revertCode?: string;
  readonly results: readonly string[];
  readonly gasUsed: number;
  /** Storage words changed: word index (hex) → new value hex ('' = zero). */
  readonly storage: Readonly<Record<string, string>>;
}

export function load(source: string): { store: ModuleStore; lm: LoadedModule } {
  const store = new ModuleStore();
  const lm = store.add(assembleToBytes(source));
  store.link(lm.hashHex);
  return { store, lm };
}

export function interpreterOutcome(store: ModuleStore, lm: LoadedModule, entry: string, world: World, call: ConcreteCall): Outcome {
  const r = execute(store, world.clone(), lm.hashHex, entry, call.args, { ...call, stateRoot: false });
  const storage: Record<string, string> = {};
  for (const d of r.stateDiff) {
    const m = /^word\/[0-9a-f]+\/([0-9a-f]+)$/.exec(d.key);
    if (m) storage[m[1] as string] = d.after;
  }
  return {
    status: r.status,
    ...(r.halt ? { halt: r.halt } : {}),
    ...(r.revertCode !== undefined ? { revertCode: r.revertCode.toString(16) } : {}),
    results: r.results.map((x) => x.toString(16)),
    gasUsed: r.gasUsed,
    storage,
  };
}

export function symbolicOutcome(ctx: Z3Context, lm: LoadedModule, entry: string, world: World, call: ConcreteCall): Outcome | string {
  const out = runConcrete(ctx, lm, entry, world, call);
  if (out.partial) return `partial: ${out.partial}`;
  if (out.ends.length !== 1) return `${out.ends.length} ends for a concrete run`;
  const end = out.ends[0]!;
  if (end.pc !== true) return 'a concrete run has a symbolic path condition';
  const big = (v: unknown): bigint => {
    if (typeof v !== 'bigint') throw new Error('symbolic word in a concrete run');
    return v;
  };
  const word = (v: unknown): string => big(v).toString(16);
  const storage: Record<string, string> = {};
  if (end.kind === 'ok') {
    const seg = world.hasSegment(lm.hashHex) ? world.clone().segment(lm.hashHex, lm.module.memory.storageBytes).bytes : new Uint8Array(lm.module.memory.storageBytes);
    const touched = new Set((end.storage.writtenAddresses() ?? []).map((a) => Math.floor(a / 16)));
    for (const wi of touched) {
      const len = Math.min(16, seg.length - 16 * wi);
      const v = end.storage.load(BigInt(16 * wi), len);
      const before = seg.subarray(16 * wi, 16 * wi + len);
      const after = wordToBytesLE(v as bigint).subarray(0, len);
      if (bytesToHex(after) !== bytesToHex(before)) storage[wi.toString(16)] = after.some((b) => b !== 0) ? bytesToHex(after) : '';
    }
  }
  return {
    status: end.kind,
    ...(end.halt ? { halt: end.halt } : {}),
    ...(end.revertCode !== undefined ? { revertCode: word(end.revertCode) } : {}),
    results: end.results.map(word),
    gasUsed: Number(big(end.gasUsed)),
    storage,
  };
}

export const freshWorld = (): World => new World();
