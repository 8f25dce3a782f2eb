/**
 * Deterministic ids (spec/curvescript.md §8, CS-ID-*). Every id is a sha256 over a domain-tagged
 * canonical encoding, so any implementation recomputes it byte for byte:
 * - object ids: sha256 of a block's canonical descriptor (CS-ID-001);
 * - name ids: the u128 a template sees for a symbol or feed name (CS-ID-002);
 * - route_id, hold_id (CS-ID-003, CS-ID-004) and the commit-reveal commitment (CS-ID-005, M6).
 * A `str` is a u16 little-endian byte length then UTF-8 bytes; integers are little-endian.
 */
import { ByteWriter } from '../lib/bytes.ts';
import { UsageError } from '../lib/errors.ts';
import { id128, sha256, utf8Bytes } from '../lib/hash.ts';
import { bytesToHex } from '../lib/hex.ts';
import type { BlockKind } from './ast.ts';
import type { ArgValue } from './directives.ts';

/** CS-ID-001: block kind codes in descriptors. */
export const BLOCK_KIND_CODE: { readonly [K in BlockKind]: number } = { ROUTER: 1, SLAB: 2, ORACLE: 3, CAP: 4 };

/** CS-ID-001: value tags in descriptors. */
export const VALUE_TAG = { int: 1, bool: 2, text: 3, list: 4 } as const;

export interface DescriptorDirective {
  readonly name: string;
  /** In schema order, every argument present (defaults filled in). */
  readonly args: readonly { readonly key: string; readonly value: ArgValue }[];
}

/** A block with its directives in canonical order: schema order, repeated ones in source order. */
export interface DescriptorInput {
  readonly kind: BlockKind;
  readonly name: string;
  readonly directives: readonly DescriptorDirective[];
}

function str(w: ByteWriter, s: string): ByteWriter {
  const b = utf8Bytes(s);
  return w.u16(b.length).bytes(b);
}

function tagged(tag: string): ByteWriter {
  return str(new ByteWriter(), tag);
}

/** `str(tag)`: the domain-tag prefix every id hash starts with (the compiler preloads it, CS-LOWER-HASH). */
export function tagBytes(tag: string): Uint8Array {
  return tagged(tag).finish();
}

/** CS-ID-001: the canonical descriptor bytes of a block. Venue integers are checked to lie in 0..2^128−1. */
export function encodeDescriptor(d: DescriptorInput): Uint8Array {
  const w = tagged('CURVE/descriptor/v1').u8(BLOCK_KIND_CODE[d.kind]);
  str(w, d.name).u16(d.directives.length);
  for (const dir of d.directives) {
    str(w, dir.name).u8(dir.args.length);
    for (const { key, value } of dir.args) {
      str(w, key);
      if (typeof value === 'bigint') w.u8(VALUE_TAG.int).uint(value, 16);
      else if (typeof value === 'boolean') w.u8(VALUE_TAG.bool).u8(value ? 1 : 0);
      else if (typeof value === 'string') str(w.u8(VALUE_TAG.text), value);
      else {
        w.u8(VALUE_TAG.list).u16(value.length);
        for (const item of value) str(w, item);
      }
    }
  }
  return w.finish();
}

/** CS-ID-001: the object id, as 64 lower-case hex digits. */
export function objectId(d: DescriptorInput): string {
  return bytesToHex(sha256(encodeDescriptor(d)));
}

/** CS-ID-002: the u128 a template reads for a symbol or feed name (`cfg.feed`, `cfg.symbol`). */
export function nameId(name: string): bigint {
  return id128(str(tagged('CURVE/name/v1'), name).finish());
}

/** CS-ID-003: route_id(user, nonce) — one per user intent; the nonce is the user's route counter. */
export function routeId(user: bigint, nonce: bigint): bigint {
  return id128(tagged('CURVE/route/v1').uint(user, 16).uint(nonce, 8).finish());
}

/** CS-ID-004: hold_id(slab, route, book_seqno) — one per reservation on one slab. */
export function holdId(slab: bigint, route: bigint, bookSeqno: bigint): bigint {
  return id128(tagged('CURVE/hold/v1').uint(slab, 16).uint(route, 16).uint(bookSeqno, 8).finish());
}

/** CS-ID-005 (M6): H(route ‖ instrument ‖ side ‖ qty ‖ limit ‖ salt), side 0 = buy, 1 = sell, a 32-byte salt. */
export function commitment(route: bigint, instrument: bigint, side: bigint, qty: bigint, limitPx: bigint, salt: Uint8Array): Uint8Array {
  if (salt.length !== 32) throw new UsageError(`commitment salt must be 32 bytes, got ${salt.length}`);
  const w = tagged('CURVE/commit/v1').uint(route, 16).uint(instrument, 8).u8(Number(side)).uint(qty, 16).uint(limitPx, 16);
  return sha256(w.bytes(salt).finish());
}
