/**
 * The Borsh form of a deployment manifest (spec/manifest.md §5, MAN-BORSH-*), through the `borsh`
 * package: the schema below is the normative field order. Hashes are raw 32-byte arrays, enumerations
 * are u8 indices into the tables named in the spec, capability sets are u32 masks. Decoding is strict:
 * the bytes must re-encode to themselves (no trailing bytes, no non-canonical bool or option tag).
 */
import { deserialize, serialize } from 'borsh';
import { bytesEqual, bytesToHex, hexToBytes } from '../lib/hex.ts';
import { CAP_ALL, capNames } from '../vm/capabilities.ts';
import { VALUE_TYPES, type ValueType } from '../vm/module.ts';
import { ACCESS, ACCOUNT_KINDS, CALLERS, ENTRY_FIELDS, FIELD_SCHEMA, MODULE_KINDS, entryBorsh, fieldBorsh, grantMask, type CpiField } from './cpi.ts';
import { MANIFEST_FORMAT, MANIFEST_VERSION, ManifestError, type Manifest, type ManifestModule } from './manifest-types.ts';

const HASH = { array: { type: 'u8', len: 32 } } as const;
const ENTRY = { struct: { ...ENTRY_FIELDS, gas_bound: 'u128' } } as const;
const SLOT = { struct: { name: 'string', type: 'string', offset: 'u32', bytes: 'u32', capacity: { option: 'u32' }, stride: { option: 'u32' } } } as const;
const MODULE = {
  struct: {
    name: 'string',
    kind: 'u8',
    block: 'string',
    config_id: HASH,
    template: 'string',
    template_hash: HASH,
    bytecode_hash: HASH,
    bytecode_bytes: 'u32',
    descriptor_hash: HASH,
    proof_hash: { option: HASH },
    memory: { struct: { initial_pages: 'u16', max_pages: 'u16', storage_bytes: 'u32' } },
    caps: 'u32',
    storage: { array: { type: SLOT } },
    entrypoints: { array: { type: ENTRY } },
    events: { array: { type: { struct: { name: 'string', topic: 'u128', fields: { array: { type: FIELD_SCHEMA } } } } } },
    errors: { array: { type: { struct: { name: 'string', code: 'u128' } } } },
    constants: { array: { type: { struct: { name: 'string', value: 'u128' } } } },
    imports: { array: { type: { struct: { module: 'string', hash: HASH, entry: 'string' } } } },
  },
} as const;

/** The manifest's Borsh schema (MAN-BORSH-001); spec/manifest.md §5 writes it out field by field. */
export const MANIFEST_BORSH_SCHEMA = {
  struct: { format: 'string', version: 'u16', venue: { struct: { name: 'string', id: HASH } }, modules: { array: { type: MODULE } } },
} as const;

const hash = (h: string): Uint8Array => hexToBytes(h);
function moduleOut(m: ManifestModule) {
  return {
    name: m.name,
    kind: MODULE_KINDS.indexOf(m.kind),
    block: m.block,
    config_id: hash(m.configId),
    template: m.template,
    template_hash: hash(m.templateHash),
    bytecode_hash: hash(m.bytecodeHash),
    bytecode_bytes: m.bytecodeBytes,
    descriptor_hash: hash(m.descriptorHash),
    proof_hash: m.proofHash === null ? null : hash(m.proofHash),
    memory: { initial_pages: m.memory.initialPages, max_pages: m.memory.maxPages, storage_bytes: m.memory.storageBytes },
    caps: grantMask(m.caps),
    storage: m.storage.map((s) => ({ name: s.name, type: s.type, offset: s.offset, bytes: s.bytes, capacity: s.capacity, stride: s.stride })),
    entrypoints: m.entrypoints.map((e) => ({ ...entryBorsh(e), gas_bound: e.gasBound })),
    events: m.events.map((e) => ({ name: e.name, topic: e.topic, fields: e.fields.map(fieldBorsh) })),
    errors: m.errors.map((e) => ({ name: e.name, code: e.code })),
    constants: m.constants.map((c) => ({ name: c.name, value: c.value })),
    imports: m.imports.map((i) => ({ module: i.module, hash: hash(i.hash), entry: i.entry })),
  };
}

export function encodeManifestBorsh(m: Manifest): Uint8Array {
  return serialize(MANIFEST_BORSH_SCHEMA, { format: m.format, version: m.version, venue: { name: m.venue.name, id: hash(m.venue.id) }, modules: m.modules.map(moduleOut) });
}

// ── decoding ────────────────────────────────────────────────────────────────────────────────────────

/* The decoded shape borsh returns for MANIFEST_BORSH_SCHEMA (numbers for u8…u32, bigints for u128). */
interface RawField { name: string; type: string; words: number[]; offset: number }
interface RawEntry {
  name: string; index: number; callers: number; params: RawField[]; results: RawField[];
  accounts: { name: string; kind: number; access: number; key: string[] }[]; cap_handles: string[]; grants: number; gas_bound: bigint;
}
interface RawModule {
  name: string; kind: number; block: string; config_id: number[]; template: string; template_hash: number[]; bytecode_hash: number[];
  bytecode_bytes: number; descriptor_hash: number[]; proof_hash: number[] | null;
  memory: { initial_pages: number; max_pages: number; storage_bytes: number }; caps: number;
  storage: { name: string; type: string; offset: number; bytes: number; capacity: number | null; stride: number | null }[];
  entrypoints: RawEntry[]; events: { name: string; topic: bigint; fields: RawField[] }[];
  errors: { name: string; code: bigint }[]; constants: { name: string; value: bigint }[];
  imports: { module: string; hash: number[]; entry: string }[];
}
interface RawManifest { format: string; version: number; venue: { name: string; id: number[] }; modules: RawModule[] }

function pick<T>(table: readonly T[], i: number, what: string, where: string): T {
  const v = table[i];
  if (v === undefined) throw new ManifestError('MAN-BORSH-002', `${what} tag ${i} is not defined (0..${table.length - 1})`, where);
  return v;
}

function capSet(mask: number, where: string) {
  if ((mask & ~CAP_ALL) !== 0) throw new ManifestError('MAN-BORSH-002', `capability mask 0x${mask.toString(16)} has undefined bits`, where);
  return capNames(mask);
}

function fieldIn(f: RawField, where: string): CpiField {
  return { name: f.name, type: f.type, words: f.words.map((w) => pick<ValueType>(VALUE_TYPES, w, 'value type', where)), offset: f.offset };
}

function moduleIn(r: RawModule, i: number): ManifestModule {
  const at = `modules[${i}]`;
  const hx = (b: number[]) => bytesToHex(Uint8Array.from(b));
  return {
    name: r.name,
    kind: pick(MODULE_KINDS, r.kind, 'module kind', `${at}.kind`),
    block: r.block,
    configId: hx(r.config_id),
    template: r.template,
    templateHash: hx(r.template_hash),
    bytecodeHash: hx(r.bytecode_hash),
    bytecodeBytes: r.bytecode_bytes,
    descriptorHash: hx(r.descriptor_hash),
    proofHash: r.proof_hash === null ? null : hx(r.proof_hash),
    memory: { initialPages: r.memory.initial_pages, maxPages: r.memory.max_pages, storageBytes: r.memory.storage_bytes },
    caps: capSet(r.caps, `${at}.caps`),
    storage: r.storage.map((s) => ({ name: s.name, type: s.type, offset: s.offset, bytes: s.bytes, capacity: s.capacity, stride: s.stride })),
    entrypoints: r.entrypoints.map((e, j) => {
      const w = `${at}.entrypoints[${j}]`;
      return {
        name: e.name,
        index: e.index,
        callers: pick(CALLERS, e.callers, 'callers', `${w}.callers`),
        params: e.params.map((f) => fieldIn(f, `${w}.params`)),
        results: e.results.map((f) => fieldIn(f, `${w}.results`)),
        accounts: e.accounts.map((a) => ({ name: a.name, kind: pick(ACCOUNT_KINDS, a.kind, 'account kind', `${w}.accounts`), access: pick(ACCESS, a.access, 'access', `${w}.accounts`), key: a.key })),
        capHandles: e.cap_handles,
        grants: capSet(e.grants, `${w}.grants`),
        gasBound: e.gas_bound,
      };
    }),
    events: r.events.map((e) => ({ name: e.name, topic: e.topic, fields: e.fields.map((f) => fieldIn(f, `${at}.events`)) })),
    errors: r.errors,
    constants: r.constants,
    imports: r.imports.map((i) => ({ module: i.module, hash: bytesToHex(Uint8Array.from(i.hash)), entry: i.entry })),
  };
}

/**
 * Decode the Borsh form (MAN-BORSH-002). Throws ManifestError on truncated or trailing bytes, unknown
 * tags, and any byte string that is not the canonical encoding of what it decodes to.
 */
export function decodeManifestBorsh(bytes: Uint8Array, file = 'manifest.borsh'): Manifest {
  let raw: RawManifest;
  try {
    raw = deserialize(MANIFEST_BORSH_SCHEMA, bytes) as unknown as RawManifest;
  } catch (e) {
    throw new ManifestError('MAN-BORSH-002', `not a Borsh manifest: ${(e as Error).message}`, file);
  }
  if (raw.format !== MANIFEST_FORMAT) throw new ManifestError('MAN-VER-001', `format is ${JSON.stringify(raw.format.slice(0, 40))}, not ${MANIFEST_FORMAT}`, file);
  if (raw.version !== MANIFEST_VERSION) throw new ManifestError('MAN-VER-001', `manifest version ${raw.version} is not supported (this reader knows ${MANIFEST_VERSION})`, file);
  const m: Manifest = { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, venue: { name: raw.venue.name, id: bytesToHex(Uint8Array.from(raw.venue.id)) }, modules: raw.modules.map(moduleIn) };
  if (!bytesEqual(encodeManifestBorsh(m), bytes)) throw new ManifestError('MAN-BORSH-002', 'bytes are not the canonical encoding of the manifest they decode to (trailing or non-canonical bytes)', file);
  return m;
}
