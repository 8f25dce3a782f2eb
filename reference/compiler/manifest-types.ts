/**
 * The deployment manifest's data model (spec/manifest.md §2), shared by the JSON and Borsh codecs and
 * the SDK generator. Hashes are 64 lower-case hex digits; integers that can exceed 2^53 are bigints.
 */
import { CurveError } from '../lib/errors.ts';
import type { CapabilityName } from '../vm/capabilities.ts';
import type { MemoryLayout } from '../vm/module.ts';
import type { ModuleKind } from './artifact.ts';
import type { CpiEntry, CpiField } from './cpi.ts';

export const MANIFEST_FORMAT = 'curve-manifest';
/** MAN-VER-001: bumped on any change to either encoding or to what a field means. */
export const MANIFEST_VERSION = 1;

export interface ManifestEntry extends CpiEntry {
  /** CS-ANALYZE-GAS: the most gas one call can use (nested module calls excluded). */
  readonly gasBound: bigint;
}

export interface ManifestSlot {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly bytes: number;
  readonly capacity: number | null;
  readonly stride: number | null;
}

export interface ManifestModule {
  readonly name: string;
  readonly kind: ModuleKind;
  readonly block: string;
  /** CS-ID-001 object id of the block: the config fingerprint. */
  readonly configId: string;
  readonly template: string;
  readonly templateHash: string;
  /** VM-MOD-HASH: sha256 of the `.cvm` bytes. */
  readonly bytecodeHash: string;
  readonly bytecodeBytes: number;
  /** CPI-HASH-001. */
  readonly descriptorHash: string;
  /** MAN-PROOF-001: null until a proof stage fills it. */
  readonly proofHash: string | null;
  readonly memory: MemoryLayout;
  /** Declared capabilities, in bit order (the capability schema). */
  readonly caps: readonly CapabilityName[];
  readonly storage: readonly ManifestSlot[];
  readonly entrypoints: readonly ManifestEntry[];
  readonly events: readonly { readonly name: string; readonly topic: bigint; readonly fields: readonly CpiField[] }[];
  readonly errors: readonly { readonly name: string; readonly code: bigint }[];
  /** The `cfg.*` constants, sorted by name. */
  readonly constants: readonly { readonly name: string; readonly value: bigint }[];
  /** CS-COMPILE-004: the modules its CALLs import (callee name, content address, entry), in import order. */
  readonly imports: readonly { readonly module: string; readonly hash: string; readonly entry: string }[];
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: typeof MANIFEST_VERSION;
  /** The venue: its router's name and the venue id (MAN-VENUE-001). */
  readonly venue: { readonly name: string; readonly id: string };
  readonly modules: readonly ManifestModule[];
}

/** A manifest that cannot be read: where = file, JSON path or byte position; code = the MAN-* rule. */
export class ManifestError extends CurveError {}
