/**
 * The domain-separated sha256 Merkle tree (spec/curvevm.md §9, VM-MERKLE-*): leaf and node encodings,
 * odd-node promotion, the empty root, proofs for every leaf, and rejection of wrong proofs.
 */
import test from 'ava';
import fc from 'fast-check';
import { sha256 } from '../../reference/lib/hash.ts';
import { EMPTY_ROOT, leafHash, merkleProof, merkleRoot, nodeHash, verifyMerkle } from '../../reference/lib/merkle.ts';

const leaf = (i: number): Uint8Array => leafHash(new TextEncoder().encode(`k${i}`), Uint8Array.of(i & 0xff));

test('VM-MERKLE-001 leaf = H(0x00 ‖ u32le(len key) ‖ key ‖ value); node = H(0x01 ‖ l ‖ r)', (t) => {
  const key = Uint8Array.of(0xaa, 0xbb);
  const value = Uint8Array.of(0xcc);
  t.deepEqual(leafHash(key, value), sha256(Uint8Array.of(0, 2, 0, 0, 0, 0xaa, 0xbb, 0xcc)));
  const l = new Uint8Array(32).fill(1);
  const r = new Uint8Array(32).fill(2);
  t.deepEqual(nodeHash(l, r), sha256(Uint8Array.of(1, ...l, ...r)));
});

test('VM-MERKLE-002 the empty root is 32 zero bytes; one leaf is its own root; odd nodes are promoted', (t) => {
  t.deepEqual(merkleRoot([]), EMPTY_ROOT);
  t.deepEqual(merkleRoot([leaf(0)]), leaf(0));
  t.deepEqual(merkleRoot([leaf(0), leaf(1), leaf(2)]), nodeHash(nodeHash(leaf(0), leaf(1)), leaf(2)));
});

test('VM-MERKLE-003 proofs skip promoted levels: the last of 3 leaves has one sibling', (t) => {
  const leaves = [leaf(0), leaf(1), leaf(2)];
  const p = merkleProof(leaves, 2);
  t.is(p.siblings.length, 1);
  t.is(p.index, 1n);
  t.throws(() => merkleProof(leaves, 3), { instanceOf: RangeError });
  t.throws(() => merkleProof(leaves, -1), { instanceOf: RangeError });
});

test('property VM-MERKLE-004: every leaf’s proof verifies; a wrong leaf, index bit or root does not', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), (n, k) => {
      const leaves = Array.from({ length: n }, (_, i) => leaf(i));
      const pos = k % n;
      const root = merkleRoot(leaves);
      const p = merkleProof(leaves, pos);
      if (!verifyMerkle(root, leaves[pos] as Uint8Array, p.siblings, p.index)) return false;
      if (n > 1 && verifyMerkle(root, leaf(n + 1), p.siblings, p.index)) return false;
      if (p.siblings.length > 0 && verifyMerkle(root, leaves[pos] as Uint8Array, p.siblings, p.index ^ 1n)) return false;
      return !verifyMerkle(new Uint8Array(32), leaves[pos] as Uint8Array, p.siblings, p.index) && !verifyMerkle(root.slice(0, 31), root, [], 0n);
    }),
    { numRuns: 100 },
  );
  t.pass();
});
