/**
 * One z3-solver (WASM) instance per process, shared by every obligation: `z3()` initialises it on first use;
 * `closeZ3()` ends its worker threads so the process exits by itself (call it once, after the last query).
 */
import { init, killThreads, type Context } from 'z3-solver';

export type Z3 = Awaited<ReturnType<typeof init>>;
/** The high-level context type (`Z3.Context('main')`). */
export type Z3Context = Context<'main'>;

let instance: Promise<Z3> | undefined;
let ctx: Z3Context | undefined;

/** The shared z3 API (initialised once). */
export function z3(): Promise<Z3> {
  instance ??= init();
  return instance;
}

/** The shared high-level context `main`. */
export async function z3Context(): Promise<Z3Context> {
  const api = await z3();
  ctx ??= api.Context('main');
  return ctx;
}

/** Ends the solver's worker threads; later calls to `z3()` start a fresh instance. */
export async function closeZ3(): Promise<void> {
  if (!instance) return;
  const api = await instance;
  instance = undefined;
  ctx = undefined;
  await killThreads(api.em);
}

/** The solver build behind `z3()` (for certificates), as z3 reports it: e.g. "Z3 5.1.0.0". */
export async function z3Version(): Promise<string> {
  const api = await z3();
  return api.Z3.get_full_version();
}
