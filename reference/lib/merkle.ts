/**
 * The binary Merkle tree of CurveVM state roots and of the MERKLE_VERIFY precompile (spec/curvevm.md §9,
 * VM-MERKLE-*). Domain-separated sha256: leaf = H(0x00 ‖ u32le(len key) ‖ key ‖ value), node =
 * H(0x01 ‖ left ‖ right). An odd node at the end of a level is promoted unchanged; the empty tree's root
 * is 32 zero bytes. A proof lists the siblings of the hashed levels only, and bit i of `index` says
 * whether the running hash is the right (1) or left (0) child at the i-th hashed level.
 */
import { sha256 } from './hash.ts';

export const EMPTY_ROOT = new Uint8Array(32);

export function leafHash(key: Uint8Array, value: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 4 + key.length + value.length);
  buf[0] = 0x00;
  new DataView(buf.buffer).setUint32(1, key.length, true);
  buf.set(key, 5);
  buf.set(value, 5 + key.length);
  return sha256(buf);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 33);
  return sha256(buf);
}

/** Root over already-hashed leaves, in order. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Uint8Array;
      const r = level[i + 1];
      next.push(r ? nodeHash(l, r) : l);
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

export interface MerkleProof {
  readonly siblings: readonly Uint8Array[];
  /** Direction bits, bit i for the i-th sibling. */
  readonly index: bigint;
}

export function merkleProof(leaves: readonly Uint8Array[], position: number): MerkleProof {
  if (position < 0 || position >= leaves.length) throw new RangeError(`leaf ${position} out of range`);
  const siblings: Uint8Array[] = [];
  let index = 0n;
  let level = leaves.slice();
  let pos = position;
  while (level.length > 1) {
    const sibling = pos ^ 1;
    if (sibling < level.length) {
      if (pos & 1) index |= 1n << BigInt(siblings.length);
      siblings.push(level[sibling] as Uint8Array);
    }
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i] as Uint8Array;
      const r = level[i + 1];
      next.push(r ? nodeHash(l, r) : l);
    }
    level = next;
    pos >>= 1;
  }
  return { siblings, index };
}

export function verifyMerkle(root: Uint8Array, leaf: Uint8Array, siblings: readonly Uint8Array[], index: bigint): boolean {
  let h = leaf;
  siblings.forEach((s, i) => {
    h = (index >> BigInt(i)) & 1n ? nodeHash(s, h) : nodeHash(h, s);
  });
  if (h.length !== root.length) return false;
  for (let i = 0; i < h.length; i++) if (h[i] !== root[i]) return false;
  return true;
}
