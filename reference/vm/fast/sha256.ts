/**
 * SHA-256 (FIPS 180-4) for the fast path's inline SHA256 instruction (jit.ts): hashes a range of a byte
 * array and writes the digest into a byte array, with no allocation — the message schedule, the state and
 * the padded tail are module buffers reused by every call. The reference handler keeps @noble/hashes
 * (precompiles.ts); test/vm/fast-sha256.test.ts checks this one against it. Measured on
 * `npm run bench -- perp` (PFM1): the hasher objects, views and output arrays @noble/hashes makes per call
 * were more than half of the cost of the commitment check of a slab commit.
 */

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const W = new Int32Array(64);
const H = new Int32Array(8);
/** The last one or two blocks: the message's tail, 0x80, zeros, the length in bits. */
const TAIL = new Uint8Array(128);

/** One 64-byte block of `src` from `p` into the state H. */
function block(src: Uint8Array, p: number): void {
  for (let t = 0; t < 16; t++, p += 4) W[t] = ((src[p] as number) << 24) | ((src[p + 1] as number) << 16) | ((src[p + 2] as number) << 8) | (src[p + 3] as number);
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15] as number;
    const y = W[t - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[t] = ((W[t - 16] as number) + s0 + (W[t - 7] as number) + s1) | 0;
  }
  let a = H[0] as number;
  let b = H[1] as number;
  let c = H[2] as number;
  let d = H[3] as number;
  let e = H[4] as number;
  let f = H[5] as number;
  let g = H[6] as number;
  let h = H[7] as number;
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (W[t] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = ((H[0] as number) + a) | 0;
  H[1] = ((H[1] as number) + b) | 0;
  H[2] = ((H[2] as number) + c) | 0;
  H[3] = ((H[3] as number) + d) | 0;
  H[4] = ((H[4] as number) + e) | 0;
  H[5] = ((H[5] as number) + f) | 0;
  H[6] = ((H[6] as number) + g) | 0;
  H[7] = ((H[7] as number) + h) | 0;
}

/**
 * Write sha256(src[from, from + len)) at out[at, at + 32) (ranges in bounds; `out` may be `src`, even
 * overlapping: the digest is written after the whole message is read).
 */
export function sha256Into(src: Uint8Array, from: number, len: number, out: Uint8Array, at: number): void {
  H.set(IV);
  const full = len - (len % 64);
  for (let p = 0; p < full; p += 64) block(src, from + p);
  const rest = len - full;
  TAIL.fill(0);
  for (let k = 0; k < rest; k++) TAIL[k] = src[from + full + k] as number;
  TAIL[rest] = 0x80;
  const end = rest < 56 ? 64 : 128;
  // the length in bits, big-endian in the last 8 bytes (len·8 < 2^53)
  const bitsHi = Math.floor(len / 0x20000000);
  const bitsLo = (len * 8) >>> 0;
  for (let k = 0; k < 4; k++) {
    TAIL[end - 8 + k] = (bitsHi >>> (24 - 8 * k)) & 0xff;
    TAIL[end - 4 + k] = (bitsLo >>> (24 - 8 * k)) & 0xff;
  }
  block(TAIL, 0);
  if (end === 128) block(TAIL, 64);
  for (let i = 0; i < 8; i++) {
    const v = H[i] as number;
    out[at + 4 * i] = v >>> 24;
    out[at + 4 * i + 1] = (v >>> 16) & 0xff;
    out[at + 4 * i + 2] = (v >>> 8) & 0xff;
    out[at + 4 * i + 3] = v & 0xff;
  }
}
