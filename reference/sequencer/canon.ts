/**
 * Canonical bytes of sequencer records (spec/sequencer.md SEQ-ENC-001): JSON with object keys sorted,
 * bigints as `0x` hex strings, no whitespace, UTF-8; `undefined` fields left out. Signatures and hashes
 * are taken over these bytes with a domain tag in front, so two implementations agree byte for byte.
 */
import { sha256, utf8Bytes } from '../lib/hash.ts';
import { bigToJson, bytesToHex } from '../lib/hex.ts';

export function canonicalJson(v: unknown): string {
  if (typeof v === 'bigint') return JSON.stringify(bigToJson(v));
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new TypeError(`not canonical-encodable: ${typeof v}`);
}

/** Domain-tagged canonical bytes: utf8(tag ‖ "\n" ‖ canonicalJson(v)). */
export function tagged(tag: string, v: unknown): Uint8Array {
  return utf8Bytes(`${tag}\n${canonicalJson(v)}`);
}

export function hashHex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}
