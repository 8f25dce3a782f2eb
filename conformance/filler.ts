/**
 * The filler API (spec/conformance.md CONF-FILL-*). A filler is TypeScript that describes vectors without
 * their expected results; `fillAll` runs each one on the reference (through its kind handler) and writes
 * the result in. Fixtures are therefore generated, never typed by hand, and `test/conformance/drift`
 * re-fills them in memory to prove the committed files still match the code.
 *
 * Builders here cover the CurveVM kinds: `callVector` (modules as `.casm` text or bytes, a world state, one
 * or more calls) with optional per-call checks that make the fill fail when a vector does not do what its
 * author meant, and `gasBoundary` (exactly enough gas and one short, both at the same instruction).
 * Other kinds use `draftVector` directly (see conformance/README.md).
 */
import { bigToJson, bytesToHex } from '../reference/lib/hex.ts';
import { DIAGNOSTIC_CODES } from '../reference/script/diagnostics.ts';
import { assembleToBytes } from '../reference/vm/asm.ts';
import { execute } from '../reference/vm/interpreter.ts';
import { moduleHashHex } from '../reference/vm/module.ts';
import { FORMAT_VERSION, VM_EDITION, type CallExpect, type CallInput, type Vector, type VectorDraft, type VmCallExpect } from './format.ts';
import { kindHandler, loadPre } from './kinds.ts';

/** A fill spec: the draft plus an optional check of the reference's result (a problem string fails the fill). */
export interface FillSpec {
  readonly draft: VectorDraft;
  readonly check?: (expect: unknown) => string | undefined;
}

/** A filler contributes the vectors of one group (`conformance/vectors/<group>/`). */
export interface Filler {
  readonly group: string;
  specs(): readonly FillSpec[];
}

/** Default gas limit of a call spec: enough for every snippet, far below MAX_GAS_LIMIT. */
export const DEFAULT_GAS = 1_000_000;

export interface CallSpec {
  readonly module: string;
  readonly entry?: string;
  readonly args?: readonly bigint[];
  readonly gasLimit?: number;
  readonly caps?: number;
  readonly now?: bigint;
  readonly origin?: bigint;
  readonly memoryPages?: number;
  /** What the author means this call to do; the fill fails otherwise. */
  readonly check?: { readonly status?: 'ok' | 'revert' | 'halt'; readonly halt?: string; readonly error?: string; readonly results?: readonly bigint[] };
}

export interface CallVectorSpec {
  readonly id: string;
  readonly description: string;
  readonly covers: readonly string[];
  /** Modules in admission order: name → `.casm` text or raw bytes. `.import x @name entry p r` names another. */
  readonly modules: readonly (readonly [string, string | Uint8Array])[];
  /** The pre-state (VM-STATE-JSON), or a function of the modules' ids when it must name them (cap scopes, segments). */
  readonly state?: Readonly<Record<string, unknown>> | ((m: ModuleIds) => Readonly<Record<string, unknown>>);
  readonly calls: readonly CallSpec[];
}

/** The hash and module id (VM-MOD-ID, lower-case hex as state keys use it) of each named module. */
export type ModuleIds = (name: string) => { readonly hash: string; readonly id: bigint; readonly idHex: string };

function idsOf(hashOf: Map<string, string>): ModuleIds {
  return (name) => {
    const hash = hashOf.get(name);
    if (hash === undefined) throw new Error(`filler: no module named ${name}`);
    const id = BigInt('0x' + (hash.slice(0, 32).match(/../g) as string[]).reverse().join(''));
    return { hash, id, idHex: id.toString(16) };
  };
}

function stateOf(spec: CallVectorSpec, hashOf: Map<string, string>): Readonly<Record<string, unknown>> {
  return typeof spec.state === 'function' ? spec.state(idsOf(hashOf)) : (spec.state ?? {});
}

const U128 = (1n << 128n) - 1n;
/** A typed argument as a JSON word: a negative i128 becomes its two's-complement word (VM-ABI-001). */
export const wordJson = (x: bigint): string => bigToJson(x < 0n ? (x + (1n << 128n)) & U128 : x);

/** Assemble the named modules of a spec; returns name → hash and the pre-state module map. */
export function buildModules(mods: CallVectorSpec['modules']): { hashOf: Map<string, string>; modules: Record<string, string> } {
  const hashOf = new Map<string, string>();
  const modules: Record<string, string> = {};
  for (const [name, src] of mods) {
    const bytes =
      typeof src === 'string'
        ? assembleToBytes(src, `${name}.casm`, {
            resolveImport: (ref) => {
              const h = ref.startsWith('@') ? hashOf.get(ref.slice(1)) : undefined;
              return h === undefined ? undefined : Uint8Array.from(Buffer.from(h, 'hex'));
            },
          })
        : src;
    const hash = moduleHashHex(bytes);
    hashOf.set(name, hash);
    modules[hash] = '0x' + bytesToHex(bytes);
  }
  return { hashOf, modules };
}

function callInput(c: CallSpec, hashOf: Map<string, string>): CallInput {
  const module = hashOf.get(c.module) ?? c.module;
  return {
    module,
    entry: c.entry ?? 'main',
    args: (c.args ?? []).map(wordJson),
    gasLimit: c.gasLimit ?? DEFAULT_GAS,
    ...(c.caps !== undefined ? { caps: bigToJson(BigInt(c.caps)) } : {}),
    now: bigToJson(c.now ?? 0n),
    origin: bigToJson(c.origin ?? 0n),
    memoryPages: c.memoryPages ?? 160,
  };
}

function checkCall(c: CallSpec, r: CallExpect | undefined, i: number): string | undefined {
  const want = c.check;
  if (!want || !r) return r ? undefined : `call ${i}: no result`;
  if ('error' in r) return want.error === r.error ? undefined : `call ${i}: boundary error ${r.error}, wanted ${JSON.stringify(want)}`;
  if (want.error) return `call ${i}: ${r.status}, wanted boundary error ${want.error}`;
  if (want.status && r.status !== want.status) return `call ${i}: status ${r.status}${r.halt ? ` (${r.halt})` : ''}, wanted ${want.status}`;
  if (want.halt && r.halt !== want.halt) return `call ${i}: halt ${r.halt ?? 'none'}, wanted ${want.halt}`;
  if (want.results) {
    const data = want.results.map((x) => bytesToHex(Uint8Array.from(Buffer.from(x.toString(16).padStart(32, '0'), 'hex')).reverse())).join('');
    if (r.returnData !== '0x' + data) return `call ${i}: returnData ${r.returnData}, wanted results [${want.results.join(', ')}]`;
  }
  return undefined;
}

/** A `vm.call` fill spec. */
export function callVector(spec: CallVectorSpec): FillSpec {
  const { hashOf, modules } = buildModules(spec.modules);
  return {
    draft: {
      id: spec.id,
      kind: 'vm.call',
      description: spec.description,
      covers: spec.covers,
      pre: { modules, state: stateOf(spec, hashOf) },
      input: { calls: spec.calls.map((c) => callInput(c, hashOf)) },
    },
    check: (expect) => {
      const e = expect as VmCallExpect | { error: string };
      if ('error' in e) return `pre-state refused: ${e.error}`;
      for (let i = 0; i < spec.calls.length; i++) {
        const p = checkCall(spec.calls[i] as CallSpec, e.calls[i], i);
        if (p) return p;
      }
      return undefined;
    },
  };
}

/**
 * Exactly enough gas and one short for the last call of `spec` (VM-GAS-002, VM-GAS-004): the spec's program
 * should end in `REVERT` (gas 0) right after `op`, so the exact limit is spent at `op` and one less halts
 * there. The fill checks, on a trace, that the short run really halts at `op`.
 */
export function gasBoundary(spec: CallVectorSpec, op: string): FillSpec[] {
  const { hashOf, modules } = buildModules(spec.modules);
  const calls = spec.calls;
  const last = calls[calls.length - 1] as CallSpec;
  const pre = { modules, state: stateOf(spec, hashOf) };
  const { store, world } = loadPre(pre);
  let used = 0;
  let lastOp = '';
  for (const c of calls) {
    const ci = callInput(c, hashOf);
    const r = execute(store, world, ci.module, ci.entry, (c.args ?? []).map((a) => BigInt(wordJson(a))), {
      gasLimit: ci.gasLimit,
      now: BigInt(ci.now),
      origin: BigInt(ci.origin),
      memoryPages: ci.memoryPages,
      trace: c === last,
      ...(c.caps !== undefined ? { caps: c.caps } : {}),
    });
    const charged = r.trace?.filter((s) => s.gasCost > 0).at(-1);
    lastOp = charged?.op ?? '';
    // The gas the call needs up to and including that instruction's charges.
    used = charged ? ci.gasLimit - (charged.gas - charged.gasCost) : r.gasUsed;
  }
  if (lastOp !== op) throw new Error(`filler ${spec.id}: the last charged instruction is ${lastOp}, not ${op}`);
  const withGas = (suffix: string, gasLimit: number, check: NonNullable<CallSpec['check']>): FillSpec =>
    callVector({
      ...spec,
      id: `${spec.id}/${suffix}`,
      description: `${spec.description} — ${suffix === 'gas-exact' ? 'exactly enough gas' : 'one gas short'} (${gasLimit})`,
      covers: [...spec.covers, 'VM-GAS-002', ...(suffix === 'gas-short' ? ['VM-GAS-004'] : [])],
      calls: [...calls.slice(0, -1), { ...last, gasLimit, check }],
    });
  return [withGas('gas-exact', used, last.check ?? { status: 'revert' }), withGas('gas-short', used - 1, { status: 'halt', halt: 'out_of_gas' })];
}

/** spec/perp.md rules each perp operation exercises, and those a step's error names (CONF-COV-002). */
const PERP_OP_RULES: Readonly<Record<string, readonly string[]>> = {
  deposit: ['PERP-RTR-001'],
  withdraw: ['PERP-RTR-002', 'PERP-RTR-003'],
  settle: ['PERP-RTR-004'],
  placeOrder: ['PERP-RTR-005', 'PERP-ORD-002', 'PERP-ORD-004', 'PERP-BOOK-002'],
  cancelOrder: ['PERP-ORD-006', 'PERP-ORD-007'],
  openBatch: ['PERP-BATCH-001'],
  tickFunding: ['PERP-FUND-001'],
  publishPrice: ['PERP-ORC-003'],
  reserveRoute: ['PERP-ROUTE-001', 'PERP-RES-001', 'PERP-RES-002', 'PERP-MARGIN-001', 'PERP-MARGIN-002'],
  commitRoute: ['PERP-ROUTE-004', 'PERP-COMMIT-001', 'PERP-ROUTE-002'],
  cancelRoute: ['PERP-ROUTE-003', 'PERP-ROUTE-002', 'PERP-RES-003'],
  expireRoutes: ['PERP-ROUTE-006'],
  liquidate: ['PERP-LIQ-002'],
  liquidationCall: ['PERP-LIQ-001'],
  coverDeficit: ['PERP-LIQ-003'],
  guardedDebit: ['PERP-CUST-DEBIT'],
  registerSlab: ['PERP-REG-001'],
  setSlabFees: ['PERP-REG-002'],
  setSlabVersion: ['PERP-REG-002'],
  approveVersion: ['PERP-REG-002'],
  slabReserve: ['PERP-SLAB-001'],
  slabCommit: ['PERP-SLAB-001', 'PERP-COMMIT-001'],
};
const PERP_ERROR_RULES: Readonly<Record<string, readonly string[]>> = {
  COMMITMENT_MISMATCH: ['PERP-COMMIT-002', 'PERP-ROUTE-005'],
  SLICE_VANISHED: ['PERP-COMMIT-003', 'PERP-ROUTE-005'],
  KILL_BAND: ['PERP-COMMIT-004'],
  STALE_VERSION: ['PERP-REG-007'],
  SLAB_NOT_REGISTERED: ['PERP-REG-007'],
  POOL_FULL_ORDERS: ['PERP-POOL-001'],
  INSUFFICIENT_MARGIN: ['PERP-RTR-003'],
};

/** Rule ids every result of a kind exercises, added at fill time (CONF-COV-002). */
function impliedCovers(kind: string, expect: unknown, input: unknown): string[] {
  const out: string[] = [];
  if (kind === 'perp.scenario') {
    out.push('PERP-OP-001', 'PERP-OP-002', 'PERP-OP-003', 'PERP-OBS-001', 'PERP-OBS-002', 'PERP-OBS-004');
    const ops = (input as { ops: { op: string }[] }).ops;
    const steps = (expect as { steps: { ok: boolean; error?: string }[] }).steps;
    ops.forEach((o, i) => {
      out.push(...(PERP_OP_RULES[o.op] ?? []));
      const err = steps[i]?.error;
      if (err) out.push(...(PERP_ERROR_RULES[err] ?? []));
    });
  }
  if (kind === 'vm.call' || kind === 'vm.trace') {
    const e = expect as VmCallExpect | { error: string };
    if ('error' in e) return [e.error];
    for (const c of e.calls) {
      if ('error' in c) {
        out.push(c.error);
        continue;
      }
      out.push('VM-RES-001', 'VM-RESULT-JSON', 'VM-GAS-006', 'VM-STATE-ROOT');
      if (c.status === 'revert') out.push('VM-TRAP-004');
      if (c.status === 'halt') out.push('VM-TRAP-001', 'VM-TRAP-003', 'VM-TRAP-006');
      // A non-empty state has leaves, nodes and a root (VM-MERKLE-001…003).
      if (/[^0]/.test(c.stateRoot)) out.push('VM-MERKLE-001', 'VM-MERKLE-002', 'VM-MERKLE-003');
      if (c.halt === 'out_of_gas') out.push('VM-GAS-004');
      if (c.halt === 'overflow' || c.halt === 'div_by_zero') out.push('VM-WORD-003');
      if (c.halt === 'memory_oob') out.push('VM-MEM-003');
      if (c.halt === 'storage_oob') out.push('VM-SEG-002');
      if (c.logs.length > 0) out.push('VM-EXEC-005');
      if (c.stateDiff.length > 0) out.push('VM-STATE-DIFF');
    }
  }
  if (kind === 'compiler.compile') {
    // The rule each reported code enforces; a compile without errors exercises the driver and the manifest.
    const e = expect as { diagnostics: { code: string }[]; modules?: unknown };
    for (const d of e.diagnostics) {
      const spec = (DIAGNOSTIC_CODES as Record<string, { spec: string } | undefined>)[d.code]?.spec;
      if (spec) out.push(spec);
    }
    if (e.modules) out.push('CS-COMPILE-001', 'CS-COMPILE-002', 'CS-COMPILE-003', 'MAN-BUILD-001', 'MAN-VENUE-001', 'MAN-MOD-001', 'MAN-HASH-001', 'CPI-HASH-001');
  }
  if (kind === 'vm.validate') {
    const e = expect as { valid: boolean; error?: string };
    out.push('VM-VAL-GATE');
    if (e.error) out.push(e.error, e.error.startsWith('VM-VAL') ? 'VM-VAL-ORDER' : 'VM-MOD-HASH');
  }
  return out;
}

/** Fill one spec: run it on the reference, check it, and complete the vector (CONF-FILL-001). */
export function fillOne(spec: FillSpec): Vector {
  const { draft } = spec;
  const h = kindHandler(draft.kind);
  if (!h) throw new Error(`filler ${draft.id}: unknown kind ${draft.kind}`);
  const expect = h.run(draft);
  const problem = spec.check?.(expect);
  if (problem) throw new Error(`filler ${draft.id}: ${problem}`);
  const covers = [...new Set([...draft.covers, ...impliedCovers(draft.kind, expect, draft.input)])].sort();
  return { format: FORMAT_VERSION, edition: VM_EDITION, id: draft.id, kind: draft.kind, description: draft.description, covers, pre: draft.pre, input: draft.input, expect };
}

/** The file a vector belongs in: `<group>/<file>.json` from its id `<group>/<file>/<name>` (CONF-FMT-004). */
export function fileOf(id: string): string {
  const [group, file] = id.split('/');
  return `${group}/${file}.json`;
}

/**
 * Fill every spec of every filler; returns relative path → file text, paths sorted, vectors sorted by id
 * within a file. Duplicate ids and ids outside their filler's group are filler bugs and throw.
 */
export function fillAll(fillers: readonly Filler[]): Map<string, string> {
  const files = new Map<string, Vector[]>();
  const seen = new Set<string>();
  for (const f of fillers) {
    for (const spec of f.specs()) {
      const id = spec.draft.id;
      if (!id.startsWith(`${f.group}/`) || id.split('/').length < 3) throw new Error(`filler ${f.group}: id ${id} must be ${f.group}/<file>/<name>`);
      if (seen.has(id)) throw new Error(`filler ${f.group}: duplicate vector id ${id}`);
      seen.add(id);
      const v = fillOne(spec);
      const path = fileOf(id);
      files.set(path, [...(files.get(path) ?? []), v]);
    }
  }
  const out = new Map<string, string>();
  for (const path of [...files.keys()].sort()) {
    const vectors = (files.get(path) as Vector[]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    out.set(path, formatJson({ format: FORMAT_VERSION, vectors }) + '\n');
  }
  return out;
}

/**
 * Stable JSON text (CONF-FILL-002): two-space indent, keys in insertion order, and any array or object
 * whose one-line form fits in 100 columns kept on one line, so diffs are small and files readable.
 */
export function formatJson(v: unknown, indent = ''): string {
  const flat = JSON.stringify(v);
  if (flat === undefined) throw new Error('internal assertion failed: formatJson of undefined');
  if (typeof v !== 'object' || v === null || flat.length + indent.length <= 100) return flat;
  const inner = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + formatJson(x, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`).join(',\n')}\n${indent}}`;
}
