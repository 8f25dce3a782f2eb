/**
 * The deployment manifest (spec/manifest.md, MAN-*): what a registry, a deployer or an SDK needs to know
 * about the modules compiled from one venue — per module its bytecode hash, CPI descriptor hash, config
 * fingerprint, memory and storage layout, entrypoints with typed arguments and results, capability
 * schema, static gas bounds, events, errors, constants and an (empty) proof-hash slot. Two encodings:
 * canonical JSON (sorted keys, two-space indent, final newline; u128 values as decimal strings) and
 * Borsh (manifest-borsh.ts). Both decode to the same value; the manifest hash is sha256 of the Borsh bytes.
 * Deterministic: no clock, no paths, no environment — the same modules give the same bytes anywhere.
 */
import { serialize } from 'borsh';
import { Ajv, type ErrorObject } from 'ajv';
import { sha256Hex } from '../lib/hash.ts';
import { hexToBytes } from '../lib/hex.ts';
import { U128_MAX } from '../lib/u128.ts';
import type { VenueConfig } from '../script/venue.ts';
import type { CompiledModule } from './artifact.ts';
import { cpiDescriptorHash, describeModule, layout, type ModuleDescriptor } from './cpi.ts';
import { decodeManifestBorsh, encodeManifestBorsh } from './manifest-borsh.ts';
import { MANIFEST_JSON_SCHEMA } from './manifest-schema.ts';
import { MANIFEST_FORMAT, MANIFEST_VERSION, ManifestError, type Manifest, type ManifestModule } from './manifest-types.ts';

export * from './manifest-types.ts';
export { decodeManifestBorsh, encodeManifestBorsh } from './manifest-borsh.ts';

/** Domain tag of the venue id (MAN-VENUE-001). */
export const VENUE_DOMAIN = 'CURVE/venue/v1';
const VENUE_SCHEMA = { struct: { domain: 'string', blocks: { array: { type: { array: { type: 'u8', len: 32 } } } } } } as const;

/**
 * MAN-VENUE-001: sha256 of Borsh `{domain: "CURVE/venue/v1", blocks: Vec<[u8; 32]>}` over the object ids
 * (CS-ID-001) of the router, the slabs, the oracles and the CAP blocks, each kind in source order.
 */
export function venueId(v: VenueConfig): string {
  const ids = [v.router, ...v.slabs, ...v.oracles, ...v.caps].map((b) => hexToBytes(b.id));
  return sha256Hex(serialize(VENUE_SCHEMA, { domain: VENUE_DOMAIN, blocks: ids }));
}

/** One module's manifest record; its descriptor hash is computed from its entrypoints (MAN-MOD-001). */
export function manifestModule(m: CompiledModule): ManifestModule {
  const d = describeModule(m);
  const gas = new Map(m.entries.map((e) => [e.name, e.gasBound]));
  return {
    name: m.name,
    kind: m.kind,
    block: m.block,
    configId: m.configId,
    template: m.template,
    templateHash: m.templateHash,
    bytecodeHash: m.hash,
    bytecodeBytes: m.bytes.length,
    descriptorHash: cpiDescriptorHash(d),
    proofHash: null,
    memory: { initialPages: m.memory.initialPages, maxPages: m.memory.maxPages, storageBytes: m.memory.storageBytes },
    caps: [...m.caps] as ManifestModule['caps'],
    storage: m.storage.map((s) => ({ name: s.name, type: s.type, offset: s.offset, bytes: s.bytes, capacity: s.capacity ?? null, stride: s.stride ?? null })),
    entrypoints: d.entries.map((e) => ({ ...e, gasBound: gas.get(e.name) ?? 0n })),
    events: m.events.map((e) => ({ name: e.name, topic: e.topic, fields: layout(e.fields) })),
    errors: m.errors.map((e) => ({ name: e.name, code: e.code })),
    constants: [...m.constants].map(([name, value]) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    imports: m.imports.map((i) => ({ module: i.module, hash: i.hash, entry: i.entry })),
  };
}

/** MAN-BUILD-001: the manifest of a compiled venue, modules in the compiler's order. */
export function buildManifest(venue: VenueConfig, modules: readonly CompiledModule[]): Manifest {
  return { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, venue: { name: venue.router.name, id: venueId(venue) }, modules: modules.map(manifestModule) };
}

/** The CPI descriptor a manifest module carries (its entrypoints without gas bounds). */
export function moduleDescriptor(m: ManifestModule): ModuleDescriptor {
  return { module: m.name, kind: m.kind, entries: m.entrypoints.map(({ gasBound: _gas, ...e }) => e) };
}

/** MAN-HASH-001: sha256 of the Borsh encoding, 64 hex digits. */
export function manifestHash(m: Manifest): string {
  return sha256Hex(encodeManifestBorsh(m));
}

// ── canonical JSON (MAN-JSON-*) ─────────────────────────────────────────────────────────────────────

/** Plain JSON value: bigints as decimal strings. */
function toJsonValue(x: unknown): unknown {
  if (typeof x === 'bigint') return x.toString(10);
  if (Array.isArray(x)) return x.map(toJsonValue);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toJsonValue(v)]));
  return x;
}

/** MAN-JSON-001: keys sorted by UTF-16 code units at every level, two-space indent, `\n` at the end. */
export function canonicalJson(value: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (x !== null && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
    }
    return x;
  };
  return JSON.stringify(sortKeys(toJsonValue(value)), null, 2) + '\n';
}

export function encodeManifestJson(m: Manifest): string {
  return canonicalJson(m);
}

let validator: ReturnType<Ajv['compile']> | undefined;

function jsonPath(e: ErrorObject): string {
  const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : e.keyword === 'required' ? ` (${String((e.params as { missingProperty?: string }).missingProperty)})` : e.keyword === 'enum' ? ` (one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${path || '(root)'}: ${e.message ?? 'invalid'}${extra}`;
}

const big = (s: string, where: string): bigint => {
  const v = BigInt(s);
  if (v > U128_MAX) throw new ManifestError('MAN-JSON-002', `${s.slice(0, 50)} is above 2^128 − 1`, where);
  return v;
};

/**
 * Read a manifest's JSON text (any formatting): MAN-JSON-002 checks against the schema and the u128
 * range, MAN-VER-001 the format and version, MAN-MOD-001 every descriptor hash. Throws ManifestError
 * naming the file and the JSON path.
 */
export function decodeManifestJson(text: string, file = 'manifest.json'): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError('MAN-JSON-002', `not JSON: ${(e as Error).message}`, file);
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head === null || typeof head !== 'object' || Array.isArray(head)) throw new ManifestError('MAN-JSON-002', 'a manifest is a JSON object', file);
  if (head.format !== MANIFEST_FORMAT) throw new ManifestError('MAN-VER-001', `format is ${JSON.stringify(head.format ?? null)?.slice(0, 40)}, not ${JSON.stringify(MANIFEST_FORMAT)}`, `${file}: .format`);
  if (head.version !== MANIFEST_VERSION) throw new ManifestError('MAN-VER-001', `manifest version ${JSON.stringify(head.version ?? null)?.slice(0, 20)} is not supported (this reader knows ${MANIFEST_VERSION})`, `${file}: .version`);
  validator ??= new Ajv({ allErrors: false, strict: true }).compile(MANIFEST_JSON_SCHEMA);
  if (!validator(raw)) {
    const first = validator.errors?.[0];
    throw new ManifestError('MAN-JSON-002', first ? jsonPath(first) : 'does not match the manifest schema', file);
  }
  const j = raw as JsonManifest;
  const m: Manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    venue: j.venue,
    modules: j.modules.map((mod, i) => {
      const at = `${file}: .modules[${i}]`;
      return {
        ...mod,
        entrypoints: mod.entrypoints.map((e, k) => ({ ...e, gasBound: big(e.gasBound, `${at}.entrypoints[${k}].gasBound`) })),
        events: mod.events.map((e, k) => ({ ...e, topic: big(e.topic, `${at}.events[${k}].topic`) })),
        errors: mod.errors.map((e, k) => ({ ...e, code: big(e.code, `${at}.errors[${k}].code`) })),
        constants: mod.constants.map((c, k) => ({ ...c, value: big(c.value, `${at}.constants[${k}].value`) })),
      };
    }),
  };
  checkManifest(m, file);
  return m;
}

type Jsonify<T> = T extends bigint ? string : T extends readonly (infer U)[] ? Jsonify<U>[] : T extends object ? { [K in keyof T]: Jsonify<T[K]> } : T;
type JsonManifest = Jsonify<Manifest>;

/** MAN-MOD-001: every module's descriptor hash is the hash of the descriptor its entrypoints spell out. */
export function checkManifest(m: Manifest, file = 'manifest'): void {
  m.modules.forEach((mod, i) => {
    const h = cpiDescriptorHash(moduleDescriptor(mod));
    if (h !== mod.descriptorHash) throw new ManifestError('MAN-MOD-001', `descriptorHash ${mod.descriptorHash.slice(0, 16)}… does not match the entrypoints (their descriptor hashes to ${h.slice(0, 16)}…)`, `${file}: .modules[${i}].descriptorHash`);
  });
}

/** Decode the Borsh form and check it like the JSON form (MAN-BORSH-002, MAN-MOD-001). */
export function readManifestBorsh(bytes: Uint8Array, file = 'manifest.borsh'): Manifest {
  const m = decodeManifestBorsh(bytes, file);
  checkManifest(m, file);
  return m;
}
