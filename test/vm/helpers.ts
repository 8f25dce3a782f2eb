/**
 * Test helpers for the CurveVM suite: assemble a `.casm` snippet, store it, run an entry and return the
 * result with the world it ran against. Every test builds its own store and world (no shared state).
 */
import { assemble } from '../../reference/vm/asm.ts';
import { execute, type CallOptions, type ExecResult } from '../../reference/vm/interpreter.ts';
import { encodeModule, type Module } from '../../reference/vm/module.ts';
import { ModuleStore, type LoadedModule } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { U128_MAX, I128_MAX, I128_MIN, fromSigned } from '../../reference/lib/u128.ts';
import { program as fillerProgram, type ProgramOptions } from '../../conformance/fillers/lib.ts';

/** Gas limit large enough for any snippet here. */
export const BIG_GAS = 10_000_000;

/** Options of `program`: the conformance fillers' options (one module-text builder for both). */
export type SnippetOptions = ProgramOptions;

/** A whole module source whose entry `main` is `body` (all parameters and results are u128); memory defaults to one page. */
export function program(body: string, o: SnippetOptions = {}): string {
  return fillerProgram(body, { memory: 'initial=1 max=1 storage=64', ...o });
}

export interface Loaded {
  readonly store: ModuleStore;
  readonly world: World;
  readonly lm: LoadedModule;
  readonly module: Module;
  readonly bytes: Uint8Array;
}

/** Assemble and add a module source to a (new or given) store. */
export function load(source: string, store = new ModuleStore(), world = new World()): Loaded {
  const module = assemble(source);
  const bytes = encodeModule(module);
  const lm = store.add(bytes);
  return { store, world, lm, module, bytes };
}

export interface RunOptions extends Partial<CallOptions> {
  readonly entry?: string;
  readonly args?: readonly bigint[];
}

/** Run an entry of a loaded module; gas defaults to BIG_GAS. */
export function runLoaded(l: Loaded, o: RunOptions = {}): ExecResult {
  const { entry = 'main', args = [], ...opts } = o;
  return execute(l.store, l.world, l.lm.hashHex, entry, args, { gasLimit: BIG_GAS, ...opts });
}

/** Assemble, load and run `main` of a source; returns the result and what it ran against. */
export function run(source: string, o: RunOptions = {}): ExecResult & { readonly loaded: Loaded } {
  const loaded = load(source);
  return { ...runLoaded(loaded, o), loaded };
}

/** Run a snippet body (with `program` options) and return the result. */
export function runBody(body: string, o: SnippetOptions & RunOptions = {}): ExecResult & { readonly loaded: Loaded } {
  return run(program(body, o), o);
}

/** PUSH lines for a list of words. */
export function pushes(...words: readonly bigint[]): string {
  return words.map((w) => `PUSH128 0x${w.toString(16)}`).join('\n');
}

/** A snippet that computes `op` over operands pushed in order and returns one word. */
export function opSnippet(op: string, operands: readonly bigint[]): string {
  return `${pushes(...operands)}\n${op}\nRET`;
}

/** The result word of `op` over the operands, or the halt kind. */
export function evalOp(op: string, operands: readonly bigint[]): bigint | string {
  const r = runBody(opSnippet(op, operands));
  if (r.status === 'ok') return r.results[0] as bigint;
  return r.halt ?? `revert ${String(r.revertCode)}`;
}

/** A word from an i128 value. */
export const s = (x: bigint): bigint => fromSigned(x);

/** u128 edge values. */
export const U_EDGES: readonly bigint[] = [0n, 1n, 2n, 0xffn, U128_MAX >> 64n, 1n << 64n, I128_MAX, 1n << 127n, U128_MAX - 1n, U128_MAX];
/** i128 edge values (as i128, not words). */
export const I_EDGES: readonly bigint[] = [0n, 1n, -1n, 2n, -2n, I128_MAX, I128_MIN, I128_MAX - 1n, I128_MIN + 1n, 1n << 64n, -(1n << 64n)];

/** The cost of every instruction in the trace of a result (requires trace: true). */
export function stepCosts(r: ExecResult): number[] {
  return (r.trace ?? []).map((t) => t.gasCost);
}

/**
 * A reusable runner for one opcode over `arity` operands passed as entry arguments: assembles once, runs
 * many times (for properties). Returns the result word or the halt kind.
 */
export function opRunner(op: string, arity: number): (...operands: bigint[]) => bigint | string {
  const body = Array.from({ length: arity }, (_, i) => `LGET ${i}`).join('\n') + `\n${op}\nRET`;
  const l = load(program(body, { params: arity }));
  return (...operands) => {
    const r = runLoaded(l, { args: operands, stateRoot: false });
    return r.status === 'ok' ? (r.results[0] as bigint) : (r.halt ?? 'revert');
  };
}
