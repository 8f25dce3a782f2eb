/**
 * A key → value state tree over the Merkle tree of lib/merkle.ts (VM-MERKLE-*), for state roots that
 * anyone can prove a single key against: the sequencer's post-batch roots (spec/sequencer.md
 * SEQ-ROOT-*) and the rollup's state tree reuse it. Entries are sorted by key (UTF-16 code-unit order,
 * which equals byte order for the ASCII keys we use); keys are unique; leaf = leafHash(utf8(key), value).
 * `firstDifferingKey` compares two trees leaf by leaf — what a node reports when its root diverges.
 */
import { bytesEqual, bytesToHex } from './hex.ts';
import { utf8Bytes } from './hash.ts';
import { leafHash, merkleProof, merkleRoot, verifyMerkle, type MerkleProof } from './merkle.ts';

export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
}

export interface StateLeaf {
  readonly key: string;
  /** leafHash(utf8(key), value). */
  readonly hash: Uint8Array;
}

export interface StateTree {
  readonly leaves: readonly StateLeaf[];
  readonly root: Uint8Array;
  readonly rootHex: string;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Build the tree; duplicate keys are a caller bug (RangeError). */
export function stateTree(entries: readonly StateEntry[]): StateTree {
  const sorted = [...entries].sort(byKey);
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as StateEntry).key === (sorted[i - 1] as StateEntry).key) throw new RangeError(`duplicate state key ${(sorted[i] as StateEntry).key}`);
  }
  const leaves = sorted.map((e) => ({ key: e.key, hash: leafHash(utf8Bytes(e.key), e.value) }));
  return treeOfLeaves(leaves);
}

/** A tree from leaves already hashed (e.g. received from a peer); they must be sorted and unique. */
export function treeOfLeaves(leaves: readonly StateLeaf[]): StateTree {
  for (let i = 1; i < leaves.length; i++) {
    if (byKey(leaves[i - 1] as StateLeaf, leaves[i] as StateLeaf) >= 0) throw new RangeError(`state leaves not sorted at ${i}`);
  }
  const root = merkleRoot(leaves.map((l) => l.hash));
  return { leaves, root, rootHex: bytesToHex(root) };
}

/** A proof that `key` has `value` under the tree's root. */
export function proveKey(tree: StateTree, key: string): MerkleProof & { readonly position: number } {
  const position = tree.leaves.findIndex((l) => l.key === key);
  if (position < 0) throw new RangeError(`no state key ${key}`);
  return { ...merkleProof(tree.leaves.map((l) => l.hash), position), position };
}

export function verifyKey(root: Uint8Array, key: string, value: Uint8Array, proof: MerkleProof): boolean {
  return verifyMerkle(root, leafHash(utf8Bytes(key), value), proof.siblings, proof.index);
}

/**
 * The smallest key whose leaf differs between `a` and `b` (present on one side only, or with another
 * value); null when the trees hold the same leaves.
 */
export function firstDifferingKey(a: readonly StateLeaf[], b: readonly StateLeaf[]): string | null {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (!x) return (y as StateLeaf).key;
    if (!y) return x.key;
    if (x.key < y.key) return x.key;
    if (y.key < x.key) return y.key;
    if (!bytesEqual(x.hash, y.hash)) return x.key;
    i++;
    j++;
  }
  return null;
}
