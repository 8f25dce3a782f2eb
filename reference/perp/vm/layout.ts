/**
 * The record layouts of stdlib/slab.curve as the VM driver reads them back (spec/curvescript.md
 * CS-LAYOUT-002: fields packed in declaration order, integers little-endian). The field lists mirror the
 * template's `struct`s; `checkLayout` compares each pool's stride with the compiled module's, so a template
 * change that is not mirrored here fails loudly instead of reading garbage.
 */
import type { StorageSlot } from '../../compiler/artifact.ts';
import { readUintLE, toSigned } from '../../lib/u128.ts';
import { bytesToHex } from '../../lib/hex.ts';

export type FieldType = 'u64' | 'u128' | 'i128' | 'address' | 'bool' | 'bytes32';
export type Fields = readonly (readonly [string, FieldType])[];

const SIZE: Record<FieldType, number> = { u64: 8, u128: 16, i128: 16, address: 16, bool: 1, bytes32: 32 };

export const ORDER: Fields = [
  ['id', 'u64'], ['acct', 'u64'], ['sell', 'bool'], ['dlp', 'bool'], ['pending', 'bool'], ['eligible_epoch', 'u64'], ['px', 'u128'],
  ['qty', 'u128'], ['reserved_qty', 'u128'], ['created_at', 'u64'], ['seq', 'u64'], ['next', 'u64'], ['prev', 'u64'],
];
export const RES: Fields = [
  ['hold_id', 'u128'], ['route_id', 'u128'], ['owner', 'address'], ['side', 'u64'], ['qty', 'u128'], ['limit_px', 'u128'], ['notional', 'u128'],
  ['vwap', 'u128'], ['worst_px', 'u128'], ['fee', 'u128'], ['max_charge', 'u128'], ['commitment', 'bytes32'], ['book_seqno', 'u64'],
  ['expiry', 'u64'], ['slice_head', 'u64'],
];
export const SLICE: Fields = [['order_slot', 'u64'], ['order_id', 'u64'], ['qty', 'u128'], ['px', 'u128'], ['next', 'u64']];
export const POS: Fields = [['owner', 'address'], ['qty', 'i128'], ['cost', 'i128'], ['realised', 'i128'], ['funding_idx', 'i128'], ['nf', 'u64']];
export const ACCT: Fields = [['owner', 'address'], ['pos', 'u64']];
export const TRADE: Fields = [
  ['trade_id', 'u64'], ['maker_order_id', 'u64'], ['maker', 'address'], ['taker', 'address'], ['taker_side', 'u64'], ['px', 'u128'], ['qty', 'u128'],
  ['epoch', 'u64'], ['hold_id', 'u128'],
];
export const AGG: Fields = [
  ['used', 'bool'], ['account', 'address'], ['epoch', 'u64'], ['buy_qty', 'u128'], ['buy_notional', 'u128'], ['sell_qty', 'u128'], ['sell_notional', 'u128'], ['nf', 'u64'],
];

/** The storage arrays and their record layouts. */
export const POOL_FIELDS: Readonly<Record<string, Fields>> = { orders: ORDER, ress: RES, slices: SLICE, positions: POS, accounts: ACCT, trades: TRADE, aggs: AGG };

export const recordSize = (f: Fields): number => f.reduce((n, [, t]) => n + SIZE[t], 0);

/** A decoded record: integers as bigint (i128 signed), bools as 0n/1n, bytes32 as hex text. */
export type Rec = Readonly<Record<string, bigint | string>>;

export function decodeRecord(bytes: Uint8Array, offset: number, fields: Fields): Rec {
  const out: Record<string, bigint | string> = {};
  let at = offset;
  for (const [name, t] of fields) {
    if (t === 'bytes32') out[name] = bytesToHex(bytes.subarray(at, at + 32));
    else {
      const v = readUintLE(bytes, at, SIZE[t]);
      out[name] = t === 'i128' ? toSigned(v) : v;
    }
    at += SIZE[t];
  }
  return out;
}

/** Throws when a pool's compiled stride differs from the mirrored record (a template change not mirrored here). */
export function checkLayout(storage: readonly StorageSlot[]): void {
  for (const [name, f] of Object.entries(POOL_FIELDS)) {
    const s = storage.find((x) => x.name === name);
    if (!s) throw new Error(`internal assertion failed: slab storage has no ${name}`);
    if (s.capacity !== 0 && s.stride !== recordSize(f)) throw new Error(`internal assertion failed: slab ${name} stride ${s.stride} ≠ mirrored ${recordSize(f)}`);
  }
}

/** Reads scalars and records of one module's storage segment by the compiled storage map. */
export class StorageView {
  private readonly slots: Map<string, StorageSlot>;
  constructor(
    private readonly bytes: Uint8Array,
    storage: readonly StorageSlot[],
  ) {
    this.slots = new Map(storage.map((s) => [s.name, s]));
  }

  private slot(name: string): StorageSlot {
    const s = this.slots.get(name);
    if (!s) throw new Error(`internal assertion failed: no storage global ${name}`);
    return s;
  }

  /** A scalar global (`i128` signed). */
  scalar(name: string, t: FieldType = 'u64'): bigint {
    const s = this.slot(name);
    const v = readUintLE(this.bytes, s.offset, SIZE[t]);
    return t === 'i128' ? toSigned(v) : v;
  }

  capacity(name: string): number {
    return this.slot(name).capacity ?? 0;
  }

  record(name: string, i: number, fields: Fields = POOL_FIELDS[name] as Fields): Rec {
    const s = this.slot(name);
    return decodeRecord(this.bytes, s.offset + i * (s.stride ?? recordSize(fields)), fields);
  }
}
