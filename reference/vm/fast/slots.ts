/**
 * Word slots of the fast path. A word lives in a pair (Float64Array, bigint[]) at one index: words below
 * 2^53 are exact doubles in the Float64Array; larger words are NaN there and the bigint holds them. The
 * encoding is canonical (a word below 2^53 is never stored as a bigint), so equal numbers mean equal
 * words, and any NaN operand sends an instruction to its bigint path. Measured on `npm run bench -- vm`:
 * keeping small words as doubles removes the BigInt allocation of every arithmetic step.
 */

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
const TWO_32 = 4294967296;


/** 2^n for n in 0..52 (shift fast paths). */
export const POW2 = Float64Array.from({ length: 53 }, (_, n) => 2 ** n);

export function slotBig(num: Float64Array, big: readonly bigint[], i: number): bigint {
  const v = num[i] as number;
  return v === v ? BigInt(v) : (big[i] as bigint);
}

export function setSlot(num: Float64Array, big: bigint[], i: number, x: bigint): void {
  if (x <= MAX_SAFE_BIG) num[i] = Number(x);
  else {
    num[i] = Number.NaN;
    big[i] = x;
  }
}

/** Copy slot `from` of (fn, fb) to slot `to` of (tn, tb). */
export function copySlot(fn: Float64Array, fb: readonly bigint[], from: number, tn: Float64Array, tb: bigint[], to: number): void {
  const v = fn[from] as number;
  tn[to] = v;
  if (v !== v) tb[to] = fb[from] as bigint;
}

/** Store the low byte of the word in a slot at `at` (bounds already checked). */
export function store8(bytes: Uint8Array, at: number, num: Float64Array, big: readonly bigint[], i: number): void {
  const v = num[i] as number;
  bytes[at] = v === v ? v & 0xff : Number((big[i] as bigint) & 0xffn);
}

/*
 * Loads and stores of 8- and 16-byte words through a DataView of the bytes (storage segments, memory):
 * two unaligned 32-bit accesses instead of eight byte accesses and shifts. Measured on
 * `npm run bench -- perp` (PFM1): the byte loops were ~7 % of a pair (~180 storage accesses per pair).
 */

/** Load the 8-byte little-endian word at `at` (bounds already checked) into a slot. */
export function load64(dv: DataView, at: number, num: Float64Array, big: bigint[], i: number): void {
  const hi = dv.getUint32(at + 4, true);
  if (hi < 0x200000) num[i] = hi * TWO_32 + dv.getUint32(at, true);
  else {
    num[i] = Number.NaN;
    big[i] = dv.getBigUint64(at, true);
  }
}

/** Load the 16-byte little-endian word at `at` (bounds already checked) into a slot. */
export function load128(dv: DataView, at: number, num: Float64Array, big: bigint[], i: number): void {
  const hi = dv.getUint32(at + 4, true);
  if (hi < 0x200000 && (dv.getUint32(at + 8, true) | dv.getUint32(at + 12, true)) === 0) num[i] = hi * TWO_32 + dv.getUint32(at, true);
  else {
    num[i] = Number.NaN;
    big[i] = (dv.getBigUint64(at + 8, true) << 64n) | dv.getBigUint64(at, true);
  }
}

/** Store the low 8 bytes of the word in a slot little-endian at `at` (bounds already checked). */
export function store64(dv: DataView, at: number, num: Float64Array, big: readonly bigint[], i: number): void {
  const v = num[i] as number;
  if (v !== v) dv.setBigUint64(at, BigInt.asUintN(64, big[i] as bigint), true);
  else {
    const lo = v >>> 0;
    dv.setUint32(at, lo, true);
    dv.setUint32(at + 4, (v - lo) / TWO_32, true);
  }
}

/** Store the word in a slot as 16 bytes little-endian at `at` (bounds already checked). */
export function store128(dv: DataView, at: number, num: Float64Array, big: readonly bigint[], i: number): void {
  const v = num[i] as number;
  if (v !== v) {
    const x = big[i] as bigint;
    dv.setBigUint64(at, BigInt.asUintN(64, x), true);
    dv.setBigUint64(at + 8, x >> 64n, true);
  } else {
    const lo = v >>> 0;
    dv.setUint32(at, lo, true);
    dv.setUint32(at + 4, (v - lo) / TWO_32, true);
    dv.setUint32(at + 8, 0, true);
    dv.setUint32(at + 12, 0, true);
  }
}
