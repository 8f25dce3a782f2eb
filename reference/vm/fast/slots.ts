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

/** 16 bytes for converting big words to and from bytes through 64-bit halves (fewer BigInt steps than per byte). */
const SCRATCH = new Uint8Array(16);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

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

/** Load a `width`-byte little-endian word (width 1, 8 or 16; bounds already checked) into a slot. */
export function loadLE(bytes: Uint8Array, at: number, width: number, num: Float64Array, big: bigint[], i: number): void {
  if (width === 1) {
    num[i] = bytes[at] as number;
    return;
  }
  const lo = ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24)) >>> 0;
  const hi = ((bytes[at + 4] as number) | ((bytes[at + 5] as number) << 8) | ((bytes[at + 6] as number) << 16) | ((bytes[at + 7] as number) << 24)) >>> 0;
  let rest = 0;
  for (let k = 8; k < width; k++) rest |= bytes[at + k] as number;
  if (rest === 0 && hi < 0x200000) num[i] = hi * TWO_32 + lo;
  else {
    num[i] = Number.NaN;
    for (let k = 0; k < width; k++) SCRATCH[k] = bytes[at + k] as number;
    const low = SCRATCH_VIEW.getBigUint64(0, true);
    big[i] = width === 8 ? low : (SCRATCH_VIEW.getBigUint64(8, true) << 64n) | low;
  }
}

/** Store the low `width` bytes of the word in a slot little-endian (bounds already checked). */
export function storeLE(bytes: Uint8Array, at: number, width: number, num: Float64Array, big: readonly bigint[], i: number): void {
  const v = num[i] as number;
  if (v !== v) {
    const x = big[i] as bigint;
    if (width === 1) {
      bytes[at] = Number(x & 0xffn);
      return;
    }
    SCRATCH_VIEW.setBigUint64(0, BigInt.asUintN(64, x), true);
    if (width === 16) SCRATCH_VIEW.setBigUint64(8, x >> 64n, true);
    for (let k = 0; k < width; k++) bytes[at + k] = SCRATCH[k] as number;
    return;
  }
  if (width === 1) {
    bytes[at] = v & 0xff;
    return;
  }
  const lo = v >>> 0;
  const hi = (v - lo) / TWO_32;
  bytes[at] = lo & 0xff;
  bytes[at + 1] = (lo >>> 8) & 0xff;
  bytes[at + 2] = (lo >>> 16) & 0xff;
  bytes[at + 3] = lo >>> 24;
  bytes[at + 4] = hi & 0xff;
  bytes[at + 5] = (hi >>> 8) & 0xff;
  bytes[at + 6] = (hi >>> 16) & 0xff;
  bytes[at + 7] = 0;
  if (width === 16) bytes.fill(0, at + 8, at + 16);
}

/*
 * The same loads and stores of 8- and 16-byte words through a DataView of the bytes (storage segments):
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
