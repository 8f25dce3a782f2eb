/** Hashing wrappers over @noble/hashes (ARCHITECTURE.md: hashes by @noble/hashes). */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from './hex.ts';
import { readUintLE } from './u128.ts';

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

export function sha256Hex(data: Uint8Array): string {
  return bytesToHex(nobleSha256(data));
}

/** The low 128 bits of sha256(data), read little-endian from its first 16 bytes: a u128 id. */
export function id128(data: Uint8Array): bigint {
  return readUintLE(nobleSha256(data), 0, 16);
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const utf8 = new TextEncoder();
export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}
