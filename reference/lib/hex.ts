/** Hex encodings. Bigints cross JSON as `0x` hex strings (STYLE.md, Tooling). */
export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Parse an even-length hex string (an optional `0x` prefix is allowed). Throws RangeError. */
export function hexToBytes(hex: string): Uint8Array {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new RangeError(`not an even-length hex string: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A word as JSON: `0x` followed by lower-case hex, no leading zeros (`0x0` for zero). */
export function bigToJson(x: bigint): string {
  return '0x' + x.toString(16);
}

/** Parse a JSON word: `0x…` hex or a decimal string. Throws RangeError on anything else. */
export function bigFromJson(s: string): bigint {
  if (/^0x[0-9a-fA-F]+$/.test(s)) return BigInt(s);
  if (/^-?[0-9]+$/.test(s)) return BigInt(s);
  throw new RangeError(`not an integer: ${JSON.stringify(s).slice(0, 40)}`);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
