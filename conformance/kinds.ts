/**
 * Vector kinds (spec/conformance.md CONF-KIND-*): how the reference runs the input of each kind, and how
 * an actual result is compared with the expected one. A kind is registered once; fillers, the in-process
 * runner, the adapter (`curve adapter`) and the mutation measure all go through this registry, so a new
 * kind (compiler vectors, perp scenarios) is one `registerKind` call — see conformance/README.md.
 */
import { CurveError, ModuleFormatError, ValidationError } from '../reference/lib/errors.ts';
import { hexToBytes } from '../reference/lib/hex.ts';
import { execute, type CallOptions, type ExecResult, type MachineFactory } from '../reference/vm/interpreter.ts';
import { decodeModule } from '../reference/vm/module.ts';
import { resultJson } from '../reference/vm/result-json.ts';
import { worldFromJson } from '../reference/vm/state-json.ts';
import { ModuleStore } from '../reference/vm/store.ts';
import { validateModule } from '../reference/vm/validate.ts';
import type { CallExpect, CallInput, PreState, VmCallExpect, VmCallInput, VmValidateExpect, VmValidateInput } from './format.ts';

/** What an implementation is asked to run (the vector without `expect`). */
export interface Request {
  readonly id: string;
  readonly kind: string;
  readonly pre: PreState;
  readonly input: unknown;
}

/** Hooks for the reference run; `machine` is how the mutation measure injects a faulty interpreter. */
export interface RunHooks {
  readonly machine?: MachineFactory;
  /** Perp operations replaced by faulty ones (suite-strength mutants of `perp.scenario`). */
  readonly perpOps?: Readonly<Record<string, (s: never, a: never) => unknown>>;
}

export interface KindHandler {
  readonly kind: string;
  /** Run the request on the reference and return the actual result (same shape as `expect`). */
  run(req: Request, hooks?: RunHooks): unknown;
}

const KINDS = new Map<string, KindHandler>();

export function registerKind(h: KindHandler): void {
  if (KINDS.has(h.kind)) throw new Error(`internal assertion failed: kind ${h.kind} registered twice`);
  KINDS.set(h.kind, h);
}

export function kindHandler(kind: string): KindHandler | undefined {
  return KINDS.get(kind);
}

export function kindNames(): string[] {
  return [...KINDS.keys()].sort();
}

/** The JSON of one call result: the consensus-critical fields of VM-RES-001 (CONF-CMP-001). */
export function callExpectOf(r: ExecResult): CallExpect {
  const { results: _results, trace: _trace, stateRoot, ...rest } = resultJson(r);
  return { ...rest, status: r.status, stateRoot: stateRoot ?? '' };
}

/** A boundary error as a rule id: store/link errors carry theirs; argument and option checks are VM-ABI-001. */
function errorCode(e: CurveError): string {
  return e.code === 'USAGE' ? 'VM-ABI-001' : e.code;
}

/** Load the pre-state: modules by hash (VM-STORE-001) and the world (VM-STATE-JSON). */
export function loadPre(pre: PreState): { store: ModuleStore; world: ReturnType<typeof worldFromJson> } {
  const store = new ModuleStore();
  for (const [hash, hex] of Object.entries(pre.modules)) store.addExpecting(hash, hexToBytes(hex));
  return { store, world: worldFromJson(pre.state, 'pre.state') };
}

/** The options `execute` takes for one call of a vector (VM-DET-001: clock, signer, gas, pages, caps). */
export function callOptions(c: CallInput, trace = false): CallOptions {
  return {
    gasLimit: c.gasLimit,
    now: BigInt(c.now),
    origin: BigInt(c.origin),
    memoryPages: c.memoryPages,
    ...(c.caps !== undefined ? { caps: Number(BigInt(c.caps)) } : {}),
    ...(trace ? { trace: true } : {}),
  };
}

/** Run one call of a vector; a boundary error (VM-STORE-*, VM-ABI-001) is returned, not thrown. */
export function execCall(store: ModuleStore, world: ReturnType<typeof worldFromJson>, c: CallInput, hooks: RunHooks, trace = false): ExecResult | { error: string } {
  try {
    return execute(store, world, c.module, c.entry, c.args.map((a) => BigInt(a)), callOptions(c, trace), ...(hooks.machine ? [hooks.machine] : []));
  } catch (e) {
    if (e instanceof CurveError) return { error: errorCode(e) };
    throw e;
  }
}

function runCall(store: ModuleStore, world: ReturnType<typeof worldFromJson>, c: CallInput, hooks: RunHooks): CallExpect {
  const r = execCall(store, world, c, hooks);
  return 'error' in r ? r : callExpectOf(r);
}

registerKind({
  kind: 'vm.call',
  run(req, hooks = {}): VmCallExpect | { error: string } {
    let loaded;
    try {
      loaded = loadPre(req.pre);
    } catch (e) {
      if (e instanceof CurveError) return { error: errorCode(e) };
      throw e;
    }
    const input = req.input as VmCallInput;
    return { calls: input.calls.map((c) => runCall(loaded.store, loaded.world, c, hooks)) };
  },
});

registerKind({
  kind: 'vm.validate',
  run(req): VmValidateExpect {
    const bytes = hexToBytes((req.input as VmValidateInput).module);
    try {
      const d = decodeModule(bytes);
      validateModule(d);
      return { valid: true, hash: d.hashHex };
    } catch (e) {
      if (e instanceof ModuleFormatError || e instanceof ValidationError) return { valid: false, error: e.code, offset: e.offset };
      throw e;
    }
  },
});

/** One differing field: a path like `calls[0].stateDiff["wallet/1/2"].after` (CONF-CMP-002). */
export interface FieldDiff {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyed = (a: readonly unknown[]): boolean => a.every((x) => isObj(x) && typeof x.key === 'string');

/**
 * Field-by-field difference of two JSON values, in the expected value's key order. Arrays of `{key, …}`
 * records (state diffs) are matched by key, so a missing, extra or different key is named; other arrays
 * by index, with their lengths compared first.
 */
export function diffJson(expected: unknown, actual: unknown, path = '', out: FieldDiff[] = []): FieldDiff[] {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (keyed(expected) && keyed(actual)) {
      const byKey = (a: readonly unknown[]): Map<string, unknown> => new Map(a.map((x) => [(x as { key: string }).key, x]));
      const e = byKey(expected);
      const a = byKey(actual);
      const keys = [...new Set([...e.keys(), ...a.keys()])].sort();
      for (const k of keys) diffJson(e.get(k), a.get(k), `${path}[${JSON.stringify(k)}]`, out);
      return out;
    }
    if (expected.length !== actual.length) out.push({ path: `${path}.length`, expected: expected.length, actual: actual.length });
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) diffJson(expected[i], actual[i], `${path}[${i}]`, out);
    return out;
  }
  if (isObj(expected) && isObj(actual)) {
    const keys = [...Object.keys(expected), ...Object.keys(actual).filter((k) => !(k in expected))];
    for (const k of keys) diffJson(expected[k], actual[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push({ path: path || '$', expected, actual });
  return out;
}

/** Drop differences under a masked field name (`--ignore gasUsed`), CONF-CMP-003. */
export function maskDiffs(diffs: readonly FieldDiff[], ignore: readonly string[]): FieldDiff[] {
  if (ignore.length === 0) return [...diffs];
  return diffs.filter((d) => !d.path.split(/[.[]/).some((seg) => ignore.includes(seg.replace(/\]$/, ''))));
}
