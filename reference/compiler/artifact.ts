/**
 * What the compiler produces (spec/curvescript.md §10, CS-COMPILE-*): one `CompiledModule` per
 * instantiated template (the router, one per SLAB block, one per ORACLE block), each with everything a
 * manifest, a CPI descriptor or a generated SDK needs. Plain data, deterministic: the same source gives
 * equal artifacts on any machine (no clock, no paths beyond the names given).
 */
import type { MemoryLayout, ValueType } from '../vm/module.ts';

export type ModuleKind = 'router' | 'slab' | 'oracle';

/** A typed argument or result: its CurveScript type and the VM words it travels as (in order). */
export interface TypedValue {
  readonly name: string;
  /** CurveScript type text: `u64`, `bytes32`, `Slice`, `[u64; 4]`… */
  readonly type: string;
  /** The words it is flattened to (bytes32 = two u128 words, low half first; records field by field). */
  readonly words: readonly ValueType[];
}

export interface CompiledEntry {
  readonly name: string;
  /** Index in the module's ENTRIES section. */
  readonly index: number;
  readonly params: readonly TypedValue[];
  readonly results: readonly TypedValue[];
  /** CS-ANALYZE-GAS: the most gas one call of this entry can use, its sub-grants to other modules included. */
  readonly gasBound: bigint;
}

/** CS-ANALYZE-MEMORY: one `storage` global's place in the module's storage segment. */
export interface StorageSlot {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly bytes: number;
  /** For arrays: the element count (a pool's capacity) and the bytes per element. */
  readonly capacity?: number;
  readonly stride?: number;
}

export interface CompiledEvent {
  readonly name: string;
  /** Topic: the event's name id (CS-ID-002), decimal. */
  readonly topic: bigint;
  readonly fields: readonly TypedValue[];
}

export interface CompiledModule {
  /** `router:<name>`, `slab:<name>`, `oracle:<name>`. */
  readonly name: string;
  readonly kind: ModuleKind;
  /** The venue block this instance was configured from. */
  readonly block: string;
  /** CS-ID-001 object id of that block: the config fingerprint (64 hex). */
  readonly configId: string;
  /** Template source file name (as given to the compiler) and sha256 of its text (64 hex). */
  readonly template: string;
  readonly templateHash: string;
  /** The `cfg.*` constants the template was instantiated with (decimal strings in JSON). */
  readonly constants: ReadonlyMap<string, bigint>;
  /** Canonical `.cvm` bytes and their sha256 (64 hex): the module's content address. */
  readonly bytes: Uint8Array;
  readonly hash: string;
  /** The capability names the module declares (spec/curvevm.md §6), sorted by bit. */
  readonly caps: readonly string[];
  readonly memory: MemoryLayout;
  readonly storage: readonly StorageSlot[];
  readonly entries: readonly CompiledEntry[];
  readonly events: readonly CompiledEvent[];
  /** `error NAME = code;` declarations: the revert codes a caller can see. */
  readonly errors: readonly { readonly name: string; readonly code: bigint }[];
  /** CS-COMPILE-004: the imports its CALLs name — callee module, content address (64 hex), entry — in import order. */
  readonly imports: readonly { readonly module: string; readonly hash: string; readonly entry: string }[];
  /** The assembly listing the module was assembled from (`curve compile --emit-asm`). */
  readonly asm: string;
}
