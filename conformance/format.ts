/**
 * The conformance vector format (spec/conformance.md, CONF-*): the TypeScript shape of what
 * conformance/schema.json validates. A vector is self-contained: the modules it needs (by content address,
 * with their bytes), the world state it starts from (VM-STATE-JSON), the input of its kind, and the result
 * the reference produced. Bigints are `0x` hex strings; gas is a JSON number (at most 2^53−1, VM-GAS-001).
 */

/** Semantic version of the vector format (CONF-FMT-002): a new major is an incompatible change. */
export const FORMAT_VERSION = '1.1.0';
/** The CurveVM edition (module format version, VM-MOD-002) the vectors target (CONF-FMT-003). */
export const VM_EDITION = 1;
/** Version of the JSON-lines adapter protocol (CONF-PROTO-001). */
export const PROTOCOL_VERSION = 1;

export interface PreState {
  /** Content address (64 lower-case hex) → module bytes as `0x` hex, in the order they are admitted. */
  readonly modules: Readonly<Record<string, string>>;
  /** A world state as `worldFromJson` reads it (VM-STATE-JSON). */
  readonly state: Readonly<Record<string, unknown>>;
}

/** One top-level call of a `vm.call` vector (VM-ABI-001, VM-DET-001). */
export interface CallInput {
  readonly module: string;
  readonly entry: string;
  /** Typed arguments as `0x` hex words; a negative i128 is written as its two's-complement word. */
  readonly args: readonly string[];
  readonly gasLimit: number;
  /** Granted capability mask as `0x` hex; absent = all declared (VM-CAP-002). */
  readonly caps?: string;
  readonly now: string;
  readonly origin: string;
  /** Page grant of the call tree (VM-MEM-005). */
  readonly memoryPages: number;
}

/** The consensus-critical result of one call (VM-RES-001 without `results` and `trace`), or a boundary error. */
export type CallExpect =
  | {
      readonly status: 'ok' | 'revert' | 'halt';
      readonly halt?: string;
      readonly revertCode?: string;
      readonly gasUsed: number;
      readonly returnData: string;
      readonly logs: readonly { readonly module: string; readonly topics: readonly string[]; readonly data: string }[];
      readonly stateDiff: readonly { readonly key: string; readonly before: string; readonly after: string }[];
      readonly stateRoot: string;
    }
  | { readonly error: string };

export interface VmCallInput {
  readonly calls: readonly CallInput[];
}
export interface VmCallExpect {
  readonly calls: readonly CallExpect[];
}

export interface VmValidateInput {
  /** The module bytes as `0x` hex (they need not decode). */
  readonly module: string;
}
export type VmValidateExpect = { readonly valid: true; readonly hash: string } | { readonly valid: false; readonly error: string; readonly offset: number };

/** Every vector, whatever its kind. `input` and `expect` are the kind's (conformance/kinds.ts). */
export interface Vector {
  readonly format: string;
  readonly edition: number;
  /** `<group>/<file>/<name>`: the group is the folder under conformance/vectors/, the file its JSON file. */
  readonly id: string;
  readonly kind: string;
  readonly description: string;
  /** Spec rule ids (VM-*, later CS-* and PERP_DESIGN ids such as P7) this vector checks. */
  readonly covers: readonly string[];
  readonly pre: PreState;
  readonly input: unknown;
  readonly expect: unknown;
}

/** A vector before the reference has filled in its expected result. */
export type VectorDraft = Omit<Vector, 'format' | 'edition' | 'expect'>;

/** A fixture file: the vectors of one `<group>/<file>`, sorted by id. */
export interface VectorFile {
  readonly format: string;
  readonly vectors: readonly Vector[];
}

/** What a vector asks an implementation to run: the vector without its expected result. */
export function requestOf(v: Pick<Vector, 'id' | 'kind' | 'pre' | 'input'>): { id: string; kind: string; pre: PreState; input: unknown } {
  return { id: v.id, kind: v.kind, pre: v.pre, input: v.input };
}
