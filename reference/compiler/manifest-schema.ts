/**
 * The JSON Schema (draft 2020-12 subset, checked with ajv) of a deployment manifest's JSON form
 * (spec/manifest.md §4, MAN-JSON-*). A manifest read from outside is checked against it before it is
 * converted, so every rejection names the JSON path of the first bad value.
 */
import { CAPABILITIES } from '../vm/capabilities.ts';
import { VALUE_TYPES } from '../vm/module.ts';
import { ACCESS, ACCOUNT_KINDS, CALLERS, MODULE_KINDS } from './cpi.ts';

const str = { type: 'string' } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
/** A non-negative integer as a decimal string without leading zeros (the u128 range is checked after). */
const dec = { type: 'string', pattern: '^(0|[1-9][0-9]{0,38})$' } as const;
const u16 = { type: 'integer', minimum: 0, maximum: 0xffff } as const;
const u32 = { type: 'integer', minimum: 0, maximum: 0xffffffff } as const;
const list = (items: object) => ({ type: 'array', items }) as const;
const obj = (properties: Record<string, object>) => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false }) as const;
const oneOf = (values: readonly string[]) => ({ type: 'string', enum: [...values] }) as const;

const field = obj({ name: str, type: str, words: list(oneOf(VALUE_TYPES)), offset: u16 });
const account = obj({ name: str, kind: oneOf(ACCOUNT_KINDS), access: oneOf(ACCESS), key: list(str) });
const entry = obj({
  name: str,
  index: u16,
  callers: oneOf(CALLERS),
  params: list(field),
  results: list(field),
  accounts: list(account),
  capHandles: list(str),
  grants: list(oneOf(CAPABILITIES.map((c) => c.name))),
  gasBound: dec,
});
const slot = obj({ name: str, type: str, offset: u32, bytes: u32, capacity: { anyOf: [u32, { type: 'null' }] }, stride: { anyOf: [u32, { type: 'null' }] } });
const mod = obj({
  name: str,
  kind: oneOf(MODULE_KINDS),
  block: str,
  configId: hex64,
  template: str,
  templateHash: hex64,
  bytecodeHash: hex64,
  bytecodeBytes: u32,
  descriptorHash: hex64,
  proofHash: { anyOf: [hex64, { type: 'null' }] },
  memory: obj({ initialPages: u16, maxPages: u16, storageBytes: u32 }),
  caps: list(oneOf(CAPABILITIES.map((c) => c.name))),
  storage: list(slot),
  entrypoints: list(entry),
  events: list(obj({ name: str, topic: dec, fields: list(field) })),
  errors: list(obj({ name: str, code: dec })),
  constants: list(obj({ name: str, value: dec })),
  imports: list(obj({ module: str, hash: hex64, entry: str })),
});

export const MANIFEST_JSON_SCHEMA = obj({
  format: { const: 'curve-manifest' },
  version: { const: 1 },
  venue: obj({ name: str, id: hex64 }),
  modules: list(mod),
});
