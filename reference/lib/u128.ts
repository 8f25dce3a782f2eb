/**
 * u128 / i128 helpers over BigInt (spec/curvevm.md §1, VM-WORD-*).
 * A VM word is an unsigned 128-bit integer; signed operations read it as two's-complement i128.
 */
export const U128_MAX = (1n << 128n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;
export const I128_MIN = -(1n << 127n);
export const I128_MAX = (1n << 127n) - 1n;
const TWO_128 = 1n << 128n;

/** True when `x` is a valid word (0 ≤ x ≤ 2^128−1). */
export function isU128(x: bigint): boolean {
  return x >= 0n && x <= U128_MAX;
}

/** Interpret a word as two's-complement i128 (VM-WORD-002). */
export function toSigned(x: bigint): bigint {
  return x > I128_MAX ? x - TWO_128 : x;
}

/** Encode an i128 value as a word (VM-WORD-002). */
export function fromSigned(x: bigint): bigint {
  return x < 0n ? x + TWO_128 : x;
}

/** Reduce any integer modulo 2^128 (wrapping arithmetic, VM-OP-ADDW…). */
export function wrap(x: bigint): bigint {
  return BigInt.asUintN(128, x);
}

/** Rounding direction of a division: the spec names one at every division site. */
export type Rounding = 'down' | 'up';

/**
 * floor or ceil of a·b / d computed exactly (256-bit intermediate). Returns undefined when d = 0 or
 * the quotient does not fit in u128 — the VM turns that into a trap (VM-OP-MULDIV).
 */
export function mulDiv(a: bigint, b: bigint, d: bigint, rounding: Rounding): bigint | undefined {
  if (d === 0n) return undefined;
  const p = a * b;
  let q = p / d;
  if (rounding === 'up' && q * d !== p) q += 1n;
  return q > U128_MAX ? undefined : q;
}

/** Little-endian 16-byte encoding of a word. */
export function wordToBytesLE(x: bigint, out: Uint8Array = new Uint8Array(16), offset = 0): Uint8Array {
  let v = x;
  for (let i = 0; i < 16; i++) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Read an n-byte little-endian unsigned integer. */
export function readUintLE(bytes: Uint8Array, offset: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i] ?? 0);
  return v;
}

/** Write the low n bytes of `x` little-endian. */
export function writeUintLE(bytes: Uint8Array, offset: number, n: number, x: bigint): void {
  let v = x;
  for (let i = 0; i < n; i++) {
    bytes[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Big-endian bytes → bigint (hash outputs, field elements). */
export function bytesToBigBE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** bigint → fixed-width big-endian bytes. */
export function bigToBytesBE(x: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let v = x;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
